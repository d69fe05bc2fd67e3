"""Template filters for figures: localised numbers, missing values shown as missing, changes with arrows.

The numbers go through Django's ``floatformat`` (rounded half up, the language's decimal separator:
81,20 in Vietnamese, 81.20 in English). Also the template tags of the dashboard's tables
(``dashboard/tables.py``, drawn by templates under ``dashboard/includes/``): ``{% rankings_table %}``
and ``{% filter_form %}`` for the rankings page; ``{% trend_table %}``, ``{% series_tables %}``,
``{% component_table %}``, ``{% gaps_table %}`` and ``{% article_list %}`` for the province page;
``{{ figure|sketch }}``, the still picture of a line chart shown until Plotly draws it (``dashboard/sketch.py``).
"""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dashboard import sketch as sketches
from dashboard.queries import localized
from dashboard.tables import ArticleList, ComponentTable, GapsTable, RankingsTable, SeriesTables, TrendTable
from reports.models import Metric

register = template.Library()


def missing():
    """The dash of a missing figure, titled for screen readers and pointers."""
    return format_html('<span class="missing" title="{}">—</span>', _("chưa có số liệu"))


@register.filter
def score(value, digits: int = 2):
    """A score with a decimal comma in Vietnamese; a dash (never 0) when the figure is missing."""
    if value is None or value == "":
        return missing()
    return floatformat(value, digits)


# Figures that are whole numbers by kind: ranks, numbers of units, places moved, numbers of dossiers.
INTEGER_METRICS = (
    Metric.RANK,
    Metric.RANK_OF,
    Metric.RANK_DELTA,
    Metric.COMPONENT_RANK,
    Metric.COMPONENT_RANK_DELTA,
    Metric.DOSSIER_RECEIVED,
    Metric.DOSSIER_ON_TIME,
    Metric.DOSSIER_LATE,
    Metric.DOSSIER_PENDING,
)


def _integer_kind(metric) -> bool:
    if metric in INTEGER_METRICS:  # a key ("rank")
        return True
    return str(metric) in {str(m.label) for m in INTEGER_METRICS}  # or its label in the current language


@register.filter
def stated(value, metric=""):
    """A figure as a source states it, formatted by its kind (``metric``: the key or its label): ranks and
    counts as whole numbers (17, 125.430 in Vietnamese, 125,430 in English), scores with two decimals,
    text as it is."""
    if value is None or value == "":
        return missing()
    if not isinstance(value, Decimal | int | float):
        return value
    if _integer_kind(metric):
        return number_format(value, 0, force_grouping=True)
    return floatformat(value, 2)


@register.filter
def delta(value):
    """A score change with an arrow and words for screen readers: ▲ +1,72."""
    if value is None:
        return missing()
    value = Decimal(value)
    if value > 0:
        return format_html(
            '<span class="up"><span aria-hidden="true">▲</span> +{}<span class="sr-only"> ({})</span></span>',
            floatformat(value, 2),
            _("tăng"),
        )
    if value < 0:
        return format_html(
            '<span class="down"><span aria-hidden="true">▼</span> −{}<span class="sr-only"> ({})</span></span>',
            floatformat(-value, 2),
            _("giảm"),
        )
    return mark_safe('<span class="same"><span aria-hidden="true">■</span> 0</span>')


@register.filter
def rankdelta(value, words=""):
    """Places gained (▲ 3) or lost (▼ 2); ``rankdelta:"words"`` writes the unit ("▲ 3 bậc"), for a rank change
    shown beside a score change, where a bare number would read as points."""
    if value is None:
        return ""
    if value == 0:
        shown = _("giữ hạng") if words else "="
        return format_html('<span class="same" title="{}">{}</span>', _("giữ nguyên thứ hạng"), shown)
    n = abs(value)
    unit = format_html(" {}", ngettext("bậc", "bậc", n)) if words else ""
    up = value > 0
    return format_html(
        '<span class="{}" title="{}"><span aria-hidden="true">{}</span>{}{}</span>',
        "up" if up else "down",
        (_("tăng %(n)s bậc") if up else _("giảm %(n)s bậc")) % {"n": n},
        "▲" if up else "▼",
        n,
        unit,
    )


@register.filter
def sketch(figure):
    return sketches.render(figure)


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)


@register.filter
def local_name(obj, field: str = "name"):
    """An object's English name (``name_en``) on English pages when one is stored, else its name."""
    return localized(obj, field or "name")


# The tables (dashboard/tables.py): each tag hands its table's data, taken from the page's context, to
# the table's template.


@register.inclusion_tag(RankingsTable.template_name, takes_context=True)
def rankings_table(context):
    """The rankings table of a ``rankings_page`` context."""
    return RankingsTable(
        context.get("rows") or [],
        context.get("columns") or [],
        edition=context.get("edition"),
        coverage=context.get("coverage", ""),
    ).context()


@register.inclusion_tag("dashboard/includes/filter_form.html", takes_context=True)
def filter_form(context):
    """The rankings' filter form of a ``rankings_page`` context (dashboard/filtersets.py), with the groups
    held as suggestions for the group field."""
    return {"form": context["form"], "groups": context.get("groups") or ()}


@register.inclusion_tag(TrendTable.template_name, takes_context=True)
def trend_table(context):
    """The unit's score and rank per year against the national and regional averages."""
    province = context.get("province")
    return TrendTable(province.name if province else "", context.get("trend_rows") or []).context()


@register.inclusion_tag(SeriesTables.template_name, takes_context=True)
def series_tables(context):
    """One results-and-sources table per series (the unit, then each predecessor)."""
    return SeriesTables(context.get("series") or []).context()


@register.inclusion_tag(ComponentTable.template_name, takes_context=True)
def component_table(context):
    """The component scores per year, grouped by component."""
    return ComponentTable(context.get("component_series") or []).context()


@register.inclusion_tag(GapsTable.template_name, takes_context=True)
def gaps_table(context):
    """The gaps to the leader and to the average of each component in the latest edition."""
    return GapsTable(context.get("gaps") or []).context()


@register.inclusion_tag(ArticleList.template_name, takes_context=True)
def article_list(context):
    """The unit's source articles."""
    return ArticleList(context.get("articles") or []).context()
