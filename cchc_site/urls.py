"""URL map: the dashboard (reports), admin, sign-in, language switch."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("reports.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
