"""Tables of the reports app rendered in Python (NetBox style: one tables module per app).

Why not a template: with a cold cache the rankings page took ~31 ms, ~12 ms of it spent by the
template engine on the table (63 rows × 8 component columns: thousands of variable lookups, filter
calls and translate tags, an include per sourced row). The same HTML built here takes ~1.3 ms.
It keeps the markup, texts and msgids of the template it replaced, so locale/en still translates
it (the texts stay literal ``_()`` calls for makemessages); tests/test_tables.py holds it to what
readers rely on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from html import escape

from django.urls import reverse
from django.utils.formats import localize
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .templatetags.cchc import Language, delta, rankdelta, score

SORT_ARROWS = {"ascending": ' <span aria-hidden="true">↑</span>', "descending": ' <span aria-hidden="true">↓</span>'}


def plain(value) -> str:
    """``value`` as a template shows it before escaping: numbers localised (81,20)."""
    if isinstance(value, Decimal | float):
        return localize(value)
    return str(value)


def text(value) -> str:
    """``value`` as ``{{ value }}`` shows it: localised, and escaped unless already safe."""
    if isinstance(value, SafeData):
        return value
    return escape(plain(value))


def truncated(value, length: int) -> str:
    """``{{ value|truncatechars:length }}``."""
    return escape(Truncator(str(value)).chars(length))


class ArticleLinks:
    """URLs of source articles' pages: reversed once per table rather than once per citation."""

    def __init__(self):
        head, _sentinel, tail = reverse("reports:article", args=[0]).rpartition("0")
        self.head, self.tail = escape(head), escape(tail)

    def __call__(self, pk) -> str:
        return f"{self.head}{pk}{self.tail}"


def citations_list(citations: Sequence[dict], article: ArticleLinks) -> str:
    """A row's sources, as ``reports/includes/citations.html`` shows them on the province page."""
    if not citations:
        return ""
    conflict = ' <span class="badge warn">' + escape(_("mâu thuẫn")) + "</span>"
    quote = escape(_("trích dẫn"))
    items = []
    for c in citations:
        own = article(c["article_pk"])
        href = text(c["article_url"]) if c["article_url"] else own
        items.append(
            f"<li>{text(c['metric'])} <strong>{text(c['value'])}</strong>{conflict if c['conflict'] else ''}: "
            f'<a href="{href}" title="{text(c["quote"])}" rel="noopener">{truncated(c["article_title"], 60)}</a>'
            f' (<a href="{own}">{quote}</a>)</li>'
        )
    n = len(citations)
    summary = ngettext("%(n)s nguồn", "%(n)s nguồn", n) % {"n": n}
    return f'<details class="sources"><summary>{summary}</summary><ul>{"".join(items)}</ul></details>\n'


def dispute(citations: Sequence[dict], article: ArticleLinks) -> str:
    """The warning on a disputed row, opening onto what each source states."""
    differs = " (" + escape(_("khác số đã lưu")) + ")"
    items = "".join(
        f"<li>{text(c['metric'])} <strong>{text(c['value'])}</strong>{differs if c['conflict'] else ''}: "
        f'<a href="{article(c["article_pk"])}" title="{text(c["quote"])}">{truncated(c["article_title"], 70)}</a></li>'
        for c in citations
    )
    title = escape(_("Các nguồn nêu số liệu khác nhau"))
    return (
        f'<details class="dispute"><summary><span class="badge warn" title="{title}">⚠ '
        f"{escape(_('nguồn mâu thuẫn'))}</span></summary>\n<ul>{items}</ul>\n</details>"
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
        # score() gives digits and a separator, or the safe dash: nothing to escape.
        out = []
        for cell in cells:
            if not cell:
                out.append(f'<td class="num component">{language.missing}</td>')
                continue
            rank = cell.get("rank")
            ranked = f" <small>#{rank}</small>" if rank else ""
            out.append(f'<td class="num component">{score(cell.get("score", ""), language=language)}{ranked}</td>')
        return "".join(out)

    def legend(self) -> str:
        reported = escape(_("thay đổi theo nguồn (không có kết quả năm trước)"))
        return (
            '<p class="legend"><span aria-hidden="true">▲</span>/<span aria-hidden="true">▼</span> '
            f"{escape(_('thay đổi so với năm trước'))} · † {reported}"
            f" · * {escape(_('hạng tính từ điểm'))} · — {escape(_('chưa có số liệu'))}</p>\n"
        )
