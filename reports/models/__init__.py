"""Indices, their frameworks and components, yearly editions, results and their sources.

Figures that can be derived (deltas, averages, percent of a component's maximum, ranks
from scores) are not stored here; ``reports.figures`` computes them. The exceptions are
:class:`EditionStatistic` and :class:`Standing`, derived summaries rebuilt from the results on every change.
What is stored is what a source states, each figure traceable to a :class:`Citation`.

The models live in three modules by what they hold: ``indices`` (what is measured and when), ``results``
(what each unit scored, and the derived summaries) and ``sources`` (dossier counts, articles, citations).
"""

from .indices import SCORE_DIGITS, Component, Edition, EditionQuerySet, Framework, Index, Status
from .results import ComponentScore, EditionStatistic, PublishedAverage, Result, ResultQuerySet, Standing
from .sources import HTTP_URL, Citation, CitationQuerySet, DossierStat, Metric, SourceArticle

__all__ = [
    "HTTP_URL", "SCORE_DIGITS", "Citation", "CitationQuerySet", "Component", "ComponentScore", "DossierStat",
    "Edition", "EditionQuerySet", "EditionStatistic", "Framework", "Index", "Metric", "PublishedAverage", "Result",
    "ResultQuerySet", "SourceArticle", "Standing", "Status",
]  # fmt: skip
