"""Context every page gets: which dataset the site shows (the synthetic banner), the navigation and
the URLs the base template links to."""

from __future__ import annotations

import functools

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

NAVIGATION = [
    ("dashboard:home", _("Tổng quan")),
    ("dashboard:rankings", _("Xếp hạng")),
    ("dashboard:compare", _("So sánh")),
    ("dashboard:map", _("Bản đồ")),
    ("dashboard:articles", _("Bài viết nguồn")),
    ("dashboard:about", _("Về dữ liệu")),
]
SITE_URLS = ("dashboard:home", "dashboard:about", "dashboard:my_home", "set_language", "login", "logout")


@functools.lru_cache(maxsize=8)
def _reversed(names: tuple[str, ...], prefix: str, urlconf) -> tuple[str, ...]:
    # The same on every request of a process (its URLconf and script prefix): reversed once, not
    # a dozen times per page (~20 µs each).
    return tuple(reverse(name) for name in names)


def dashboard(request: HttpRequest) -> dict:
    path = request.path
    prefix, urlconf = get_script_prefix(), get_urlconf()
    navigation = []
    urls = _reversed(tuple(name for name, _label in NAVIGATION), prefix, urlconf)
    for (_name, label), url in zip(NAVIGATION, urls, strict=True):
        current = path == url if url == "/" else path.startswith(url)
        navigation.append({"url": url, "label": label, "current": current})
    site_urls = dict(zip((n.split(":")[-1] for n in SITE_URLS), _reversed(SITE_URLS, prefix, urlconf), strict=True))
    return {
        "synthetic_dataset": settings.CCHC_DATASET == "synthetic",
        "navigation": navigation,
        "site_urls": site_urls,
    }
