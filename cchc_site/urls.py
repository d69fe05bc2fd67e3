"""URL map: the dashboard (reports), admin, sign-in, language switch, the open-data API.

The pages are language-prefixed by ``i18n_patterns`` with ``prefix_default_language=False``: Vietnamese at
the paths as they always were (``/xep-hang/``), English under ``/en/`` (``/en/xep-hang/``). The URL alone
decides the language, so a shared link opens in the language it was copied in; the admin follows the same
rule (``/en/admin/``). The ``set_language`` view (kept for old forms: it redirects to the page in the chosen
language), the API and the operations' URLs stay outside.
"""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.cache import cache_control

from cchc_site import ops
from dashboard.account_views import SignInView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    # the open-data API and data package: outside any language prefix (opendata/urls.py)
    path("api/v1/", include("opendata.urls")),
    # operations and crawlers, outside the language prefix (cchc_site/ops.py)
    path("healthz", ops.healthz, name="healthz"),
    path("readyz", ops.readyz, name="readyz"),
    path("robots.txt", ops.robots_txt, name="robots"),
    path(
        "sitemap.xml",
        cache_control(public=True, max_age=3600)(sitemap),
        {"sitemaps": ops.SITEMAPS},
        name="sitemap",
    ),
]
urlpatterns += i18n_patterns(
    # the admin too: /admin/ in Vietnamese, /en/admin/ in English (the language switch leads between them)
    path("admin/", admin.site.urls),
    path("", include("dashboard.urls")),
    path("ban-lam-viec/", include("desk.urls")),
    # sign-in throttled (and a moved account's notice); the rest of django.contrib.auth.urls as is
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    prefix_default_language=False,
)
