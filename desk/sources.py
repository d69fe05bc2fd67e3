"""The articles about a unit, with the figures each supports and those still to confirm.

A *confirmed* citation is a figure a curator has tied to a stored result (``reports.models.Citation``);
a *suggested* one is what the article reader (``sources/``) found in the text and no curator has
confirmed yet. What a viewer learns of either goes through ``Viewer.citations``: curators see the
suggested figures themselves; everyone else sees only how many wait for a curator (a count states no
figure), so an unreviewed number never reaches an officer as if it were a result.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from provinces.inputs import safe_url
from reports.models import Citation
from reports.visibility import Viewer

from .units import DeskUnit

ARTICLES_SHOWN = 30  # newest first; the rest are on the public articles page


def _figure(row: dict, metrics: dict[str, str]) -> dict:
    return {
        "metric": metrics.get(row["metric"], row["metric"]),
        "metric_key": row["metric"],
        "value": row["value_number"] if row["value_number"] is not None else row["value_text"],
        "year": row["year"],
        "index": row["index__short_name"],
        "component": row["component__name"] or row["component_name"],
        "unit": row["province__name"],
        "state": row["state"],
        "conflict": row["conflict"],
    }


CITATION_FIELDS = (
    "article_id",
    "metric",
    "value_number",
    "value_text",
    "year",
    "index__short_name",
    "component__name",
    "component_name",
    "province__name",
    "state",
    "conflict",
)


def unit_articles(desk: DeskUnit, viewer: Viewer) -> dict:
    """The newest articles about the unit and its predecessors, each with its figures (three queries)."""
    ids = sorted(desk.all_ids)
    about = viewer.articles().filter(provinces__in=ids).distinct()
    total = about.count()
    articles = list(
        about.order_by("-published_on", "title", "pk").values("pk", "title", "url", "publisher", "published_on")[
            :ARTICLES_SHOWN
        ]
    )
    metrics = {key: str(label) for key, label in Citation._meta.get_field("metric").flatchoices}
    by_article: dict[int, dict[str, list]] = defaultdict(lambda: {"confirmed": [], "suggested": []})
    article_ids = [a["pk"] for a in articles]
    rows = (
        viewer.citations()
        .filter(article_id__in=article_ids)
        .filter(Q(province_id__in=ids) | Q(province__isnull=True))
        .order_by("year", "metric", "pk")
        .values(*CITATION_FIELDS)
    )
    for row in rows:
        state = "confirmed" if row["state"] == Citation.State.CONFIRMED else "suggested"
        by_article[row["article_id"]][state].append(_figure(row, metrics))
    waiting = {}
    if not viewer.is_curator:  # curators see the suggestions themselves (above); others, how many wait
        waiting = dict(
            Citation.objects.suggested()
            .filter(article_id__in=article_ids, province_id__in=ids)
            .order_by()
            .values_list("article_id")
            .annotate(n=Count("pk"))
        )
    for article in articles:
        article["url"] = safe_url(article["url"])  # http(s) links only
        article["title"] = article["title"] or article["url"] or f"#{article['pk']}"
        article["confirmed"] = by_article[article["pk"]]["confirmed"]
        article["suggested"] = by_article[article["pk"]]["suggested"]
        article["waiting"] = waiting.get(article["pk"], len(article["suggested"]))
    return {"rows": articles, "total": total, "shown": len(articles), "limit_note": _limit_note(total)}


def _limit_note(total: int) -> str:
    if total <= ARTICLES_SHOWN:
        return ""
    return _("%(shown)s bài mới nhất trong %(total)s bài.") % {"shown": ARTICLES_SHOWN, "total": total}


def sources_of(viewer: Viewer, result_ids: list[int]) -> list[dict]:
    """The articles behind the figures shown (a result or one of its component scores), each once,
    with title, publisher, date and link: the foot of the printed profile (one query)."""
    if not result_ids:
        return []
    rows = (
        viewer.citations()
        .filter(state=Citation.State.CONFIRMED)
        .filter(Q(result_id__in=result_ids) | Q(component_score__result_id__in=result_ids))
        .order_by("-article__published_on", "article__title", "article_id")
        .values_list("article_id", "article__title", "article__publisher", "article__published_on", "article__url")
        .distinct()
    )
    seen, out = set(), []
    for pk, title, publisher, published_on, url in rows:
        if pk in seen:
            continue
        seen.add(pk)
        out.append(
            {"pk": pk, "title": title or url or f"#{pk}", "publisher": publisher, "published_on": published_on,
             "url": safe_url(url)}
        )  # fmt: skip
    return out
