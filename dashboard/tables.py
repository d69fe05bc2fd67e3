"""Tables of the reports app rendered in Python (NetBox style: one tables module per app).

Why not a template: with a cold cache the rankings page took ~31 ms, ~12 ms of it spent by the
template engine on the table (63 rows × 8 component columns: thousands of variable lookups, filter
calls and translate tags, an include per sourced row). The same HTML built here takes ~1.3 ms.
It keeps the markup, texts and msgids of the template it replaced, so locale/en still translates
it (the texts stay literal ``_()`` calls for makemessages); tests/test_tables.py holds it to what
readers rely on. The province page's tables followed (8.5 ms of template rendering down to ~2.3 ms
for the whole page), on the same terms.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from html import escape

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import reverse
from django.utils import dateformat
from django.utils.formats import get_format, localize
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.text import Truncator, add_truncation_text, calculate_truncate_chars_length
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

from dashboard.templatetags.cchc import Language, delta, floatformat, rankdelta, score

SORT_ARROWS = {"ascending": ' <span aria-hidden="true">↑</span>', "descending": ' <span aria-hidden="true">↓</span>'}


def plain(value) -> str:
    """``value`` as a template shows it before escaping: numbers localised (81,20)."""
    if isinstance(value, Decimal | float):
        return localize(value)
    return str(value)


def text(value) -> str:
    """``value`` as ``{{ value }}`` shows it: localised, and escaped unless already safe."""
    kind = type(value)
    if kind is str:  # the usual cases first: a third of the cost
        return escape(value)
    if kind is int:
        return str(value)
    if isinstance(value, SafeData):
        return value
    return escape(plain(value))


def truncated(value, length: int, ellipsis: str | None = None) -> str:
    """``{{ value|truncatechars:length }}``, escaped; ``ellipsis``: Truncator's truncation text if already
    looked up (``Phrases.ellipsis``).

    Truncator's own way costs ~12 µs a title (two look-ups of its text, a walk over every character):
    when no combining character counts in the part kept, which is the case of NFC text, Vietnamese
    included, the same cut is one slice.
    """
    text = unicodedata.normalize("NFC", str(value))
    if len(text) <= length:  # combining characters only make it shorter
        return escape(text)
    if length <= 0 or ellipsis is None or any(map(unicodedata.combining, text[: length + 1])):
        return escape(Truncator(text).chars(length, truncate=ellipsis))
    return escape(add_truncation_text(text[: calculate_truncate_chars_length(length, ellipsis)], ellipsis))


class ArticleLinks:
    """URLs of source articles' pages: reversed once per table rather than once per citation."""

    def __init__(self):
        head, _sentinel, tail = reverse("dashboard:article", args=[0]).rpartition("0")
        self.head, self.tail = escape(head), escape(tail)

    def __call__(self, pk) -> str:
        return f"{self.head}{pk}{self.tail}"


NO_FIGURE = '<span class="missing">—</span>'  # the plain dash of the province tables (rank, group)


def _heads(*labels: tuple[str, bool]) -> str:
    """``<th scope="col">`` cells of (label, numeric) pairs; labels are translated texts, escaped here."""
    return "".join(
        f'<th scope="col" class="num">{escape(label)}</th>' if numeric else f'<th scope="col">{escape(label)}</th>'
        for label, numeric in labels
    )


class Phrases:
    """The fixed texts of the sources lists and the province tables in one language, translated and escaped.

    They are the same on every page, so ``phrases()`` keeps one set per language: a province page
    would otherwise make ~60 gettext calls, and a sources list three per row and two per title
    shortened (~2 µs each, most of it finding the active language).
    """

    def __init__(self):
        self.language = Language()
        # Sources (citations_list, dispute).
        self.conflict = ' <span class="badge warn">' + escape(_("mâu thuẫn")) + "</span>"
        self.quote = escape(_("trích dẫn"))
        self.differs = " (" + escape(_("khác số đã lưu")) + ")"
        self.disputed_title = escape(_("Các nguồn nêu số liệu khác nhau"))
        self.disputed_sources = escape(_("nguồn mâu thuẫn"))
        self.ellipsis = pgettext("String to return when truncating text", "%(truncated_text)s…")  # as Truncator
        self._summaries: dict[int, str] = {}
        # The province tables.
        year, points, rank, group = _("Năm"), _("Điểm"), _("Hạng"), _("Nhóm")
        component = _("Chỉ số thành phần")
        self.trend_caption = _("%(name)s so với trung bình")  # the name goes in escaped, as blocktranslate did
        self.trend_head = _heads(
            (year, False), (points, True), (rank, True), (_("Trung bình cả nước"), True), (_("Trung bình vùng"), True)
        )
        self.series_head = _heads((year, False), (points, True), (rank, True), (group, False), (_("Nguồn"), False))
        self.draft = ' <span class="badge">' + escape(_("dự thảo")) + "</span>"
        self.disputed = f' <span class="badge warn" title="{self.disputed_title}">⚠ {self.disputed_sources}</span>'
        self.predecessor_page = escape(_("trang của đơn vị tiền thân"))
        self.no_results = '<tr><td colspan="5">' + escape(_("Chưa có số liệu.")) + "</td></tr>"
        # The msgid the translate tag looked up: percent signs are doubled in template texts, then restored.
        self.component_caption = escape(
            _("Điểm chỉ số thành phần theo năm (điểm / tối đa, %% tối đa, hạng)").replace("%%", "%")
        )
        self.component_head = _heads(
            (component, False), (year, False), (points, True), (_("Tối đa"), True), ("%", True), (rank, True)
        )
        self.gaps_caption = escape(_("Dẫn đầu và trung bình tính trên các đơn vị có số liệu (ghi rõ độ phủ)"))
        self.gaps_head = _heads(
            (component, False),
            (points, True),
            (_("Cao nhất"), True),
            (_("Khoảng cách tới dẫn đầu"), True),
            (_("Trung bình"), True),
            (_("Khoảng cách tới trung bình"), True),
        )
        self.original = escape(_("bản gốc"))
        self.short_date = get_format("SHORT_DATE_FORMAT")
        self.short_date_template = date_template(self.short_date)

    def sources_summary(self, n: int) -> str:
        """The summary of a sources list ("3 nguồn"), in the plural forms of the language."""
        summary = self._summaries.get(n)
        if summary is None:
            summary = self._summaries[n] = ngettext("%(n)s nguồn", "%(n)s nguồn", n) % {"n": n}
        return summary


# dateformat's codes for days, months and years as str.format fields (django.utils.dateformat.DateFormat).
_DATE_FIELDS = {"d": "{0.day:02d}", "j": "{0.day}", "m": "{0.month:02d}", "n": "{0.month}", "Y": "{0.year:04d}"}


def date_template(date_format: str) -> str | None:
    """A ``str.format`` template writing a date as ``dateformat.format(date, date_format)`` does, in a tenth
    of its time (~9 µs an article otherwise), when ``date_format`` only has day, month and year codes
    between other signs, as the short formats of both languages (d-m-Y, m/d/Y); None for any other."""
    fields = []
    for sign in date_format:
        if sign in _DATE_FIELDS:
            fields.append(_DATE_FIELDS[sign])
        elif sign.isalpha() or sign == "\\":
            return None
        else:
            fields.append(sign.replace("{", "{{").replace("}", "}}"))
    return "".join(fields)


@functools.lru_cache(maxsize=8)
def _phrases_for(language: str | None) -> Phrases:
    return Phrases()


def phrases() -> Phrases:
    """The tables' texts in the active language (built once per language and process)."""
    return _phrases_for(get_language())


@receiver(setting_changed)
def _forget_phrases(**kwargs) -> None:
    # Tests overriding formats or locale paths see texts built afresh.
    _phrases_for.cache_clear()


def citations_list(citations: Sequence[dict], article: ArticleLinks, texts: Phrases | None = None) -> str:
    """A row's sources (rankings and province page): how many, then each figure as stated, flagged when it
    conflicts with the one stored, linked to its article (its own address, or its page here) and quote."""
    if not citations:
        return ""
    texts = texts or phrases()
    conflict, quote, ellipsis = texts.conflict, texts.quote, texts.ellipsis
    items = []
    for c in citations:
        own = article(c["article_pk"])
        href = text(c["article_url"]) if c["article_url"] else own
        items.append(
            f"<li>{text(c['metric'])} <strong>{text(c['value'])}</strong>{conflict if c['conflict'] else ''}: "
            f'<a href="{href}" title="{text(c["quote"])}" rel="noopener">'
            f"{truncated(c['article_title'], 60, ellipsis)}</a>"
            f' (<a href="{own}">{quote}</a>)</li>'
        )
    summary = texts.sources_summary(len(citations))
    return f'<details class="sources"><summary>{summary}</summary><ul>{"".join(items)}</ul></details>\n'


def dispute(citations: Sequence[dict], article: ArticleLinks, texts: Phrases | None = None) -> str:
    """The warning on a disputed row, opening onto what each source states."""
    texts = texts or phrases()
    differs, ellipsis = texts.differs, texts.ellipsis
    items = "".join(
        f"<li>{text(c['metric'])} <strong>{text(c['value'])}</strong>{differs if c['conflict'] else ''}: "
        f'<a href="{article(c["article_pk"])}" title="{text(c["quote"])}">'
        f"{truncated(c['article_title'], 70, ellipsis)}</a></li>"
        for c in citations
    )
    return (
        f'<details class="dispute"><summary><span class="badge warn" title="{texts.disputed_title}">⚠ '
        f"{texts.disputed_sources}</span></summary>\n<ul>{items}</ul>\n</details>"
    )


class RankingsTable:
    """One page of ``rankings_page`` rows: rank and its change, unit, region, score and its change, group,
    component scores with their ranks, sources; a caption saying what is shown and a legend of the marks.

    Rendered in the active language. A missing figure is a dash with a title, never 0.
    """

    def __init__(self, rows: Sequence[dict], columns: Sequence[dict], edition=None, coverage=""):
        self.rows = rows
        self.columns = columns
        self.edition = edition
        self.coverage = coverage

    def render(self) -> SafeString:
        parts = ['<table class="data" id="rankings-table">\n', self.caption(), self.head(), "<tbody>\n"]
        if self.rows:
            parts.extend(self.body())
        else:
            nothing = escape(_("Không có đơn vị nào khớp bộ lọc."))
            parts.append(f'<tr><td colspan="{len(self.columns) + 3}">{nothing}</td></tr>\n')
        parts.append("</tbody>\n</table>\n")
        parts.append(self.legend())
        return mark_safe("".join(parts))

    __html__ = __str__ = render

    def caption(self) -> str:
        edition = self.edition
        # As blocktranslate did: the values are escaped, the translated text is trusted.
        shown = _("%(index)s %(year)s: %(n)s đơn vị đang hiển thị") % {
            "index": text(edition.index.short_name) if edition else "",
            "year": text(edition.year) if edition else "",
            "n": len(self.rows),
        }
        return f"<caption>{shown} — {text(self.coverage)}</caption>\n"

    def head(self) -> str:
        cells = ["<thead><tr>\n"]
        for col in self.columns:
            sort = col["aria_sort"]
            css = ' class="component"' if col["component"] else ""
            cells.append(
                f'<th scope="col" aria-sort="{text(sort)}"{css}>'
                f'<a href="{text(col["url"])}">{text(col["label"])}{SORT_ARROWS.get(sort, "")}</a></th>\n'
            )
            if col["key"] == "province":
                cells.append(f'<th scope="col">{escape(_("Vùng"))}</th>\n')
            elif col["key"] == "change":
                cells.append(f'<th scope="col">{escape(_("Nhóm"))}</th>\n')
        cells.append(f'<th scope="col">{escape(_("Nguồn"))}</th>\n</tr></thead>\n')
        return "".join(cells)

    def body(self) -> Iterable[str]:
        # What is the same on every row is translated once per table, not once per row.
        language = Language()
        missing = language.missing
        no_source = '<span class="missing">—</span>'
        computed = '<span title="' + escape(_("tính từ điểm")) + '">*</span>'
        draft = '\n<span class="badge">' + escape(_("dự thảo")) + "</span>"
        predecessors = escape(_("tiền thân"))
        reported = '<span class="note" title="' + escape(_("theo nguồn")) + '">†</span>'
        article = ArticleLinks()
        for row in self.rows:
            rank = row["rank"]
            if rank:
                rank_cell = f"{rank}" if row["rank_published"] else f"{rank}{computed}"
            else:
                rank_cell = missing
            basis = row["change_basis"]
            if basis == "predecessors":
                was = "; ".join(
                    f"{p['province']}: {'—' if p['score'] is None else plain(p['score'])}" for p in row["previous"]
                )
                note = f'<span class="note" title="{escape(was)}">{predecessors}</span>'
            else:
                note = reported if basis == "reported" else ""
            name = f'<a href="{escape(row["url"])}">{escape(row["province"])}</a>'
            if row["draft"]:
                name += draft
            opening = "<tr>"
            if row["disputed"]:
                name += "\n" + dispute(row["citations"], article)
                opening = '<tr class="disputed">'
            group = '<span class="group">' + escape(row["group"]) + "</span>" if row["group"] else missing
            sources = citations_list(row["citations"], article) if row["citations"] else no_source
            yield (
                f"{opening}\n"
                f'<td class="num">{rank_cell} {rankdelta(row["rank_delta"], language=language)}</td>\n'
                f'<th scope="row">{name}\n</th>\n'
                f'<td class="region">{escape(row["region"])}</td>\n'
                f'<td class="num">{score(row["score"], language=language)}</td>\n'
                f'<td class="num">{delta(row["score_delta"], language=language)}{note}</td>\n'
                f"<td>{group}</td>\n"
                f"{self.component_cells(row['component_cells'], language)}\n"
                f"<td>{sources}</td>\n"
                "</tr>\n"
            )

    @staticmethod
    def component_cells(cells: Iterable[dict | None], language: Language) -> str:
        # Digits and a separator, or the safe dash: nothing to escape. floatformat directly, not
        # score(): a rankings page writes several hundred of these cells.
        missing = f'<td class="num component">{language.missing}</td>'
        separator = language.separator
        out = []
        for cell in cells:
            if not cell:
                out.append(missing)
                continue
            value = cell.get("score")
            rank = cell.get("rank")
            ranked = f" <small>#{rank}</small>" if rank else ""
            shown = language.missing if value is None else floatformat(value, 2, separator)
            out.append(f'<td class="num component">{shown}{ranked}</td>')
        return "".join(out)

    def legend(self) -> str:
        reported = escape(_("thay đổi theo nguồn (không có kết quả năm trước)"))
        return (
            '<p class="legend"><span aria-hidden="true">▲</span>/<span aria-hidden="true">▼</span> '
            f"{escape(_('thay đổi so với năm trước'))} · † {reported}"
            f" · * {escape(_('hạng tính từ điểm'))} · — {escape(_('chưa có số liệu'))}</p>\n"
        )


# ------------------------------------------------------------------------------------- the province page
# Same reason as the rankings table: with a cold cache the province page spent ~8.5 ms in the template
# engine, nearly all of it in these tables (~112 component rows × 6 cells, an include per result row).
# Each renderer writes what the template loop wrote, whitespace included, in the active language.


def _place(rank, units_ranked) -> str:
    """A rank out of the units ranked (17/63), or the dash."""
    return f"{text(rank)}/{text(units_ranked)}" if rank else NO_FIGURE


class TrendTable:
    """``trend_rows`` of ``province_page``: a unit's score and rank per year against the national and
    regional averages, each average labelled with what it covers (published, or n/N units held)."""

    def __init__(self, name: str, rows: Sequence[dict]):
        self.name = name
        self.rows = rows

    def render(self) -> SafeString:
        texts = phrases()
        language = texts.language
        caption = texts.trend_caption % {"name": text(self.name)}
        parts = [
            f'<table class="data" id="trend-table">\n    <caption>{caption}</caption>\n'
            f"    <thead><tr>{texts.trend_head}</tr></thead>\n    <tbody>"
        ]
        for t in self.rows:
            national, regional = t["national"], t["regional"]
            regional_cell = NO_FIGURE
            if regional:
                regional_cell = (
                    f"{score(regional['value'], language=language)} <small>{text(regional['label'])}</small>"
                )
            parts.append(
                f'<tr><th scope="row">{text(t["year"])}</th><td class="num">{score(t["score"], language=language)}</td>'
                f'<td class="num">{_place(t["rank"], t["units_ranked"])}</td>\n'
                f'      <td class="num">{score(national["value"], language=language)} '
                f"<small>{text(national['label'])}</small></td>\n"
                f'      <td class="num">{regional_cell}</td></tr>'
            )
        parts.append("</tbody>\n  </table>")
        return mark_safe("".join(parts))

    __html__ = __str__ = render


class SeriesTables:
    """``series`` of ``province_page``: one table per unit (the unit, then each predecessor, linked to its
    page): score, rank, group and sources per year; a disputed result is badged, a draft one marked."""

    def __init__(self, series: Sequence[dict]):
        self.series = series

    def render(self) -> SafeString:
        texts = phrases()
        language = texts.language
        article = None  # reversed on the first row with sources
        parts = []
        for s in self.series:
            caption = text(s["name"])
            if s["is_predecessor"]:
                url = escape(reverse("dashboard:province", args=[s["slug"]]))
                caption += f' — <a href="{url}">{texts.predecessor_page}</a>'
            # Each table opens and ends as the template loop's did, its whitespace included.
            parts.append(
                f'\n  <div class="table-wrap"><table class="data">\n    <caption>{caption}</caption>\n'
                f"    <thead><tr>{texts.series_head}</tr></thead>\n    <tbody>"
            )
            for r in s["rows"]:
                if r["citations"]:
                    article = article or ArticleLinks()
                    sources = citations_list(r["citations"], article, texts)
                else:
                    sources = "\n"  # the include this replaces ended in a newline, with sources or without
                group = f'<span class="group">{text(r["group"])}</span>' if r["group"] else NO_FIGURE
                parts.append(
                    ('<tr class="disputed">' if r["disputed"] else "<tr>")
                    + f'<th scope="row">{text(r["year"])}{texts.draft if r["draft"] else ""}</th>\n'
                    f'      <td class="num">{score(r["score"], language=language)}'
                    f"{texts.disputed if r['disputed'] else ''}</td>\n"
                    f'      <td class="num">{_place(r["rank"], r["units_ranked"])}</td>\n'
                    f"      <td>{group}</td>\n"
                    f"      <td>{sources}</td></tr>\n    "
                )
            if not s["rows"]:
                parts.append(texts.no_results)
            parts.append("</tbody>\n  </table></div>\n  ")
        return mark_safe("".join(parts))

    __html__ = __str__ = render


class ComponentTable:
    """``component_series`` of ``province_page``: each component's rows over the years (score, maximum,
    percent of the maximum, rank), its name heading the group of rows it spans."""

    def __init__(self, component_series: Sequence[dict]):
        self.component_series = component_series

    def render(self) -> SafeString:
        texts = phrases()
        language = texts.language
        parts = [
            f'<table class="data" id="component-table"><caption>{texts.component_caption}</caption>\n'
            f"    <thead><tr>{texts.component_head}</tr></thead>\n    <tbody>"
        ]
        for c in self.component_series:
            points = c["points"]
            group = f'<th scope="rowgroup" rowspan="{len(points)}">{text(c["name"])}</th>'
            for p in points:
                # A missing rank is the bare dash of the template's default_if_none:"—"; 0 stays 0.
                rank = "—" if p["rank"] is None else text(p["rank"])
                parts.append(
                    f'<tr>{group}<td>{text(p["year"])}</td><td class="num">{score(p["score"], language=language)}</td>'
                    f'<td class="num">{score(p["max"], language=language)}</td>'
                    f'<td class="num">{score(p["pct"], 1, language=language)}</td><td class="num">{rank}</td></tr>'
                )
                group = ""
        parts.append("</tbody>\n  </table>")
        return mark_safe("".join(parts))

    __html__ = __str__ = render


class GapsTable:
    """``gaps`` of ``province_page`` (``figures.ComponentGap``): a unit's component scores against the best
    (named, with how many more units hold it) and the average of the units held, and its gap to each."""

    def __init__(self, gaps: Sequence):
        self.gaps = gaps

    def render(self) -> SafeString:
        texts = phrases()
        language = texts.language
        labels: dict[tuple, str] = {}  # the averages' labels, alike on most rows, translated once each
        parts = [
            f'<table class="data" id="gaps-table"><caption>{texts.gaps_caption}</caption>\n'
            f"    <thead><tr>{texts.gaps_head}</tr></thead>\n    <tbody>"
        ]
        for g in self.gaps:
            leaders = ", ".join([escape(str(name)) for name in g.leaders])
            if g.other_leaders:
                n = g.other_leaders
                # As blocktranslate did: the count is localised and escaped, the translated text is trusted.
                leaders += " " + ngettext("và %(n)s đơn vị khác", "và %(n)s đơn vị khác", n) % {"n": text(n)}
            average = g.average
            key = (average.kind, average.units, average.units_total)
            label = labels.get(key)
            if label is None:
                label = labels[key] = text(average.label)
            parts.append(
                f'<tr><th scope="row">{text(g.name)}</th><td class="num">{score(g.score, language=language)}</td>'
                f'<td class="num">{score(g.leader_score, language=language)} <small>{leaders}</small></td>'
                f'<td class="num">{delta(g.gap_to_leader, language=language)}</td>'
                f'<td class="num">{score(average.value, language=language)} <small>{label}</small></td>'
                f'<td class="num">{delta(g.gap_to_average, language=language)}</td></tr>'
            )
        parts.append("</tbody>\n  </table>")
        return mark_safe("".join(parts))

    __html__ = __str__ = render


class ArticleList:
    """``articles`` of ``province_page``: each links to its page here and names its publisher and date
    (the language's short date format), with a link to the original when it has an address."""

    def __init__(self, articles: Sequence[dict]):
        self.articles = articles

    def render(self) -> SafeString:
        texts = phrases()
        article = ArticleLinks()
        items = []
        for a in self.articles:
            item = f'<li><a href="{article(a["pk"])}">{text(a["title"] or a["url"])}</a>'
            if a["publisher"]:
                item += f" — {text(a['publisher'])}"
            published = a["published_on"]
            if published:
                if texts.short_date_template and type(published) is date:
                    item += ", " + escape(texts.short_date_template.format(published))
                else:
                    item += ", " + escape(dateformat.format(published, texts.short_date))
            if a["url"]:
                item += f' · <a href="{text(a["url"])}" rel="noopener">{texts.original}</a>'
            items.append(item + "</li>")
        return mark_safe(f'<ul class="articles">{"".join(items)}</ul>')

    __html__ = __str__ = render
