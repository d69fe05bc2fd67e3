"""Dashboard URLs (names prefixed ``reports:``). Paths are Vietnamese, like the interface."""

from django.urls import path

from . import source_views, views

app_name = "reports"

urlpatterns = [
    # Pages
    path("", views.home, name="home"),
    path("xep-hang/", views.rankings, name="rankings"),
    path("tinh/<slug:slug>/", views.province_detail, name="province"),
    path("so-sanh/", views.compare, name="compare"),
    path("ban-do/", views.map_view, name="map"),
    path("gioi-thieu-du-lieu/", views.about, name="about"),
    path("bai-viet/", source_views.article_list, name="articles"),
    path("bai-viet/<int:pk>/", source_views.article_detail, name="article"),
    # Sign-in landing: officers go to their own province
    path("trang-cua-toi/", views.my_home, name="my_home"),
    # Data the pages fetch
    path("du-lieu/vn_provinces_63.geojson", views.geojson, name="geojson"),
]
