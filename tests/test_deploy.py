"""`manage.py check --deploy` passes with the production settings documented in the README."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-secret-that-is-long-enough-and-random-Zq8#kP2@mV5$wX9&nB4",
    "ALLOWED_HOSTS": "cchc.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://cchc.example.org",
}


def run_check(**overrides) -> subprocess.CompletedProcess:
    # the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; production never does
    dropped = {*PRODUCTION, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped and not k.startswith("SECURE_")}
    env.update(PRODUCTION, **overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_check_deploy_passes_with_production_settings():
    done = run_check()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_fails_when_production_is_misconfigured():
    done = run_check(SECURE_SSL_REDIRECT="false", SECURE_HSTS_SECONDS="0")
    assert done.returncode != 0
    assert "security.W008" in done.stdout + done.stderr


def test_production_refuses_to_start_without_a_secret_key():
    done = run_check(SECRET_KEY="")
    assert done.returncode != 0 and "SECRET_KEY must be set" in done.stderr


def test_gunicorn_collects_young_garbage_after_a_response_not_inside_the_next_request():
    """A page's template context is cyclic garbage; gunicorn.conf.py frees it between requests."""
    import gc
    import runpy

    from cchc_site import gctune

    config = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
    thresholds = gc.get_threshold()
    try:
        config["post_fork"](None, None)
        assert gc.get_threshold()[0] == gctune.GEN0_THRESHOLD
        gc.collect()
        while gc.get_count()[0] < gctune.GEN0_THRESHOLD * 3 // 5:
            pair = [{}, {}]  # like Context <-> ContextDict: garbage that reference counting never frees
            pair[0]["other"], pair[1]["other"] = pair[1], pair[0]
        del pair
        assert gc.get_count()[0] > gctune.GEN0_THRESHOLD // 2
        config["post_request"](None, None, {}, None)
        assert gc.get_count()[0] < 100
    finally:
        gc.set_threshold(*thresholds)


def test_the_production_steps_run_on_a_fresh_database(tmp_path):
    """The README's production steps on an empty database: `migrate` runs the data checks before any table
    exists (they used to query a table that was not there yet), then `check --deploy --database` passes."""
    database = {"DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
    for command in (["migrate", "-v0"], ["check", "--deploy", "--database", "default", "--fail-level", "WARNING"]):
        env = {k: v for k, v in os.environ.items() if k not in PRODUCTION and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        env.update(PRODUCTION, **database)
        command = [sys.executable, "manage.py", *command]
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
