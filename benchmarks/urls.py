"""The site's URLs plus the floor views under /__floor__/ (benchmark runs only)."""

from django.urls import include, path

from . import floor

urlpatterns = [
    path("__floor__/edition/<str:index>/<int:year>/", floor.edition_rows, name="floor-edition"),
    path("__floor__/province/<slug:slug>/", floor.province_rows, name="floor-province"),
    path("__floor__/provinces/", floor.provinces_rows, name="floor-provinces"),
    path("", include("cchc_site.urls")),
]
