"""URL map: the dashboard (reports), admin, sign-in, language switch, the open-data API."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from provinces.auth import ThrottledAuthenticationForm

urlpatterns = [
    path("", include("dashboard.urls")),
    path("admin/", admin.site.urls),
    # sign-in with repeated failures throttled; the rest of django.contrib.auth.urls as is
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=ThrottledAuthenticationForm),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # the open-data API and data package: outside any language prefix (opendata/urls.py)
    path("api/v1/", include("opendata.urls")),
]
