"""The ministry's review list (``/ban-lam-viec/cho-duyet/``, ``desk:review``): the provinces whose draft
figures (results of draft editions) or submitted quarterly figures await review, with how many of each
and links to the admin lists filtered to them and to the province's quarterly page.

Only for viewers who see every draft (ministry staff and curators, ``Viewer.sees_drafts``): the list
itself tells which provinces have drafts. Anonymous visitors are sent to sign in, anyone else gets a 403.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from provinces.models import Province
from reports.models import DossierStat, Result, Status
from reports.visibility import viewer_of


def _count(queryset) -> Coalesce:
    """A per-province count as a subquery (two joined counts would multiply each other)."""
    counted = queryset.filter(province=OuterRef("pk")).order_by().values("province").annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n")[:1], output_field=IntegerField()), Value(0))


def awaiting_review() -> list[Province]:
    """Units of this site's dataset with draft results or submitted quarters, by name; one query."""
    return list(
        Province.objects.in_dataset()
        .annotate(
            draft_results=_count(Result.objects.filter(edition__status=Status.DRAFT)),
            submitted_quarters=_count(DossierStat.objects.filter(status=DossierStat.State.SUBMITTED)),
        )
        .filter(Q(draft_results__gt=0) | Q(submitted_quarters__gt=0))
        .order_by("name", "era")
    )


def review_rows(provinces: list[Province]) -> list[dict]:
    results = reverse("admin:reports_result_changelist")
    quarters = reverse("admin:reports_dossierstat_changelist")
    return [
        {
            "province": p,
            "draft_results": p.draft_results,
            "submitted_quarters": p.submitted_quarters,
            "results_url": f"{results}?"
            + urlencode({"province__id__exact": p.pk, "edition__status__exact": Status.DRAFT}),
            "quarters_admin_url": f"{quarters}?"
            + urlencode({"province__id__exact": p.pk, "status__exact": DossierStat.State.SUBMITTED}),
            "quarters_url": reverse("desk:quarters", args=[p.slug]),
        }
        for p in provinces
    ]


@never_cache
@require_safe
def review_list(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not viewer_of(request).sees_drafts:
        raise PermissionDenied
    rows = review_rows(awaiting_review())
    return render(
        request,
        "desk/review.html",
        {
            "rows": rows,
            "admin_links": request.user.is_staff,  # ministry staff without staff status have no admin
            "draft_results": sum(r["draft_results"] for r in rows),
            "submitted_quarters": sum(r["submitted_quarters"] for r in rows),
        },
    )
