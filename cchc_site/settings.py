"""Settings for the CCHC dashboard, read from the environment.

Defaults suit a developer's machine (SQLite file under ``var/``, DEBUG on); production sets
``DJANGO_ENV=production`` or the individual variables documented in the README.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-not-secret-" + "x" * 40
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",  # /sitemap.xml (cchc_site/ops.py)
    "django_filters",
    "simple_history",
    # Lower apps never import higher ones (docs/ARCHITECTURE.md).
    "provinces",
    "reports",
    "sources",
    "dashboard",
    "opendata",
    "desk",
    "curation",
]

MIDDLEWARE = [
    # REMOTE_ADDR = the visitor's address behind a trusted proxy (TRUSTED_PROXIES; cchc_site/middleware.py)
    "cchc_site.middleware.RealClientAddress",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response, static files and errors included (cchc_site/middleware.py)
    "cchc_site.middleware.ContentSecurityPolicy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Vary of cached pages: Cookie only, the language is in the URL (after LocaleMiddleware on the way out)
    "cchc_site.middleware.CacheHeaders",
    "django.middleware.locale.LocaleMiddleware",
    # old links' ?lang=en opens /en/… (the language is in the URL now)
    "cchc_site.middleware.LanguageQueryRedirect",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # query parameters with control characters or over-long values: a 400 before any view or query
    "cchc_site.middleware.QueryStringGuard",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "cchc_site.urls"
WSGI_APPLICATION = "cchc_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dashboard.context_processors.dashboard",
            ],
        },
    },
]

# SQLite by default so that a fresh clone needs no database server; DATABASE_URL switches to
# PostgreSQL (postgres://user@host:port/name) through psycopg 3.
(BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'cchc.sqlite3'}",
        conn_max_age=envint("CONN_MAX_AGE", 60),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A table previewed in the admin waits here for its apply step (curation/imports.py: stash); one day at most.
IMPORT_STASH_DIR = Path(os.environ.get("IMPORT_STASH_DIR") or BASE_DIR / "var" / "imports")

# "real" (default) or "synthetic": which dataset the pages show. Never both, so generated figures
# cannot pass for real ones; every page shows a banner in synthetic mode.
CCHC_DATASET = os.environ.get("CCHC_DATASET", "real")
if CCHC_DATASET not in ("real", "synthetic"):
    raise ImproperlyConfigured(f"CCHC_DATASET must be real or synthetic, not {CCHC_DATASET!r}")

CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
elif CACHE_URL.startswith("dummy://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "cchc"}}

# How long a shared cache (nginx proxy_cache, a CDN) may keep a public page, and serve it stale while it
# fetches a fresh one: a publish or an un-publish shows everywhere within the sum (dashboard/caching.py
# caps them at 60 and 30 seconds).
CACHE_S_MAXAGE = envint("CACHE_S_MAXAGE", 60)
CACHE_STALE_WHILE_REVALIDATE = envint("CACHE_STALE_WHILE_REVALIDATE", 30)

# Addresses (or networks, 10.0.0.0/8) of the proxies in front of the app whose X-Forwarded-For is believed:
# the sign-in throttle then counts the visitor's address, not the proxy's (cchc_site/middleware.py).
# Empty (the default): X-Forwarded-For is ignored, REMOTE_ADDR is the client.
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES", "")
try:
    for _proxy in TRUSTED_PROXIES:
        ipaddress.ip_network(_proxy, strict=False)
except ValueError as error:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}") from None

AUTH_USER_MODEL = "provinces.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard:my_home"
LOGOUT_REDIRECT_URL = None  # show templates/registration/logged_out.html
# Repeated failed sign-ins are throttled per username + address (provinces/auth.py).
AUTHENTICATION_BACKENDS = ["provinces.auth.ThrottledModelBackend"]
LOGIN_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_SECONDS = envint("LOGIN_LOCKOUT_SECONDS", 15 * 60)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Django's Vietnamese formats name the thousands dot but no grouping, so counts written with
# force_grouping (dashboard.templatetags.cchc.stated, dashboard.charts.number) came out as 113905;
# this is the fallback for locales without NUMBER_GROUPING (English keeps its own, also 3).
NUMBER_GROUPING = 3

STATIC_URL = "static/"
# The shipped public data (the map's GeoJSON, the unit lists) is also a static file: hashed and served for a
# year by whitenoise or a CDN instead of through a view.
STATICFILES_DIRS = [BASE_DIR / "static", ("data", BASE_DIR / "provinces" / "data")]
WHITENOISE_MIMETYPES = {".geojson": "application/geo+json"}
STATIC_ROOT = BASE_DIR / "staticfiles"
# WhiteNoise warns on every request when the folder is missing (before the first collectstatic).
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_TLS_PROXY", False) else None
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
# A load balancer's health checks speak plain HTTP to the app server (cchc_site/ops.py).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
