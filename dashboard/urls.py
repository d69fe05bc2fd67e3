"""Dashboard URLs (names prefixed ``dashboard:``). Paths are Vietnamese, like the interface."""

from django.urls import path
from django.views.decorators.clickjacking import xframe_options_exempt

from dashboard import account_views, article_views, embeds, views
from dashboard.caching import cached_page  # per data version, audience, language and parameters; ETag/304

app_name = "dashboard"

# The parameters each page reads: the cache key is built from these alone (dashboard/caching.py).
RANKINGS = ("index", "year", "region", "group", "component", "sort", "page", "format")
# An embed may be framed by any site: exempt from X-Frame-Options outside the cache, so that a cached
# copy is exempt too; its CSP frame-ancestors is relaxed by cchc_site.middleware for these views only.
EMBED = xframe_options_exempt(cached_page(views.embed, embeds.EMBED_PARAMS, free_text=("q",)))

urlpatterns = [
    # Pages
    path("", cached_page(views.home, views.PARAMS["home"]), name="home"),
    path("xep-hang/", cached_page(views.rankings, RANKINGS, free_text=("q",)), name="rankings"),
    path("tinh/", cached_page(views.units_list), name="units_list"),
    path("tinh/<slug:slug>/", cached_page(views.province_detail, views.PARAMS["province"]), name="province"),
    path("so-sanh/", cached_page(views.compare, views.PARAMS["compare"], free_text=("them",)), name="compare"),
    path("ban-do/", cached_page(views.map_view, views.PARAMS["map"]), name="map"),
    path("gioi-thieu-du-lieu/", cached_page(views.about), name="about"),
    path(
        "bai-viet/",
        cached_page(article_views.article_list, ("province", "year", "page"), free_text=("q",)),
        name="articles",
    ),
    path("bai-viet/<int:pk>/", cached_page(article_views.article_detail), name="article"),
    # Charts alone, for other sites to frame (dashboard/embeds.py)
    path("nhung/tinh/<slug:slug>/<slug:chart>/", EMBED, {"page": "tinh"}, name="embed_province"),
    path("nhung/<slug:page>/<slug:chart>/", EMBED, name="embed"),
    # Sign-in landing: officers go to their own province
    path("trang-cua-toi/", views.my_home, name="my_home"),
    # An officer moved to their unit's successor in 2025 is told so once, after signing in
    path("tai-khoan/chuyen-don-vi/", account_views.moved, name="moved"),
    # Data the pages fetch
    path("du-lieu/vn_provinces_63.geojson", cached_page(views.geojson), name="geojson"),
    path("du-lieu/don-vi.json", cached_page(views.units), name="units"),
]
