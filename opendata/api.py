"""The read-only API, ``/api/v1/``: django-ninja endpoints over ``opendata.rows``.

Who sees what is the pages' rule: every endpoint resolves ``viewer_of(request)`` and reads through it
(session authentication only: a signed-in officer or ministry user sees what the pages show them; no
tokens). Lists are paged (``page``, ``page_size`` up to 500) with absolute ``next``/``previous`` links;
filters are the pages' (``index``, ``year``, ``region``, ``province``); a bad one is a 400 with a JSON body.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.http import urlencode
from ninja import NinjaAPI, Query, Schema
from ninja.errors import HttpError, ValidationError
from pydantic import Field

from opendata import rows, schemas
from opendata.package import LICENCE, LICENCE_URL, dataset_response
from reports.visibility import viewer_of

PAGE_SIZE = 100
MAX_PAGE_SIZE = 500

api = NinjaAPI(
    title="CCHC dashboard open data API",
    version="1",
    description=(
        "Provincial administrative-reform indices of Viet Nam (PAR INDEX, SIPAS) as published by the Ministry "
        "of Home Affairs (Bộ Nội vụ), with their sources. Read-only; figures under "
        f"{LICENCE} with attribution to the Ministry of Home Affairs; quotes remain their publishers'."
    ),
    urls_namespace="api-v1",
    docs_url=None,  # the OpenAPI document is the reference; no third-party viewer is loaded
)


class Paging(Schema):
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class Filter(Schema):
    index: str | None = Field(None, description="Index key, e.g. PAR_INDEX or SIPAS.", max_length=32)
    year: int | None = Field(None, description="Year assessed.", ge=1900, le=2100)
    region: str | None = Field(None, description="Region key.", max_length=64)
    province: str | None = Field(None, description="Unit key (slug).", max_length=120)

    def checked(self) -> rows.Filters:
        filters = rows.Filters(self.index or None, self.year, self.region or None, self.province or None)
        try:
            filters.check()
        except rows.BadFilter as exc:
            raise HttpError(400, str(exc)) from None
        return filters


# --------------------------------------------------------------------------- errors as JSON


def _error(request, status: int, detail: str, errors=()) -> HttpResponse:
    return api.create_response(request, {"status": status, "detail": detail, "errors": list(errors)}, status=status)


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    errors = [
        {"param": ".".join(str(p) for p in e.get("loc", ())[1:]) or None, "message": e.get("msg", "")}
        for e in exc.errors
    ]
    return _error(request, 400, "invalid parameter", errors)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return _error(request, exc.status_code, str(exc))


def not_found(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """Any other path under /api/v1/: a JSON 404."""
    return _error(request, 404, "no such endpoint")


# --------------------------------------------------------------------------- paging


def page_of(request, total: int, paging: Paging, fetch) -> dict:
    """One page of ``total`` rows: ``fetch(start, end)`` reads them; links keep every other parameter."""
    pages = max(1, -(-total // paging.page_size))
    if paging.page > pages:
        raise HttpError(404, f"page {paging.page} is past the last page ({pages})")
    start = (paging.page - 1) * paging.page_size

    def link(number: int) -> str:
        kept = [(k, v) for k, values in request.GET.lists() if k != "page" for v in values]
        return request.build_absolute_uri(request.path) + "?" + urlencode(kept + [("page", number)])

    return {
        "count": total,
        "page": paging.page,
        "page_size": paging.page_size,
        "pages": pages,
        "next": link(paging.page + 1) if paging.page < pages else None,
        "previous": link(paging.page - 1) if paging.page > 1 else None,
        "results": fetch(start, start + paging.page_size) if total else [],
    }


def page_of_list(request, items: list, paging: Paging) -> dict:
    return page_of(request, len(items), paging, lambda start, end: items[start:end])


# --------------------------------------------------------------------------- endpoints


@api.get("/", response=schemas.Root, summary="What this API holds", url_name="root")
def root(request):
    base = request.build_absolute_uri(request.path)
    names = ("units", "regions", "indices", "editions", "results", "averages", "citations", "openapi.json")
    return {
        "name": api.title,
        "version": api.version,
        "licence": f"{LICENCE} ({LICENCE_URL})",
        "attribution": "Indices published by the Ministry of Home Affairs of Viet Nam (Bộ Nội vụ); "
        "quotes remain their publishers'.",
        "endpoints": {name: base + name for name in names} | {"dataset": base + "dataset.zip"},
    }


@api.get("/units", response=schemas.UnitPage, summary="Units of both eras with their lineage")
def units(request, paging: Query[Paging], era: int | None = Query(None, description="63 or 34"), region: str = ""):
    """Queries: the region check (when given), a count, the page, the predecessors of the page's units."""
    if era is not None and era not in (63, 34):
        raise HttpError(400, "era must be 63 or 34")
    filters = rows.Filters(region=region or None)
    try:
        filters.check()
    except rows.BadFilter as exc:
        raise HttpError(400, str(exc)) from None
    found = rows.units_queryset(filters, era)
    return page_of(request, found.count(), paging, lambda s, e: rows.unit_rows(found[s:e]))


@api.get("/units/{slug}", response=schemas.Unit, summary="One unit")
def unit(request, slug: str):
    found = rows.unit_rows(rows.units_queryset(rows.Filters(province=slug)))
    if not found:
        raise HttpError(404, f"unknown province {slug!r}")
    return found[0]


@api.get("/regions", response=list[schemas.Region], summary="The six socio-economic regions")
def regions(request):
    return rows.regions()


@api.get("/indices", response=list[schemas.IndexSchema], summary="Indices, their frameworks and components")
def indices(request, index: str = ""):
    """Queries: the index check (when given), indices, frameworks, components."""
    return rows.index_rows(Filter(index=index or None).checked())


@api.get("/editions", response=schemas.EditionPage, summary="Editions the viewer may see")
def editions(request, filters: Query[Filter], paging: Query[Paging]):
    """Queries: one per filter checked, a count, the page, the page's stored statistics (coverage)."""
    viewer = viewer_of(request)
    found = rows.editions_queryset(viewer, filters.checked())
    return page_of(request, found.count(), paging, lambda s, e: rows.edition_rows(viewer, found[s:e]))


@api.get("/results", response=schemas.ResultPage, summary="Results with component scores")
def results(request, filters: Query[Filter], paging: Query[Paging]):
    """Queries: one per filter checked, a count, the page (with stored changes), the page's component scores."""
    viewer = viewer_of(request)
    found = rows.results_queryset(viewer, filters.checked())
    return page_of(request, found.count(), paging, lambda s, e: rows.result_rows(viewer, found[s:e]))


@api.get("/averages", response=schemas.AveragePage, summary="National and regional averages")
def averages(request, filters: Query[Filter], paging: Query[Paging]):
    """Published where a source states one, else computed with the units they rest on; only for editions the
    viewer sees whole. Queries: one per filter checked, editions, stated averages, stored statistics, regions."""
    if filters.province:
        raise HttpError(400, "averages are per edition and region, not per province")
    items = rows.average_rows(viewer_of(request), filters.checked())
    return page_of_list(request, items, paging)


@api.get("/citations", response=schemas.CitationPage, summary="Sources: the sentence stating each figure")
def citations(request, filters: Query[Filter], paging: Query[Paging]):
    """Queries: one per filter checked, a count, the page with its articles."""
    found = rows.citations_queryset(viewer_of(request), filters.checked())
    return page_of(request, found.count(), paging, lambda s, e: rows.citation_rows(found[s:e]))


@api.get(
    "/dataset.zip",
    summary="The whole published dataset as a Frictionless data package",
    openapi_extra={
        "responses": {200: {"description": "A ZIP archive", "content": {"application/zip": {"schema": {}}}}}
    },
)
def dataset(request):
    return dataset_response(request)
