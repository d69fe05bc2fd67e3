"""The site's URLs plus the floor views under /__floor__/ (benchmark runs only).

The site's patterns are added as they are, not through include(): they use i18n_patterns, which Django allows
only in a root URLconf."""

from django.urls import path

from cchc_site.urls import urlpatterns as site_patterns

from . import floor

urlpatterns = [
    path("__floor__/edition/<str:index>/<int:year>/", floor.edition_rows, name="floor-edition"),
    path("__floor__/province/<slug:slug>/", floor.province_rows, name="floor-province"),
    path("__floor__/provinces/", floor.provinces_rows, name="floor-provinces"),
    *site_patterns,
]
