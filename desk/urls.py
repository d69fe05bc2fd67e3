"""The provinces' desk (names prefixed ``desk:``): pages per signed-in person, never in the shared page cache."""

from django.urls import path

from desk import quarters, review, views

app_name = "desk"

urlpatterns = [
    path("", views.home, name="home"),
    path("cho-duyet/", review.review_list, name="review"),
    path("<slug:slug>/", views.unit, name="unit"),
    path("<slug:slug>/quy/", quarters.quarters_page, name="quarters"),
    path("<slug:slug>/ho-so/", views.profile, name="profile"),
]
