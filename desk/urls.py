"""The officer's desk (names prefixed ``desk:``): per person, never in the shared page cache."""

from django.urls import path

from desk import views

app_name = "desk"

urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:slug>/", views.unit, name="unit"),
    path("<slug:slug>/ho-so/", views.profile, name="profile"),
]
