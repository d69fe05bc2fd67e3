"""CORS for reads, on the API's URLs only: any origin may read, never with credentials.

``Access-Control-Allow-Origin: *`` without ``Access-Control-Allow-Credentials``: a page on another site
can read the API's answers to requests made without cookies, which are what the anonymous public sees;
a browser never hands that page an answer to a request sent with the visitor's cookies (a wildcard origin
and no credentials header), so a signed-in visitor's drafts cannot be read cross-origin. A preflight
(``OPTIONS``) is answered for GET and HEAD; HEAD is answered as a GET. A few lines rather than
django-cors-headers: one fixed header on one URL prefix needs no settings and no site-wide middleware.
"""

from __future__ import annotations

from functools import wraps

from django.http import HttpResponse
from django.urls import URLPattern
from django.utils.cache import patch_vary_headers

READ_METHODS = "GET, HEAD, OPTIONS"


def open_for_reads(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = READ_METHODS
            response["Access-Control-Allow-Headers"] = "Accept, Accept-Language, If-None-Match, If-Modified-Since"
            response["Access-Control-Max-Age"] = "86400"
        elif request.method == "HEAD":
            # answered as a GET (the server sends the headers only), as Django's own views do
            request.method = "GET"
            response = view(request, *args, **kwargs)
            request.method = "HEAD"
        else:
            response = view(request, *args, **kwargs)
        # what a signed-in visitor gets depends on their session: shared caches must not mix them
        patch_vary_headers(response, ("Cookie",))
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Content-Disposition"
        return response

    return wrapped


def open_patterns(patterns: list) -> list:
    """``patterns`` (URLPattern only) with every view wrapped by :func:`open_for_reads`."""
    return [URLPattern(p.pattern, open_for_reads(p.callback), p.default_args, p.name) for p in patterns]
