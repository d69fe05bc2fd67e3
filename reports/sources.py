"""Source articles: intake, the reader's proposals as suggested citations, curation and search.

The life of an article:

1. **Intake** — :func:`ingest_article` stores pasted text or an HTML page (page furniture such as menus,
   polls and "other news" lists stripped by :func:`html_to_text`). The same article is stored once: it is
   matched by URL and by a fingerprint of its words (``SourceArticle.fingerprint``).
2. **Proposals** — :func:`propose_citations` runs the reader (``reports.reader.read_article``) and keeps
   each figure it proposes as a *suggested* :class:`~reports.models.Citation`, with province, index and
   component resolved. A suggestion whose value differs from the stored figure is flagged ``conflict``.
3. **Curation** — a curator :func:`confirm`\\ s a suggestion (which creates or fills the figure and makes
   the citation its provenance) or :func:`reject`\\ s it. A confirmation never overwrites a different
   stored value: it raises :class:`FigureConflict` and keeps the citation flagged, until the curator
   confirms again with ``replace=True`` — a change then recorded in the figure's history.
4. **Search** — :func:`search_articles`: PostgreSQL full text (with ``unaccent``) or, on SQLite, a
   diacritic-insensitive match of every word against ``SourceArticle.search_text``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from provinces.models import Era, Gazetteer, Province, Region
from provinces.text import fold

from . import reader
from .loading import UNITS_PER_ERA, ComponentNames, comparable, first_date, publisher_of
from .models import (
    Citation,
    ComponentScore,
    DossierStat,
    Edition,
    Framework,
    Index,
    Metric,
    PublishedAverage,
    Result,
    SourceArticle,
    Status,
    can_see_drafts,
    text_fingerprint,
)

CENT = Decimal("0.01")

# --------------------------------------------------------------------------------------------------
# HTML → text
# --------------------------------------------------------------------------------------------------

#: Elements that are never article text.
SKIPPED_TAGS = frozenset(
    "nav header footer aside script style noscript template form iframe svg canvas button select "
    "textarea label input object embed video audio map figure-caption-nav head".split()
)
VOID_TAGS = frozenset("area base br col embed hr img input link meta param source track wbr".split())
BLOCK_TAGS = frozenset(
    "p div section article main h1 h2 h3 h4 h5 h6 li ul ol table tr td th blockquote pre dl dt dd "
    "figure figcaption address hr br body".split()
)
HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
#: class or id of page furniture (folded, with ``-``/``_`` as separators).
FURNITURE_ATTR = re.compile(
    r"(?:^|[\s_-])(?:menu|menus|navbar|nav|navigation|breadcrumbs?|poll|polls|vote|binh-?chon|binhchon|"
    r"tin-?khac|tinkhac|tin-?lien-?quan|tinlienquan|other-?news|othernews|related|lienquan|lien-?quan|"
    r"more-?news|share|sharing|social|comments?|binh-?luan|binhluan|weather|thoi-?tiet|thoitiet|"
    r"ads?|advert\w*|banner|quang-?cao|quangcao|sidebar|footer|site-?header|counter|thong-?ke|statistics?|"
    r"visitors?|tags?|widget|print|font-?size|cookie)(?:$|[\s_-])"
)
#: Headings of furniture blocks: the heading and the list after it are dropped.
FURNITURE_HEADING = re.compile(
    r"^\W*(?:tin khac|cac tin khac|tin lien quan|bai lien quan|tin da dua|tin cung chuyen muc|xem them|"
    r"doc them|other news|related( news| articles)?|more news|read more|binh chon|tham do y kien|"
    r"thong ke truy cap|lien ket website|chia se|binh luan|y kien ban doc)\W*$"
)
LIST_TAGS = frozenset("ul ol menu dl".split())


@dataclass
class _Node:
    tag: str
    attrs: dict = field(default_factory=dict)
    children: list = field(default_factory=list)  # _Node or str
    parent: _Node | None = None

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def link_text(self) -> str:
        if self.tag == "a":
            return self.text()
        return "".join(c.link_text() for c in self.children if isinstance(c, _Node))

    def count(self, tag: str) -> int:
        return sum((c.tag == tag) + c.count(tag) for c in self.children if isinstance(c, _Node))


class _TreeBuilder(HTMLParser):
    """A forgiving tree of the page: unclosed ``<p>``/``<li>`` and stray end tags are tolerated."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Node("root")
        self.current = self.root
        self.title = ""
        self._in_title = False
        self.meta_title = ""

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "meta" and attrs.get("property") in ("og:title", "twitter:title"):
            self.meta_title = self.meta_title or attrs.get("content", "")
        if tag == "title":
            self._in_title = True
        if tag in ("p", "li") and self.current.tag == tag:
            self.current = self.current.parent or self.root
        node = _Node(tag, attrs, parent=self.current)
        self.current.children.append(node)
        if tag not in VOID_TAGS:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(_Node(tag, {k: v or "" for k, v in attrs}, parent=self.current))

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        if self._in_title:
            self.title += data
            return
        self.current.children.append(data)


def _is_furniture(node: _Node) -> bool:
    if node.tag == "header" and node.count("h1"):
        return False  # an article's own header, with its title
    if node.tag in SKIPPED_TAGS:
        return True
    if node.attrs.get("role") in ("navigation", "banner", "contentinfo", "complementary", "search"):
        return True
    if node.attrs.get("aria-hidden") == "true" or "hidden" in node.attrs:
        return True
    marks = fold(" ".join(node.attrs.get(k, "") for k in ("class", "id")))
    if marks and node.tag not in ("body", "html", "article", "main") and FURNITURE_ATTR.search(marks):
        return True
    return _is_link_dense(node)


def _is_link_dense(node: _Node) -> bool:
    """A list (or list-like block) that is mostly links: menus, "other news", tag clouds."""
    if node.tag not in LIST_TAGS and node.tag not in ("div", "section", "table", "td", "p"):
        return False
    links = node.count("a")
    if links < 3 and not (node.tag in LIST_TAGS and links >= 2):
        return False
    text = " ".join(node.text().split())
    link_text = " ".join(node.link_text().split())
    return bool(text) and len(link_text) >= 0.6 * len(text)


def _is_furniture_heading(node: _Node) -> bool:
    if node.tag not in HEADINGS and node.tag not in ("strong", "b", "p", "div", "span"):
        return False
    heading = fold(" ".join(node.text().split()))
    return bool(heading) and len(heading) < 60 and bool(FURNITURE_HEADING.match(heading))


def _opens_with_furniture_heading(node: _Node) -> bool:
    """A box whose first element is a heading such as "Bình chọn" or "Tin khác": the whole box goes."""
    if node.tag not in ("div", "section", "li", "td"):
        return False
    first = next((c for c in node.children if isinstance(c, _Node) or c.strip()), None)
    return isinstance(first, _Node) and _is_furniture_heading(first)


def _prune(node: _Node) -> None:
    kept: list = []
    drop_next_list = False
    for child in node.children:
        if isinstance(child, str):
            if child.strip():
                drop_next_list = False
            kept.append(child)
            continue
        if _is_furniture(child) or _opens_with_furniture_heading(child):
            continue
        if _is_furniture_heading(child):
            drop_next_list = True  # the list or block that follows the heading goes too
            continue
        if drop_next_list and (child.tag in LIST_TAGS or child.count("a") >= 2):
            continue
        drop_next_list = drop_next_list and not child.text().strip()
        _prune(child)
        kept.append(child)
    node.children = kept


def _render(node: _Node, out: list[str]) -> None:
    for child in node.children:
        if isinstance(child, str):
            out.append(child)
            continue
        if child.tag == "br":
            out.append("\n")
            continue
        block = child.tag in BLOCK_TAGS
        if block:
            out.append("\n\n" if child.tag not in ("br", "li", "tr", "td", "th", "dd", "dt") else "\n")
        if child.tag == "li":
            out.append("• ")
        _render(child, out)
        if block:
            out.append("\n\n" if child.tag not in ("br", "li", "td", "th") else "\n")
        elif child.tag in ("td", "th"):
            out.append(" ")


def normalize_text(text: str) -> str:
    """Tidy whitespace: one space between words, at most one blank line between paragraphs."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def html_to_text(html: str) -> tuple[str, str]:
    """(text, title) of an HTML page, with page furniture stripped."""
    builder = _TreeBuilder()
    builder.feed(html or "")
    builder.close()
    root = builder.root
    try:
        # The article itself, when the page marks it, else the whole body.
        main = _find(root, lambda n: n.tag == "article") or _find(root, lambda n: n.tag == "main") or root
        h1 = _find(main, lambda n: n.tag == "h1")
        title = " ".join((builder.meta_title or (h1.text() if h1 else "") or builder.title).split())
        _prune(main)
        out: list[str] = []
        _render(main, out)
    except RecursionError:  # absurdly deep markup: keep the words, lose the structure
        title, out = " ".join(builder.title.split()), [re.sub(r"<[^>]*>", " ", html)]
    return normalize_text("".join(out)), title


def _find(node: _Node, predicate) -> _Node | None:
    for child in node.children:
        if isinstance(child, _Node):
            if predicate(child):
                return child
            found = _find(child, predicate)
            if found is not None:
                return found
    return None


# --------------------------------------------------------------------------------------------------
# Intake
# --------------------------------------------------------------------------------------------------

_VIETNAMESE = re.compile(r"[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]", re.I)


def _language(text: str) -> str:
    sample = text[:3000]
    letters = sum(ch.isalpha() for ch in sample) or 1
    return "vi" if len(_VIETNAMESE.findall(sample)) / letters > 0.02 else "en"


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
    html_title = ""
    if html is not None and not (text and text.strip()):
        text, html_title = html_to_text(html)
    text = normalize_text(text or "")
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


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


# --------------------------------------------------------------------------------------------------
# Proposals → suggested citations
# --------------------------------------------------------------------------------------------------

RESULT_FIELDS = {
    Metric.SCORE: "score",
    Metric.RANK: "rank",
    Metric.GROUP: "group",
    Metric.SCORE_DELTA: "reported_score_delta",
    Metric.RANK_DELTA: "reported_rank_delta",
}
COMPONENT_FIELDS = {Metric.COMPONENT_SCORE: "score", Metric.COMPONENT_RANK: "rank"}
DOSSIER_FIELDS = {
    Metric.DOSSIER_RECEIVED: "received",
    Metric.DOSSIER_ON_TIME: "on_time",
    Metric.DOSSIER_LATE: "late",
    Metric.DOSSIER_PENDING: "pending",
}
INTEGER_FIELDS = {"rank", "reported_rank_delta", "units_ranked", "received", "on_time", "late", "pending"}
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


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


@dataclass
class StoredFigure:
    """The figure a citation is about, as stored now (``value`` None when nothing is stored)."""

    value: object = None
    links: dict = field(default_factory=dict)


def stored_figure(citation: Citation) -> StoredFigure:
    """Look up the stored figure a citation states (real editions only), without creating anything."""
    figure = StoredFigure(links={"result": None, "component_score": None, "average": None, "dossier_stat": None})
    metric = citation.metric
    if metric in DOSSIER_FIELDS:
        period = _QUARTER.match(citation.period or "")
        if citation.province_id and period:
            stat = DossierStat.objects.filter(
                province_id=citation.province_id, year=int(period[1]), quarter=int(period[2])
            ).first()
            if stat is not None:
                figure.links["dossier_stat"] = stat
                figure.value = getattr(stat, DOSSIER_FIELDS[metric])
        return figure
    if citation.year is None:
        return figure
    edition = Edition.objects.filter(index_id=citation.index_id, year=citation.year, is_synthetic=False).first()
    if edition is None:
        return figure
    if metric == Metric.AVERAGE:
        if citation.is_national or citation.region_id:
            average = PublishedAverage.objects.filter(edition=edition, region_id=citation.region_id).first()
            if average is not None:
                figure.links["average"] = average
                figure.value = average.value
        return figure
    if not citation.province_id:
        return figure
    result = Result.objects.filter(edition=edition, province_id=citation.province_id).first()
    if result is None:
        return figure
    figure.links["result"] = result
    if metric in RESULT_FIELDS:
        figure.value = getattr(result, RESULT_FIELDS[metric])
    elif metric == Metric.RANK_OF:
        figure.value = edition.units_ranked
    elif metric in COMPONENT_FIELDS and citation.component_id:
        score = ComponentScore.objects.filter(result=result, component_id=citation.component_id).first()
        if score is not None:
            figure.links["component_score"] = score
            figure.value = getattr(score, COMPONENT_FIELDS[metric])
    return figure


def contradicts(citation: Citation, stored_value) -> bool:
    stored = comparable(stored_value)
    return stored is not None and stored != comparable(citation.value)


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


# --------------------------------------------------------------------------------------------------
# Curation
# --------------------------------------------------------------------------------------------------


class CurationError(ValueError):
    """A citation that cannot be confirmed as it stands (missing province, year, unknown component …)."""


class FigureConflict(CurationError):
    """The citation states a value different from the stored one; nothing was overwritten."""

    def __init__(self, citation: Citation, stored_value):
        self.citation = citation
        self.stored_value = stored_value
        super().__init__(
            _("%(figure)s: nguồn nêu %(stated)s, số liệu đã lưu là %(stored)s. Chưa ghi đè.")
            % {"figure": citation.get_metric_display(), "stated": citation.value, "stored": stored_value}
        )


def _edition(citation: Citation) -> Edition:
    """The real edition of the citation's index and year; created as a draft when there is none."""
    edition = Edition.objects.filter(index_id=citation.index_id, year=citation.year, is_synthetic=False).first()
    if edition is not None:
        return edition
    framework = next((f for f in Framework.objects.filter(index_id=citation.index_id) if f.covers(citation.year)), None)
    units = UNITS_PER_ERA[Era.of_year(citation.year)]
    if citation.metric == Metric.RANK_OF and citation.value_number:
        units = int(citation.value_number)
    edition = Edition(
        index_id=citation.index_id, year=citation.year, framework=framework, units_ranked=units, status=Status.DRAFT
    )
    edition._change_reason = _reason(citation)
    edition.save()
    return edition


def _reason(citation: Citation) -> str:
    return (_("Trích dẫn #%(pk)s: %(article)s") % {"pk": citation.pk, "article": citation.article})[:100]


def _value_for(field_name: str, citation: Citation):
    if field_name in INTEGER_FIELDS:
        if citation.value_number is None or citation.value_number != citation.value_number.to_integral():
            raise CurationError(_("Giá trị phải là số nguyên."))
        return int(citation.value_number)
    if field_name == "group":
        return citation.value_text or str(citation.value)
    if citation.value_number is None:
        raise CurationError(_("Giá trị phải là số."))
    return citation.value_number


def _put(obj, field_name: str, citation: Citation, *, replace: bool) -> None:
    """Set ``obj.field_name`` to the citation's value: fill an empty field, never overwrite silently."""
    value = _value_for(field_name, citation)
    stored = comparable(getattr(obj, field_name))
    if stored is not None and stored != comparable(value):
        if not replace:
            raise FigureConflict(citation, getattr(obj, field_name))
    elif stored is not None and obj.pk is not None:
        return  # already stored as stated: nothing to write, no history row
    setattr(obj, field_name, value)
    obj._change_reason = _reason(citation)
    obj.full_clean(validate_unique=False, validate_constraints=False)
    obj.save()


def _require(condition, message) -> None:
    if not condition:
        raise CurationError(message)


def confirm(citation: Citation, user, *, replace: bool = False) -> Citation:
    """Confirm a citation: create or fill the figure it states and make the citation its provenance.

    A figure that already holds a different value is not changed: :class:`FigureConflict` is raised
    and the citation stays suggested, flagged ``conflict`` (the flag is kept although the confirmation
    is not). With ``replace=True`` the stored value is replaced (the figure's history records the change
    and the citation behind it), and the confirmed citations that stated the old value are flagged.
    """
    try:
        with transaction.atomic():
            Citation.objects.select_for_update().filter(pk=citation.pk).exists()
            citation.refresh_from_db()
            if citation.state == Citation.State.CONFIRMED and not replace:
                return citation
            links = _store_figure(citation, replace=replace)
            for name, value in links.items():
                setattr(citation, name, value)
            citation.state = Citation.State.CONFIRMED
            citation.conflict = False
            citation.reviewed_by = user if getattr(user, "is_authenticated", False) else None
            citation.reviewed_at = timezone.now()
            citation._change_reason = _("Xác nhận") + (" (" + _("thay số liệu đã lưu") + ")" if replace else "")
            citation.save()
            if replace:
                _flag_dissent(citation)
            if citation.province_id:
                citation.article.provinces.add(citation.province_id)
    except FigureConflict:
        citation.refresh_from_db()
        if not citation.conflict:
            citation.conflict = True
            citation.save(update_fields=["conflict"])
        raise
    except ValidationError as error:
        citation.refresh_from_db()
        raise CurationError("; ".join(error.messages)) from error
    return citation


def _store_figure(citation: Citation, *, replace: bool) -> dict:
    """Create or fill the stored figure of ``citation``; returns the links the citation gets."""
    metric = citation.metric
    links = {"result": None, "component_score": None, "average": None, "dossier_stat": None}
    if metric in DOSSIER_FIELDS:
        period = _QUARTER.match(citation.period or "")
        _require(citation.province_id, _("Chưa xác định tỉnh, thành phố."))
        _require(period, _("Kỳ phải có dạng NĂM-Q1 … NĂM-Q4."))
        stat = DossierStat.objects.filter(
            province_id=citation.province_id, year=int(period[1]), quarter=int(period[2])
        ).first() or DossierStat(
            province_id=citation.province_id, year=int(period[1]), quarter=int(period[2]), article=citation.article
        )
        _put(stat, DOSSIER_FIELDS[metric], citation, replace=replace)
        links["dossier_stat"] = stat
        return links

    _require(citation.year, _("Chưa xác định năm kết quả."))
    if metric == Metric.AVERAGE:
        _require(citation.is_national or citation.region_id, _("Trung bình của cả nước hay của vùng nào?"))
        edition = _edition(citation)
        average = PublishedAverage.objects.filter(edition=edition, region_id=citation.region_id).first()
        if average is None:
            average = PublishedAverage(edition=edition, region_id=citation.region_id, value=citation.value_number)
        _put(average, "value", citation, replace=replace)
        links["average"] = average
        return links

    _require(citation.province_id, _("Chưa xác định tỉnh, thành phố."))
    _require(
        citation.province.existed_in(citation.year),
        _("%(province)s không tồn tại trong năm %(year)s.") % {"province": citation.province, "year": citation.year},
    )
    if metric in (Metric.COMPONENT_SCORE_DELTA, Metric.COMPONENT_RANK_DELTA):
        # Deltas of components are not stored; the citation is provenance of the result, if there is one.
        edition = Edition.objects.filter(index_id=citation.index_id, year=citation.year, is_synthetic=False).first()
        links["result"] = Result.objects.filter(edition=edition, province_id=citation.province_id).first()
        return links
    edition = _edition(citation)
    result = Result.objects.filter(edition=edition, province_id=citation.province_id).first()
    if result is None:
        result = Result(edition=edition, province_id=citation.province_id)
        result._change_reason = _reason(citation)
        if metric not in RESULT_FIELDS:
            result.save()
    links["result"] = result
    if metric in RESULT_FIELDS:
        _put(result, RESULT_FIELDS[metric], citation, replace=replace)
    elif metric == Metric.RANK_OF:
        _put(edition, "units_ranked", citation, replace=replace)
    elif metric in COMPONENT_FIELDS:
        if citation.component_id is None:
            citation.component = ComponentNames().match(edition.framework_id, citation.component_name)
        _require(
            citation.component_id, _("Không nhận ra chỉ số thành phần “%(name)s”.") % {"name": citation.component_name}
        )
        score = ComponentScore.objects.filter(result=result, component_id=citation.component_id).first()
        score = score or ComponentScore(result=result, component_id=citation.component_id)
        _put(score, COMPONENT_FIELDS[metric], citation, replace=replace)
        links["component_score"] = score
    return links


def _flag_dissent(citation: Citation) -> None:
    """After a replacement, confirmed citations of the same figure stating another value are conflicts."""
    same_figure = Citation.objects.confirmed().filter(
        index_id=citation.index_id,
        year=citation.year,
        province_id=citation.province_id,
        region_id=citation.region_id,
        is_national=citation.is_national,
        metric=citation.metric,
        component_id=citation.component_id,
        period=citation.period,
    )
    for other in same_figure.exclude(pk=citation.pk):
        disagrees = comparable(other.value) != comparable(citation.value)
        if other.conflict != disagrees:
            other.conflict = disagrees
            other.save(update_fields=["conflict"])


@transaction.atomic
def reject(citation: Citation, user) -> Citation:
    """Reject a proposal: it stays stored (and is not proposed again) but supports no figure.

    A confirmed citation is not rejected here: the figure it supports would lose its provenance silently.
    """
    citation.refresh_from_db()
    if citation.state == Citation.State.CONFIRMED:
        raise CurationError(_("Trích dẫn đã xác nhận; hãy sửa số liệu trước khi loại."))
    citation.state = Citation.State.REJECTED
    citation.reviewed_by = user if getattr(user, "is_authenticated", False) else None
    citation.reviewed_at = timezone.now()
    citation._change_reason = _("Loại")
    citation.save()
    return citation


# --------------------------------------------------------------------------------------------------
# Who sees which citation, and search
# --------------------------------------------------------------------------------------------------


def can_curate(user) -> bool:
    """Staff who may see drafts also see the reader's suggestions on the public pages."""
    return bool(user is not None and user.is_authenticated and user.is_staff and can_see_drafts(user))


def visible_citations(user, queryset: QuerySet | None = None) -> QuerySet:
    """Citations a user may see: curators see confirmed and suggested ones; everyone else only confirmed
    citations of figures they may see (``Result.objects.visible_to``; averages and unlinked figures of
    published editions)."""
    queryset = Citation.objects.all() if queryset is None else queryset
    if can_curate(user):
        return queryset.exclude(state=Citation.State.REJECTED)
    queryset = queryset.filter(state=Citation.State.CONFIRMED)
    if can_see_drafts(user):
        return queryset
    published_edition = Edition.objects.filter(
        index_id=OuterRef("index_id"), year=OuterRef("year"), is_synthetic=False, status=Status.PUBLISHED
    )
    return queryset.filter(
        Q(result__isnull=False, result__in=Result.objects.visible_to(user))
        | Q(result__isnull=True, average__isnull=False, average__edition__status=Status.PUBLISHED)
        | Q(result__isnull=True, average__isnull=True, dossier_stat__isnull=False)
        | Q(result__isnull=True, average__isnull=True, dossier_stat__isnull=True) & Exists(published_edition)
    )


def search_articles(query: str, queryset: QuerySet | None = None) -> QuerySet:
    """Articles matching ``query`` in title or text, regardless of diacritics and case.

    PostgreSQL: full-text search (``simple`` configuration over ``unaccent``), best match first.
    Elsewhere: every word of the query must occur in the article's folded ``search_text``.
    """
    queryset = SourceArticle.objects.all() if queryset is None else queryset
    words = fold(query).split()
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
        from django.db.models import Func

        vector = SearchVector(Func("title", function="unaccent"), weight="A", config="simple") + SearchVector(
            Func("text", function="unaccent"), weight="B", config="simple"
        )
        search = SearchQuery(" ".join(words), config="simple", search_type="plain")
        return (
            queryset.annotate(search_vector=vector, search_rank=SearchRank(vector, search))
            .filter(search_vector=search)
            .order_by("-search_rank", "-published_on", "pk")
        )
    for word in words:
        queryset = queryset.filter(search_text__contains=word)
    return queryset
