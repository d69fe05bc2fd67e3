"""The provinces' desk: /ban-lam-viec/… (pages per person, never cached)."""

from django.urls import path

from desk import quarters, review

app_name = "desk"

urlpatterns = [
    path("cho-duyet/", review.review_list, name="review"),
    path("<slug:slug>/quy/", quarters.quarters_page, name="quarters"),
]
