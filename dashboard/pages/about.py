"""What the data is (indices, frameworks, groupings, coverage per edition), and where a user lands after signing in."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Count,
    Q,
)
from django.urls import reverse

from provinces.models import Province
from reports.models import (
    Citation,
    Framework,
    Index,
)
from reports.visibility import Viewer


def about_page(viewer: Viewer) -> dict[str, Any]:
    """Indices, frameworks and components, groupings and coverage per edition. Four queries."""
    indices = list(Index.objects.order_by("order", "code"))
    frameworks = list(
        Framework.objects.select_related("index").prefetch_related("components").order_by("index__order", "first_year")
    )
    editions = list(
        viewer.editions()
        .in_dataset()
        .published()
        .select_related("index", "framework")
        .annotate(
            with_score=Count("results", filter=Q(results__score__isnull=False), distinct=True),
            with_any=Count("results", distinct=True),
            sources=Count(
                "results__citations__article",
                filter=Q(results__citations__state=Citation.State.CONFIRMED),
                distinct=True,
            ),
        )
        .order_by("index__order", "-year")
    )
    return {"indices": indices, "frameworks": frameworks, "editions": editions}


def home_for(user) -> str:
    """Where a user lands after signing in: an officer on their own unit's desk (``desk:unit``, their
    week's work), everyone else on the overview. Reversed by name: the dashboard never imports the desk."""
    if user.is_authenticated and getattr(user, "province_id", None):
        slug = Province.objects.filter(pk=user.province_id).values_list("slug", flat=True).first()
        if slug:
            return reverse("desk:unit", args=[slug])
    return reverse("dashboard:home")
