"""The articles pages: a searchable list, and one article with the figures it states.

Thin views; the rules live in ``sources`` and ``reports.visibility`` (search, who sees which citation). The public sees
confirmed figures of published editions only; curators (staff who may see drafts) also see the
reader's suggestions, with their conflicts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, ExtractYear
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from provinces.models import Province
from reports.models import Citation, SourceArticle
from reports.visibility import viewer_of
from sources.intake import search_articles
from sources.provenance import find_quote

PAGE_SIZE = 20


@require_safe
def article_list(request: HttpRequest) -> HttpResponse:
    """Articles grouped by publisher, newest first in each (best match first when searching), filtered by
    province and year. An article stored without title or text is named by the first sentence quoted from it
    that the viewer may see."""
    errors: list[str] = []
    viewer = viewer_of(request)
    query = request.GET.get("q", "").strip()[:200]
    articles = search_articles(query, quotes=viewer.citations()) if query else SourceArticle.objects.all()

    province_slug = request.GET.get("province", "").strip()
    province = None
    if province_slug:
        province = Province.objects.filter(slug=province_slug).first()
        if province is None:
            errors.append(_("Không có tỉnh, thành phố “%(slug)s”.") % {"slug": province_slug[:60]})
        else:
            articles = articles.filter(
                pk__in=SourceArticle.provinces.through.objects.filter(province=province).values("sourcearticle_id")
            )

    year_param = request.GET.get("year", "").strip()
    year = None
    if year_param:
        if re.fullmatch(r"\d{4}", year_param) and 2000 <= int(year_param) <= 2100:
            year = int(year_param)
            # only the citations this viewer may see: an article linked to a draft year stays unlinked
            about_year = viewer.citations(Citation.objects.filter(year=year, state=Citation.State.CONFIRMED))
            about_year = about_year.values("article_id")
            articles = articles.filter(Q(published_on__year=year) | Q(pk__in=about_year))
        else:
            errors.append(_("Năm không hợp lệ: “%(year)s”.") % {"year": year_param[:20]})

    figures = (
        viewer.citations(Citation.objects.filter(article=OuterRef("pk"), state=Citation.State.CONFIRMED))
        .order_by()
        .values("article")
        .annotate(n=Count("pk"))
        .values("n")
    )
    first_quote = viewer.citations(Citation.objects.filter(article=OuterRef("pk"))).order_by("pk").values("quote")
    articles = articles.annotate(
        figure_count=Coalesce(Subquery(figures, output_field=IntegerField()), Value(0)),
        first_quote=Subquery(first_quote[:1]),
    ).prefetch_related(Prefetch("provinces", queryset=Province.objects.order_by("name").only("name", "slug")))
    if not query:  # a search keeps its best-match order
        unknown_publisher_last = Case(When(publisher="", then=Value(1)), default=Value(0))
        articles = articles.order_by(unknown_publisher_last, "publisher", "-published_on", "title", "pk")
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))

    context = {
        "page": page,
        "articles": page.object_list,
        "query": query,
        "by_publisher": not query,
        "province": province,
        "year": year,
        "errors": errors,
        "province_choices": Province.objects.filter(articles__isnull=False)
        .distinct()
        .order_by("name")
        .values("slug", "name"),
        "year_choices": SourceArticle.objects.exclude(published_on=None)
        .annotate(y=ExtractYear("published_on"))
        .values_list("y", flat=True)
        .distinct()
        .order_by("-y"),
        "querystring": _querystring(request, exclude="page"),
    }
    return render(request, "dashboard/articles/list.html", context, status=400 if errors else 200)


def _querystring(request: HttpRequest, *, exclude: str) -> str:
    params = request.GET.copy()
    params.pop(exclude, None)
    return params.urlencode()


@require_safe
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One article: its text with the quoted sentences marked, and the figures it states."""
    article = get_object_or_404(SourceArticle, pk=pk)
    viewer = viewer_of(request)
    curator = viewer.is_curator
    citations = list(
        viewer.citations(article.citations.all())
        .select_related("index", "province", "region", "component")
        .order_by("state", "index__order", "year", "province__name", "metric", "pk")
    )
    context = {
        "article": article,
        "citations": citations,
        "segments": highlight(article.text, citations),
        "provinces": article.provinces.order_by("name").only("name", "slug"),
        "curator": curator,
    }
    return render(request, "dashboard/articles/detail.html", context)


@dataclass
class Segment:
    """A stretch of the article's text; ``citations`` non-empty where it is quoted."""

    text: str
    citations: list = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"q-{self.citations[0].pk}" if self.citations else ""

    @property
    def note(self) -> str:
        return "; ".join(f"{c.get_metric_display()}: {c.value}" for c in self.citations)


def highlight(text: str, citations: list[Citation]) -> list[Segment]:
    """Cut ``text`` into segments, marking each sentence a citation quotes (overlaps are merged)."""
    spans: list[tuple[int, int, list]] = []
    for citation in citations:
        found = find_quote(text, citation.quote)
        if found:
            spans.append((found[0], found[1], [citation]))
    spans.sort(key=lambda s: (s[0], -s[1]))
    merged: list[tuple[int, int, list]] = []
    for start, end, cited in spans:
        if merged and start < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), last[2] + cited)
        else:
            merged.append((start, end, cited))
    segments, position = [], 0
    for start, end, cited in merged:
        if start > position:
            segments.append(Segment(text[position:start]))
        segments.append(Segment(text[start:end], cited))
        position = end
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments
