"""Articles in: stored once (same URL or same words), and the reader's figures kept as suggested citations.

:func:`ingest_article` stores pasted text or an HTML page (``sources.html``); :func:`propose_citations`
runs the reader (``sources.reader.read_article``) and keeps each figure it proposes as a *suggested*
:class:`~reports.models.Citation`, with province, index and component resolved, flagged ``conflict``
where it differs from the stored figure. :func:`search_articles` finds articles regardless of diacritics.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from provinces.inputs import control_characters, is_http_url
from provinces.models import Gazetteer, Province, Region
from provinces.text import fold, text_fingerprint
from reports.models import Citation, Framework, Index, Metric, SourceArticle
from sources import reader
from sources.html import _language, html_to_text, normalize_text
from sources.provenance import CENT, ComponentNames, contradicts, stored_figure

_DATE = re.compile(r"\b(\d{1,2})[/-](\d{1,2})[/-](\d{4})\b")


def parse_article_file(path: Path) -> tuple[str, str, datetime.date | None]:
    """(text, url, published) from the articles format: ``URL:`` and ``DATE:`` lines, a blank line, text."""
    raw = path.read_text(encoding="utf-8")
    url, published, lines = "", None, raw.splitlines()
    while lines and re.match(r"^(URL|DATE):", lines[0]):
        key, _, value = lines.pop(0).partition(":")
        value = value.strip()
        if key == "URL":
            url = value
        elif value:
            published = datetime.date.fromisoformat(value[:10])
    return "\n".join(lines).strip(), url, published


def first_date(text: str) -> datetime.date | None:
    """The first valid dd/mm/yyyy (or dd-mm-yyyy) date near the top of a page: its dateline, usually."""
    for match in _DATE.finditer(text[:600]):
        day, month, year = (int(g) for g in match.groups())
        try:
            return datetime.date(year, month, day)
        except ValueError:
            continue
    return None


def publisher_of(url: str) -> str:
    host = urlparse(url).netloc.lower()
    return host.removeprefix("www.")


def _clean_url(url: str) -> str:
    return (url or "").strip().split("#", 1)[0]


def find_duplicate(*, url: str = "", text: str = "") -> SourceArticle | None:
    """The stored article with this URL, or else with the same words (whitespace and case aside)."""
    url = _clean_url(url)
    if url:
        article = SourceArticle.objects.filter(url__in={url, url.rstrip("/"), url.rstrip("/") + "/"}).first()
        if article is not None:
            return article
    if text and text.strip():
        return SourceArticle.objects.filter(fingerprint=text_fingerprint(text)).first()
    return None


@transaction.atomic
def ingest_article(
    *,
    text: str | None = None,
    html: str | None = None,
    url: str = "",
    title: str = "",
    publisher: str = "",
    published_on: datetime.date | None = None,
    propose: bool = True,
) -> tuple[SourceArticle, bool]:
    """Store an article (pasted text, or an HTML page) once; returns ``(article, created)``.

    An article already stored — same URL, or same words — is not stored again. If it was stored
    without its text (a URL a label file cites), the text and missing details are filled in.
    The reader's proposals are kept as suggested citations unless ``propose`` is false.
    """
    _refuse_bad_input(text=text, html=html, url=url, title=title, publisher=publisher)
    html_title = ""
    if html is not None and not (text and text.strip()):
        text, html_title = html_to_text(html)
    text = normalize_text(text or "")
    _refuse_bad_input(text=text, html=None, url=url, title=html_title, publisher="")  # what the page decoded to
    url = _clean_url(url)
    if not text and not url:
        raise ValueError(_("Bài viết cần có nội dung hoặc địa chỉ."))
    title = " ".join((title or html_title or _first_line(text)).split())[:500]
    details = {
        "title": title,
        "publisher": (publisher or (publisher_of(url) if url else "")).strip()[:200],
        "published_on": published_on or first_date(text),
    }
    article = find_duplicate(url=url, text=text)
    if article is not None:
        fill = {name: value for name, value in details.items() if value and not getattr(article, name)}
        if (
            text
            and not article.text.strip()
            and not SourceArticle.objects.filter(fingerprint=text_fingerprint(text)).exclude(pk=article.pk).exists()
        ):
            fill["text"] = text
            fill["language"] = _language(text)
        if url and not article.url and not SourceArticle.objects.filter(url=url).exists():
            fill["url"] = url
        if fill:
            for name, value in fill.items():
                setattr(article, name, value)
            article.save()
            if "text" in fill and propose:
                propose_citations(article)
        return article, False
    article = SourceArticle.objects.create(url=url, text=text, language=_language(text) if text else "vi", **details)
    if propose:
        propose_citations(article)
    return article, True


def _refuse_bad_input(*, text, html, url, title, publisher) -> None:
    """Refuse, before any query, what PostgreSQL would choke on (NUL) or a browser would run (a
    ``javascript:`` link): article text keeps its tabs and line breaks, nothing else of C0/C1."""
    for what, value, layout in (
        (_("nội dung"), text, True),
        (_("trang HTML"), html, True),
        (_("địa chỉ"), url, False),
        (_("tiêu đề"), title, False),
        (_("cơ quan đăng"), publisher, False),
    ):
        found = control_characters(value or "", allow_layout=layout)
        if found:
            raise ValueError(
                _("%(what)s chứa ký tự điều khiển (%(chars)s): tệp nhị phân hoặc bị hỏng?")
                % {"what": what, "chars": ", ".join(found[:5])}
            )
    if _clean_url(url) and not is_http_url(_clean_url(url)):
        raise ValueError(_("Địa chỉ “%(url)s” không phải http:// hoặc https://.") % {"url": url[:100]})


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


class _Resolver:
    """Names and codes of a proposal → rows; built once per batch of proposals."""

    def __init__(self):
        self.gazetteer = Gazetteer(Province.objects.real())
        self.regions = {fold(r.name): r for r in Region.objects.all()}
        self.indices = {i.code: i for i in Index.objects.all()}
        self.frameworks = list(Framework.objects.all())
        self._components: ComponentNames | None = None

    def framework_id(self, index: Index, year: int | None) -> int | None:
        if year is None:
            return None
        found = next((f for f in self.frameworks if f.index_id == index.pk and f.covers(year)), None)
        return found.pk if found else None

    def component(self, index: Index, year: int | None, name: str):
        if not name:
            return None
        if self._components is None:
            self._components = ComponentNames()
        return self._components.match(self.framework_id(index, year), name)

    def place(self, name: str | None, year: int | None) -> dict:
        """``province``/``region``/``is_national`` for a name the reader gives (unknown → all empty)."""
        if not name:
            return {}
        if name == reader.NATIONAL:
            return {"is_national": True}
        region = self.regions.get(fold(name))
        if region is not None:
            return {"region": region}
        province = self.gazetteer.resolve(name, year=year)
        if province is None and year is not None:
            # The reader names units as of its own era table; an old name in a later article still resolves.
            province = self.gazetteer.resolve(name)
        return {"province": province} if province is not None else {}


def _citation_key(c) -> tuple:
    value_number = c.value_number.quantize(CENT) if c.value_number is not None else None
    return (
        c.index_id,
        c.year,
        c.province_id,
        c.region_id,
        bool(c.is_national),
        c.metric,
        fold(c.component_name),
        c.period or "",
        value_number,
        fold(c.value_text),
    )


@transaction.atomic
def propose_citations(article: SourceArticle) -> list[Citation]:
    """Run the reader over ``article`` and keep its new proposals as suggested citations.

    Proposals already stored for this article — suggested, confirmed or rejected — are not added
    again, so re-reading an article changes nothing unless the reader has learned something new.
    """
    if not article.text.strip():
        return []
    proposals = reader.read_article(article.text, published=article.published_on, url=article.url or None)
    resolver = _Resolver()
    have = {_citation_key(c) for c in article.citations.all()}
    created: list[Citation] = []
    provinces: set[int] = set()
    for proposal in proposals:
        citation = _citation_from(proposal, article, resolver)
        if citation is None:
            continue
        if citation.province_id:
            provinces.add(citation.province_id)
        key = _citation_key(citation)
        if key in have:
            continue
        have.add(key)
        # Compared with the stored figure, but not linked to it: a suggestion is no provenance until
        # confirmed, and pages that list a figure's citations must not show unreviewed proposals.
        citation.conflict = contradicts(citation, stored_figure(citation).value)
        citation.save()
        created.append(citation)
    if provinces:
        article.provinces.add(*provinces)
    return created


def _citation_from(proposal, article: SourceArticle, resolver: _Resolver) -> Citation | None:
    index = resolver.indices.get(proposal.index)
    metric, _sep, component_name = proposal.metric.partition(":")
    if index is None or metric not in Metric.values:
        return None
    component_name = (proposal.component or component_name or "").strip()[:300]
    value_number, value_text = None, ""
    if isinstance(proposal.value, Decimal | int | float):
        value_number = Decimal(str(proposal.value)).quantize(CENT)
        if abs(value_number) >= Decimal("1e12"):
            return None
    else:
        value_text = str(proposal.value).strip()[:120]
        if not value_text:
            return None
    place = resolver.place(proposal.province, proposal.year)
    return Citation(
        article=article,
        index=index,
        year=proposal.year,
        metric=metric,
        component_name=component_name,
        component=resolver.component(index, proposal.year, component_name),
        period=(proposal.period or "")[:16],
        value_number=value_number,
        value_text=value_text,
        quote=proposal.quote,
        state=Citation.State.SUGGESTED,
        **place,
    )


def search_articles(query: str, queryset: QuerySet | None = None, quotes: QuerySet | None = None) -> QuerySet:
    """Articles matching ``query`` in title, text or one of the quoted sentences, regardless of diacritics
    and case. Many stored articles have no text, only the sentences quoted from them.

    ``quotes``: the citations whose quotes may lead to an article (the viewer's: ``Viewer.citations``), so that
    a draft figure's quote never finds an article for someone who may not see it; None: no quotes.
    PostgreSQL: full-text search (``simple`` configuration over ``unaccent``), best match first.
    Elsewhere: every word of the query must occur in the article's folded ``search_text``. A quote matches
    when it holds every word.
    """
    queryset = SourceArticle.objects.all() if queryset is None else queryset
    words = fold(query).split()
    if not words:
        return queryset
    quoted = Q(pk__in=[])
    if quotes is not None:
        for word in words:
            quotes = quotes.filter(quote_search__contains=word)
        quoted = Q(pk__in=quotes.values("article_id"))
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
        from django.db.models import Func

        vector = SearchVector(Func("title", function="unaccent"), weight="A", config="simple") + SearchVector(
            Func("text", function="unaccent"), weight="B", config="simple"
        )
        search = SearchQuery(" ".join(words), config="simple", search_type="plain")
        return (
            queryset.annotate(search_vector=vector, search_rank=SearchRank(vector, search))
            .filter(Q(search_vector=search) | quoted)
            .order_by("-search_rank", "-published_on", "pk")
        )
    in_text = Q()
    for word in words:
        in_text &= Q(search_text__contains=word)
    return queryset.filter(in_text | quoted)
