"""Every unit of both eras, with its lineage across the July 2025 reorganisation (``/tinh/``)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.http import QueryDict

from provinces.lineage import continued
from provinces.models import Era, Province
from reports.visibility import Viewer


def units_page(params: QueryDict, viewer: Viewer) -> dict[str, Any]:
    """The 34 units of today, each with the units it was formed from, then the 63 of 2012–2025. One query."""
    units = list(Province.objects.in_dataset().select_related("region", "successor").order_by("name"))
    formed_from: dict[int, list[Province]] = defaultdict(list)
    for unit in units:
        if unit.successor_id:
            formed_from[unit.successor_id].append(unit)
    today = [
        {"unit": u, "predecessors": formed_from[u.pk], "continues": continued(u, formed_from[u.pk])}
        for u in units
        if u.era == Era.UNITS_34
    ]
    before = [u for u in units if u.era == Era.UNITS_63]
    return {"today": today, "before": before}
