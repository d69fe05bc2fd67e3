"""What operations and search engines ask of the site: ``/healthz``, ``/readyz``, ``/robots.txt``, ``/sitemap.xml``.

- ``/healthz``: the process answers (a load balancer's liveness check). Touches neither the database nor
  the cache, so a database outage does not get every app server restarted.
- ``/readyz``: the database and the cache both answer (``SELECT 1``; a cache write read back): 200, or 503
  naming what failed, so a load balancer sends no visitors to a server that cannot serve them.
- Both are plain HTTP (``SECURE_REDIRECT_EXEMPT``), never cached, and outside the language prefix.
- ``/sitemap.xml``: the public pages in Vietnamese and English (``hreflang`` alternates), the province
  pages of the site's dataset and the rankings of each *published* edition, as the anonymous viewer sees
  them (``reports.visibility.ANONYMOUS``): a draft year is never listed.
- ``/robots.txt``: everything public may be crawled; the admin, sign-in, the language switch and the
  officers' landing page may not; the sitemap's address.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.cache import caches
from django.db import connections
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from provinces.models import Province
from reports.visibility import ANONYMOUS

log = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request):
    return HttpResponse("ok\n", content_type="text/plain")


def _database_ok(alias: str) -> bool:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        log.exception("readyz: database %s unreachable", alias)
        return False


def _cache_ok(alias: str) -> bool:
    key, value = "cchc:readyz", f"{time.time_ns()}"
    try:
        cache = caches[alias]
        cache.set(key, value, 10)
        return cache.get(key) == value
    except Exception:
        log.exception("readyz: cache %s unreachable", alias)
        return False


@never_cache
@require_safe
def readyz(request):
    checks = {f"database:{alias}": _database_ok(alias) for alias in settings.DATABASES}
    checks.update({f"cache:{alias}": _cache_ok(alias) for alias in settings.CACHES})
    ready = all(checks.values())
    return JsonResponse(
        {"ready": ready, "checks": {name: "ok" if ok else "unreachable" for name, ok in checks.items()}},
        status=200 if ready else 503,
    )


ROBOTS_DISALLOW = (
    *("/admin/", "/accounts/", "/trang-cua-toi/"),
    *("/en/admin/", "/en/accounts/", "/en/trang-cua-toi/"),
    "/i18n/",
)


@cache_control(public=True, max_age=3600)
@require_safe
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW)]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


class _Bilingual(Sitemap):
    """Every item in each language (Vietnamese unprefixed, English under /en/), with hreflang alternates."""

    i18n = True
    alternates = True
    x_default = True  # the Vietnamese page, as in the pages' own <link rel="alternate">


class PageSitemap(_Bilingual):
    changefreq = "weekly"
    NAMES = (
        "dashboard:home",
        "dashboard:rankings",
        "dashboard:units_list",
        "dashboard:compare",
        "dashboard:map",
        "dashboard:articles",
        "dashboard:about",
    )

    def items(self):
        return list(self.NAMES)

    def location(self, item):
        return reverse(item)


class ProvinceSitemap(_Bilingual):
    changefreq = "monthly"

    def items(self):
        return list(Province.objects.in_dataset().order_by("era", "code").values_list("slug", flat=True))

    def location(self, item):
        return reverse("dashboard:province", args=[item])


class EditionSitemap(_Bilingual):
    """The rankings of each edition the public may see: published ones only (the anonymous viewer's)."""

    changefreq = "monthly"

    def items(self):
        editions = ANONYMOUS.editions().in_dataset().select_related("index")
        return list(editions.order_by("index__order", "index__code", "-year").values_list("index__code", "year"))

    def location(self, item):
        code, year = item
        return reverse("dashboard:rankings") + f"?index={code}&year={year}"


SITEMAPS = {"pages": PageSitemap, "provinces": ProvinceSitemap, "editions": EditionSitemap}
