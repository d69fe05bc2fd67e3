"""Template filters for figures: localised numbers, missing values shown as missing, changes with arrows.

Also the tables built in Python (reports/tables.py): ``{% rankings_table %}`` for the rankings page;
``{% trend_table %}``, ``{% series_tables %}``, ``{% component_table %}``, ``{% gaps_table %}`` and
``{% article_list %}`` for the province page.
"""

from __future__ import annotations

import functools
import html
import json
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dashboard.queries import localized

register = template.Library()


class Language:
    """What the filters below look up in the active language, looked up once.

    Code formatting many figures in one language passes one as ``language=``: the rankings table
    formats ~600 figures per page, and the lookups (the active language from asgiref's Local, its
    decimal separator, the translations) cost more than the formatting itself: a score takes
    2.8 µs without one and 1.1 µs with one, a score change 7.3 µs and 2.7 µs.
    """

    def __init__(self):
        self.separator = get_format("DECIMAL_SEPARATOR")
        self.missing = _missing()
        self.up = _("tăng")
        self.down = _("giảm")
        self.ranks_up = _("tăng %(n)s bậc")
        self.ranks_down = _("giảm %(n)s bậc")
        self.same_rank = _("giữ nguyên thứ hạng")


# 0.01 and the like, built once: building one took a quarter of floatformat's time.
_QUANTA = {digits: Decimal(1).scaleb(-digits) for digits in range(7)}


def floatformat(value, digits: int = 2, separator: str | None = None) -> str:
    """``value`` rounded half up to ``digits`` places with the language's decimal separator (81,20 / 81.20).

    What Django's ``floatformat`` filter does for our figures, at a fraction of its cost: a rankings
    page formats several hundred numbers.
    """
    if type(value) is not Decimal:
        value = Decimal(value)
    quantum = _QUANTA.get(digits)
    if quantum is not None:
        # Quantized to 0-6 places, str() writes exactly what format(".Nf") does (no exponent notation
        # until 7 places) in a quarter of the time.
        text = str(value.quantize(quantum, ROUND_HALF_UP))
    else:
        text = f"{value.quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP):.{digits}f}"
    if separator is None:
        separator = get_format("DECIMAL_SEPARATOR")
    return text if separator == "." else text.replace(".", separator)


def _missing():
    return _missing_for(get_language())


@functools.lru_cache(maxsize=8)
def _missing_for(language: str):
    return format_html('<span class="missing" title="{}">—</span>', _("chưa có số liệu"))


def _format(template_html: str, *args: str | int) -> SafeString:
    """``format_html`` for plain str and int arguments at a third of its cost (no lazy-string checks)."""
    return SafeString(template_html.format(*(html.escape(str(a)) for a in args)))


@register.filter
def score(value, digits: int = 2, *, language: Language | None = None):
    """A score with a decimal comma in Vietnamese; a dash (never 0) when the figure is missing."""
    # isinstance first: comparing a Decimal with "" costs a third of formatting it.
    if value is None or (isinstance(value, str) and value == ""):
        return language.missing if language else _missing()
    return floatformat(value, digits, language.separator if language else None)


@register.filter
def delta(value, *, language: Language | None = None):
    """A score change with an arrow and words for screen readers: ▲ +1,72."""
    if value is None:
        return language.missing if language else _missing()
    value = Decimal(value)
    separator = language.separator if language else None
    if value > 0:
        return _format(
            '<span class="up"><span aria-hidden="true">▲</span> +{}<span class="sr-only"> ({})</span></span>',
            floatformat(value, 2, separator),
            language.up if language else _("tăng"),
        )
    if value < 0:
        return _format(
            '<span class="down"><span aria-hidden="true">▼</span> −{}<span class="sr-only"> ({})</span></span>',
            floatformat(-value, 2, separator),
            language.down if language else _("giảm"),
        )
    return mark_safe('<span class="same"><span aria-hidden="true">■</span> 0</span>')


@register.filter
def rankdelta(value, *, language: Language | None = None):
    """Places gained (▲ 3) or lost (▼ 2)."""
    if value is None:
        return ""
    if value > 0:
        return _format(
            '<span class="up" title="{}"><span aria-hidden="true">▲</span>{}</span>',
            (language.ranks_up if language else _("tăng %(n)s bậc")) % {"n": value},
            value,
        )
    if value < 0:
        return _format(
            '<span class="down" title="{}"><span aria-hidden="true">▼</span>{}</span>',
            (language.ranks_down if language else _("giảm %(n)s bậc")) % {"n": -value},
            -value,
        )
    return _format(
        '<span class="same" title="{}">=</span>', language.same_rank if language else _("giữ nguyên thứ hạng")
    )


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)


@register.filter
def local_name(obj, field: str = "name"):
    """An object's English name (``name_en``) on English pages when one is stored, else its name."""
    return localized(obj, field or "name")


@register.simple_tag(takes_context=True)
def rankings_table(context):
    """The rankings table of a ``rankings_page`` context, built in Python (why: reports/tables.py)."""
    from dashboard.tables import RankingsTable

    return RankingsTable(
        context.get("rows") or [],
        context.get("columns") or [],
        edition=context.get("edition"),
        coverage=context.get("coverage", ""),
    ).render()


@register.simple_tag(takes_context=True)
def filter_form(context):
    """The rankings' filter form of a ``rankings_page`` context, built in Python (reports/filtersets.py)."""
    from dashboard.filtersets import filter_form_html

    return filter_form_html(context["form"], context.get("groups") or ())


# The province page's tables, from a ``province_page`` context (why in Python: reports/tables.py).


@register.simple_tag(takes_context=True)
def trend_table(context):
    """The unit's score and rank per year against the national and regional averages."""
    from dashboard.tables import TrendTable

    province = context.get("province")
    return TrendTable(province.name if province else "", context.get("trend_rows") or []).render()


@register.simple_tag(takes_context=True)
def series_tables(context):
    """One results-and-sources table per series (the unit, then each predecessor)."""
    from dashboard.tables import SeriesTables

    return SeriesTables(context.get("series") or []).render()


@register.simple_tag(takes_context=True)
def component_table(context):
    """The component scores per year, grouped by component."""
    from dashboard.tables import ComponentTable

    return ComponentTable(context.get("component_series") or []).render()


@register.simple_tag(takes_context=True)
def gaps_table(context):
    """The gaps to the leader and to the average of each component in the latest edition."""
    from dashboard.tables import GapsTable

    return GapsTable(context.get("gaps") or []).render()


@register.simple_tag(takes_context=True)
def article_list(context):
    """The unit's source articles."""
    from dashboard.tables import ArticleList

    return ArticleList(context.get("articles") or []).render()


_JSON_SCRIPT_ESCAPES = (("&", "\\u0026"), ("<", "\\u003C"), (">", "\\u003E"))


@register.filter
def chart_json(figure, element_id: str):
    """``figure|json_script:element_id``, written for long Vietnamese text.

    The same output as Django's ``json_script`` (``<``, ``>`` and ``&`` escaped so the JSON cannot
    close the script element); ``str.replace`` instead of its ``str.translate``, which is slow on
    non-ASCII text: ~0.3 ms per province page of three charts.
    """
    from django.core.serializers.json import DjangoJSONEncoder
    from django.utils.html import escape

    payload = json.dumps(figure, cls=DjangoJSONEncoder)
    for char, code in _JSON_SCRIPT_ESCAPES:
        payload = payload.replace(char, code)
    return mark_safe(f'<script id="{escape(element_id)}" type="application/json">{payload}</script>')
