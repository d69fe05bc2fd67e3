"""Context every page gets: which dataset the site shows (the synthetic banner), the navigation, the URLs
the base template links to, and the same page in each language (the switcher and the hreflang alternates:
Vietnamese at the unprefixed path, English under /en/, the query string kept)."""

from __future__ import annotations

import functools

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse, translate_url
from django.utils.translation import get_language
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
def _reversed(names: tuple[str, ...], prefix: str, urlconf, language: str) -> tuple[str, ...]:
    # The same on every request of a process (its URLconf, script prefix and language: /en/… in
    # English): reversed once, not a dozen times per page (~20 µs each).
    return tuple(reverse(name) for name in names)


def dashboard(request: HttpRequest) -> dict:
    path = request.path
    prefix, urlconf, language = get_script_prefix(), get_urlconf(), get_language()
    navigation = []
    urls = _reversed(tuple(name for name, _label in NAVIGATION), prefix, urlconf, language)
    for (_name, label), url in zip(NAVIGATION, urls, strict=True):
        current = path == url if url == "/" else path.startswith(url)
        navigation.append({"url": url, "label": label, "current": current})
    site_urls = dict(
        zip((n.split(":")[-1] for n in SITE_URLS), _reversed(SITE_URLS, prefix, urlconf, language), strict=True)
    )
    return {
        "synthetic_dataset": settings.CCHC_DATASET == "synthetic",
        "navigation": navigation,
        "site_urls": site_urls,
        "language_urls": language_urls(request),
    }


def language_urls(request: HttpRequest) -> list[dict]:
    """This page in every language: code, name, URL (same query string), absolute URL, whether current."""
    current = get_language()
    here = request.get_full_path()
    found = []
    for code, _name in settings.LANGUAGES:
        url = here if code == current else translate_url(here, code)
        found.append(
            {
                "code": code,
                "name": "Tiếng Việt" if code == "vi" else "English",
                "url": url,
                "absolute": request.build_absolute_uri(url),
                "current": code == current,
            }
        )
    return found
