"""The caching proxy, measured: ``.venv/bin/python -m benchmarks.loadtest --proxy`` (about 6 minutes).

Puts Debian's nginx with ``proxy_cache`` (started here, on 127.0.0.1, with the configuration below and in
docs/DEPLOY.md) between ``wrk`` and gunicorn, and reports requests/s, p50/p99 and errors at 256 connections
for 20 s on the rankings and province pages, through nginx and against gunicorn alone.

Then the freshness check, on the page a visitor would open on announcement day: the edition is set back to
draft (an un-publish) and then published again, each by a separate process as a curator's save in the admin
would be, while wrk keeps the proxy busy; the page is asked through nginx every half second until nginx
serves what gunicorn serves (the same status and ETag). Both must show within ``s-maxage + stale-while-revalidate``
(60 + 30 s): the proxy keeps a public page at most that long and never serves a stale page because the
app failed (no ``proxy_cache_use_stale error``: an error is passed on, not hidden behind an old page).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from benchmarks.run import OUT, PYTHON, ROOT

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

# The configuration documented in docs/DEPLOY.md, with the cache and the logs in this run's folder.
# - The app says how long a page may be kept (Cache-Control: public, s-maxage=60, stale-while-revalidate=30);
#   nginx follows it, and keeps nothing the app marks private (anything asked with a session).
# - A request carrying a session cookie goes past the cache and is never stored.
# - proxy_cache_lock: when a page expires, one request fetches it and the others wait for that one
#   (announcement day: 63 provinces open the same page at once).
# - proxy_cache_background_update: within the page's stale-while-revalidate the old page is served while
#   one background request fetches the new one. No proxy_cache_use_stale at all: its "updating" overrides
#   the header's limit, and an un-published page (now a 400, which is never stored) then stayed visible
#   for as long as requests kept coming (measured: still shown after 105 s under load); "error" and
#   "timeout" would show a withdrawn page whenever the app fails.
NGINX_CONF = """\
{user}worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    proxy_cache_path {prefix}/cache levels=1:2 keys_zone=cchc:10m max_size=200m inactive=10m use_temp_path=off;
    upstream app {{ server 127.0.0.1:{app_port}; keepalive 32; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_cache cchc;
            proxy_cache_key $scheme$host$request_uri;
            proxy_cache_bypass $cookie_sessionid;
            proxy_no_cache $cookie_sessionid;
            proxy_cache_lock on;
            proxy_cache_background_update on;
            add_header X-Cache-Status $upstream_cache_status always;
        }}
    }}
}}
"""


def start_nginx(port: int, app_port: int) -> tuple[subprocess.Popen, Path]:
    prefix = OUT / "nginx"
    shutil.rmtree(prefix, ignore_errors=True)
    prefix.mkdir(parents=True)
    user = "user root;\n" if os.geteuid() == 0 else ""  # as root, nginx's workers would run as nobody
    conf = prefix / "nginx.conf"
    conf.write_text(NGINX_CONF.format(user=user, prefix=prefix, port=port, app_port=app_port))
    process = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"])
    return process, prefix


def head(url: str, host: str | None = None) -> dict:
    """What a visitor gets: the status and the page's ETag (an error page has none, and its body is made
    anew for every request), and the proxy's cache status. ``host``: the Host header to send (the page's
    links, and so its ETag, follow the name it is asked under)."""
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, headers = response.status, response.headers
            response.read()
    except urllib.error.HTTPError as error:  # an un-published year's page is a 400: a page all the same
        status, headers = error.code, error.headers
    return {"page": (status, headers.get("ETag")), "cache": headers.get("X-Cache-Status")}


SET_STATUS = (
    "from reports.models import Edition\n"
    "edition = Edition.objects.get(pk={pk})\n"
    "edition.status = {status!r}\n"
    "edition.save(update_fields=['status'])\n"
)


def set_status(env: dict, edition_id: int, status: str) -> None:
    """A separate process saves the edition, as the admin's publish or un-publish action does."""
    code = SET_STATUS.format(pk=edition_id, status=status)
    subprocess.run([PYTHON, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True, timeout=120)


def seconds_until_fresh(proxy_url: str, origin_url: str, limit: float) -> float | None:
    """Seconds until the proxy serves what the app serves (the same status and ETag), or None past ``limit``."""
    started = time.monotonic()
    while (elapsed := time.monotonic() - started) < limit:
        if head(proxy_url)["page"] == head(origin_url, host=urlsplit(proxy_url).netloc)["page"]:
            return round(elapsed, 1)
        time.sleep(0.5)
    return None


def freshness(env: dict, edition_id: int, proxy_url: str, origin_url: str, wrk_load) -> dict:
    """An un-publish, then a publish, as seen through the proxy while wrk keeps it busy."""
    limit = int(env.get("CACHE_S_MAXAGE", 60)) + int(env.get("CACHE_STALE_WHILE_REVALIDATE", 30))
    for _ in range(40):  # after the load runs the kept page may be stale: wait until it is refreshed
        if head(proxy_url)["cache"] == "HIT":
            break
        time.sleep(0.25)
    else:
        raise AssertionError("the proxy does not keep the public page")
    out = {"limit_s": limit}
    load = threading.Thread(target=wrk_load, args=(proxy_url, limit + 30), daemon=True)  # the un-publish window
    load.start()
    try:
        for change, status in (("unpublish", "draft"), ("publish", "published")):
            before = head(origin_url)["page"]
            set_status(env, edition_id, status)
            assert head(origin_url)["page"] != before, "the app's page did not change"
            out[f"{change}_shown_after_s"] = seconds_until_fresh(proxy_url, origin_url, limit + 15)
            print(f"{change}: shown through the proxy after {out[f'{change}_shown_after_s']} s", file=sys.stderr)
    finally:
        set_status(env, edition_id, "published")  # the benchmark database is kept for the next run
    load.join()
    # one poll (0.5 s) and its two requests of slack: the page is asked, not watched
    shown = [out[f"{change}_shown_after_s"] for change in ("unpublish", "publish")]
    out["within_limit"] = all(seconds is not None and seconds <= limit + 1 for seconds in shown)
    return out
