"""Context every page gets: which dataset the site shows (the synthetic banner) and the navigation."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

NAVIGATION = [
    ("reports:home", _("Tổng quan")),
    ("reports:rankings", _("Xếp hạng")),
    ("reports:compare", _("So sánh")),
    ("reports:map", _("Bản đồ")),
    ("reports:articles", _("Bài viết nguồn")),
    ("reports:about", _("Về dữ liệu")),
]


def dashboard(request: HttpRequest) -> dict:
    path = request.path
    navigation = []
    for name, label in NAVIGATION:
        url = reverse(name)
        current = path == url if url == "/" else path.startswith(url)
        navigation.append({"url": url, "label": label, "current": current})
    return {"synthetic_dataset": settings.CCHC_DATASET == "synthetic", "navigation": navigation}
