from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("tinh/<slug:slug>/", views.province_detail, name="province"),
    path("xep-hang/", views.home, name="rankings"),
    path("bai-viet/<int:pk>/", views.home, name="article"),
]
