"""Floor views: the rows a page shows, as JSON, with one query and nothing else.

Each page's time is reported as a ratio to the floor view that serves the same rows, measured in the
same run: the ratio is what the page's ORM objects, figures, template and middleware cost on top of
fetching the data, independent of the machine.
"""

from types import SimpleNamespace

from django.conf import settings
from django.http import JsonResponse

from dashboard.queries import drawable_q
from provinces.models import Era
from reports.models import Result, Status

FIELDS = ("province__name", "province__slug", "edition__index__code", "edition__year", "score", "rank", "group")


def _visible(queryset):
    return queryset.filter(edition__status=Status.PUBLISHED, edition__is_synthetic=settings.CCHC_DATASET == "synthetic")


def _rows(queryset):
    rows = queryset.values_list(*FIELDS)
    return JsonResponse({"fields": FIELDS, "rows": [[str(v) if v is not None else None for v in r] for r in rows]})


def edition_rows(request, index: str, year: int):
    """A rankings table: every result of one edition, in rank order (one query).

    ``?drawable=1``: only the units the map can draw (what the map pages show).
    """
    limit = request.GET.get("limit")
    queryset = _visible(Result.objects.filter(edition__index__code=index, edition__year=year)).order_by("rank", "pk")
    if request.GET.get("drawable"):
        queryset = queryset.filter(drawable_q(SimpleNamespace(era=Era.of_year(year))))
    if limit:
        queryset = queryset[: int(limit)]
    return _rows(queryset)


def province_rows(request, slug: str):
    """A province page's series: every result of one unit, all indices and years (one query)."""
    return _rows(_visible(Result.objects.filter(province__slug=slug)).order_by("edition__index__code", "edition__year"))


def provinces_rows(request):
    """A comparison: every result of the units named in ?p= (one query)."""
    slugs = request.GET.getlist("p")
    return _rows(_visible(Result.objects.filter(province__slug__in=slugs)).order_by("province__slug", "edition__year"))
