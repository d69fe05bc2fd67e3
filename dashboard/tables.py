"""The dashboard's tables, as Django admin draws its change list (``admin_list.result_list``): the rows are
prepared here as plain data, each table's markup is a template under ``templates/dashboard/includes/``,
and the template tags of ``dashboard.templatetags.cchc`` (``{% rankings_table %}``, ``{% trend_table %}``
and the like) render them through ``inclusion_tag``. Figures are formatted in the templates, by Django's
filters and the ``score``/``delta``/``rankdelta`` filters built on them.

A table also renders on its own (``str(table)``), in the active language: tests/test_tables.py holds
each to what readers rely on.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.template.loader import render_to_string
from django.utils.safestring import SafeString


class Table:
    """A table's data (``context()``) and the template that draws it (``template_name``)."""

    template_name = ""

    def context(self) -> dict:
        raise NotImplementedError

    def render(self) -> SafeString:
        return render_to_string(self.template_name, self.context())

    def __str__(self) -> str:
        return self.render()

    __html__ = __str__


class RankingsTable(Table):
    """One page of ``rankings_page`` rows: rank and its change, unit, region, score and its change, group,
    component scores with their ranks, sources; a caption saying what is shown and a legend of the marks."""

    template_name = "dashboard/includes/rankings_table.html"

    def __init__(self, rows: Sequence[dict], columns: Sequence[dict], edition=None, coverage=""):
        self.rows = rows
        self.columns = columns
        self.edition = edition
        self.coverage = coverage

    def context(self) -> dict:
        return {
            "rows": self.rows,
            "columns": self.columns,
            "edition": self.edition,
            "coverage": self.coverage,
            # the region and group columns follow the unit and the change; the sources close the row
            "colspan": len(self.columns) + 3,
        }


class TrendTable(Table):
    """``trend_rows`` of ``province_page``: a unit's score and rank per year against the national and
    regional averages, each average labelled with what it covers (published, or n/N units held)."""

    template_name = "dashboard/includes/trend_table.html"

    def __init__(self, name: str, rows: Sequence[dict]):
        self.name = name
        self.rows = rows

    def context(self) -> dict:
        return {"name": self.name, "rows": self.rows}


class SeriesTables(Table):
    """``series`` of ``province_page``: one table per unit (the unit, then each predecessor, linked to its
    page): score, rank, group and sources per year; a disputed result is badged, a draft one marked."""

    template_name = "dashboard/includes/series_tables.html"

    def __init__(self, series: Sequence[dict]):
        self.series = series

    def context(self) -> dict:
        return {"series": self.series}


class ComponentTable(Table):
    """``component_series`` of ``province_page``: each component's rows over the years (score, maximum,
    percent of the maximum, rank), its name heading the group of rows it spans."""

    template_name = "dashboard/includes/component_table.html"

    def __init__(self, component_series: Sequence[dict]):
        self.component_series = component_series

    def context(self) -> dict:
        return {"component_series": self.component_series}


class GapsTable(Table):
    """``gaps`` of ``province_page`` (``figures.ComponentGap``): a unit's component scores against the best
    (named, with how many more units hold it) and the average of the units held, and its gap to each."""

    template_name = "dashboard/includes/gaps_table.html"

    def __init__(self, gaps: Sequence):
        self.gaps = gaps

    def context(self) -> dict:
        return {"gaps": self.gaps}


class ArticleList(Table):
    """``articles`` of ``province_page``: each links to its page here and names its publisher and date
    (the language's short date format), with a link to the original when it has an address."""

    template_name = "dashboard/includes/article_list.html"

    def __init__(self, articles: Sequence[dict]):
        self.articles = articles

    def context(self) -> dict:
        return {"articles": self.articles}
