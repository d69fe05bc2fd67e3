"""CORS for reads, on the API's URLs only: any origin may read, never with credentials.

``Access-Control-Allow-Origin: *`` without ``Access-Control-Allow-Credentials``: a page on another site
can fetch the API, but its browser sends no session cookie with the request (a wildcard origin forbids
credentials), so a cross-origin reader always gets what the anonymous public sees. A preflight
(``OPTIONS``) is answered for GET and HEAD. Eight lines instead of django-cors-headers: one fixed header
on one URL prefix needs no settings and no middleware for the whole site.
"""

from __future__ import annotations

from functools import wraps

from django.http import HttpResponse
from django.urls import URLPattern

READ_METHODS = "GET, HEAD, OPTIONS"


def open_for_reads(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = READ_METHODS
            response["Access-Control-Allow-Headers"] = "Accept, Accept-Language, If-None-Match, If-Modified-Since"
            response["Access-Control-Max-Age"] = "86400"
        else:
            response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Content-Disposition"
        return response

    return wrapped


def open_patterns(patterns: list) -> list:
    """``patterns`` (URLPattern only) with every view wrapped by :func:`open_for_reads`."""
    return [URLPattern(p.pattern, open_for_reads(p.callback), p.default_args, p.name) for p in patterns]
