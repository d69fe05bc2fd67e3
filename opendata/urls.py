"""``/api/v1/``: the API's endpoints, its OpenAPI document and the data package, open to any origin for
reads (``opendata.cors``); any other path under it is a JSON 404. Mounted outside the language prefixes
(``cchc_site.urls``)."""

from django.urls import re_path

from opendata.api import api, not_found
from opendata.cors import open_for_reads, open_patterns

patterns, _ninja, app_name = api.urls  # app_name "api-v1": django-ninja reverses "api-v1:api-root"

urlpatterns = [
    *open_patterns(patterns),
    re_path(r"^.*$", open_for_reads(not_found), name="not-found"),
]
