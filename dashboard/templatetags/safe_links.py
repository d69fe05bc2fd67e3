"""``{% load safe_links %}`` … ``<a href="{{ article.url|http_url }}">``: a stored link rendered only when
it is http(s) (``provinces.inputs.safe_url``, the one helper every stored link goes through; the tables
written in Python get their links through the same function in dashboard/queries.py and pages/)."""

from __future__ import annotations

from django import template

from provinces.inputs import safe_url

register = template.Library()


@register.filter(is_safe=False)
def http_url(value) -> str:
    """``value`` if it is an http(s) address, else an empty string (never ``javascript:`` or ``data:``)."""
    return safe_url(value)
