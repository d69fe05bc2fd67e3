"""The tables of dashboard/tables.py (rankings, province page): what a reader relies on in each cell, both languages."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from dashboard.tables import (
    ArticleList,
    ComponentTable,
    GapsTable,
    RankingsTable,
    SeriesTables,
    TrendTable,
)
from reports.figures import Average, ComponentGap
from reports.models import Result

URL = reverse("dashboard:rankings")


@pytest.fixture(autouse=True)
def vietnamese():
    """Each test starts in the site's language, whatever language an English page request left active
    (pytest-django runs the database tests first)."""
    with translation.override("vi"):
        yield


EDITION = SimpleNamespace(index=SimpleNamespace(short_name="PAR INDEX"), year=2024)


def row(**changes) -> dict:
    """A row as ``rankings_page`` gives it, with ordinary figures unless ``changes`` say otherwise."""
    return {
        "id": 1,
        "province": "Hà Nội",
        "url": "/tinh/ha-noi/",
        "region": "Đồng bằng sông Hồng",
        "score": Decimal("88.37"),
        "rank": 3,
        "rank_published": True,
        "rank_delta": 2,
        "group": "A",
        "disputed": False,
        "draft": False,
        "score_delta": Decimal("1.72"),
        "change_basis": "same_unit",
        "previous": [],
        "citations": [],
        "component_cells": [],
    } | changes


def columns(*components: str) -> list[dict]:
    keys = [("rank", "Hạng"), ("province", "Tỉnh, thành phố"), ("score", "Điểm"), ("change", "Thay đổi")]
    keys += [(f"c.{c}", c) for c in components]
    return [
        {"key": key, "label": label, "url": f"?sort={key}", "aria_sort": "none", "component": key.startswith("c.")}
        for key, label in keys
    ]


def citation(**changes) -> dict:
    return {
        "metric": "Điểm",
        "value": Decimal("88.37"),
        "quote": "Hà Nội đạt 88,37 điểm",
        "conflict": False,
        "article_pk": 7,
        "article_title": "Công bố Chỉ số cải cách hành chính năm 2024",
        "article_url": "https://example.vn/par-2024",
    } | changes


def render(rows, components=(), coverage="63/63 đơn vị có điểm") -> str:
    return str(RankingsTable(rows, columns(*components), EDITION, coverage))


def table_element(html: str) -> ET.Element:
    """The table parsed, to read it cell by cell (its HTML is well-formed XML)."""
    return ET.fromstring(html[: html.index("</table>") + len("</table>")])


def body_row(html: str, province: str) -> str:
    start = html.rindex("<tr", 0, html.index(f">{province}</a>"))
    return html[start : html.index("</tr>", start)]


def test_every_row_has_a_cell_under_every_header():
    held = [{"score": Decimal("7.5"), "rank": 1}, None]
    html = render(
        [row(component_cells=held), row(id=2, rank=None, score=None, group="", component_cells=[None, None])],
        components=["tthc", "dvc"],
    )
    table = table_element(html)
    headers = table.findall("./thead/tr/th")
    # rank, unit, region, score, change, group, two components, sources
    assert len(headers) == 9
    for tr in table.findall("./tbody/tr"):
        assert len(tr) == len(headers)


def test_names_and_sources_are_escaped():
    html = render(
        [
            row(
                province='<script>alert("x")</script> & Co',
                region="R&D",
                group="<b>",
                disputed=True,
                citations=[citation(quote='nói "88,37" <b>', article_title="Tin <nhanh> & gọn")],
            )
        ]
    )
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co</a>" in html
    assert '<td class="region">R&amp;D</td>' in html
    assert "<blockquote>nói &quot;88,37&quot; &lt;b&gt;</blockquote>" in html  # the quote opens on tap
    assert "Tin &lt;nhanh&gt; &amp; gọn" in html
    table_element(html)  # still well-formed


def test_missing_figures_are_a_dash_never_zero():
    html = render(
        [row(rank=None, rank_delta=None, score=None, score_delta=None, group="", component_cells=[None])], ["x"]
    )
    cells = body_row(html, "Hà Nội")
    assert cells.count('<span class="missing" title="chưa có số liệu">—</span>') == 5  # rank, score, change, group, x
    assert '<span class="missing">—</span>' in cells  # no source
    assert not re.search(r">0([,.]0+)?<", cells)


def test_a_zero_change_is_shown_as_zero_not_as_missing():
    cells = body_row(render([row(score_delta=Decimal("0"), rank_delta=0)]), "Hà Nội")
    assert '<span class="same"><span aria-hidden="true">■</span> 0</span>' in cells
    assert 'title="giữ nguyên thứ hạng">=</span>' in cells


def test_changes_have_arrows_and_words_for_screen_readers():
    cells = body_row(render([row(score_delta=Decimal("-1.005"), rank_delta=-4)]), "Hà Nội")
    assert (
        '<span class="down"><span aria-hidden="true">▼</span> −1,01<span class="sr-only"> (giảm)</span></span>' in cells
    )
    assert '<span class="down" title="giảm 4 bậc"><span aria-hidden="true">▼</span>4</span>' in cells


def test_a_rank_computed_from_scores_is_starred():
    cells = body_row(render([row(rank_published=False)]), "Hà Nội")
    assert '<td class="num">3<span title="tính từ điểm">*</span> ' in cells


def test_a_merged_unit_names_its_predecessors_and_their_scores():
    previous = [{"province": "Hà Tây", "score": Decimal("80.5")}, {"province": "Hà Nội", "score": None}]
    cells = body_row(render([row(change_basis="predecessors", previous=previous)]), "Hà Nội")
    assert '<span class="note" title="Hà Tây: 80,5; Hà Nội: —">tiền thân</span>' in cells


def test_a_change_stated_by_a_source_is_marked():
    cells = body_row(render([row(change_basis="reported")]), "Hà Nội")
    assert '<span class="note" title="theo nguồn">†</span>' in cells


def test_a_draft_row_is_badged():
    cells = body_row(render([row(draft=True)]), "Hà Nội")
    assert '<span class="badge">dự thảo</span>' in cells


def test_a_disputed_row_lists_what_each_source_states():
    sources = [citation(), citation(value=Decimal("87.1"), conflict=True, article_pk=9, article_title="T" * 80)]
    cells = body_row(render([row(disputed=True, citations=sources)]), "Hà Nội")
    dispute = cells[cells.index('<details class="dispute">') : cells.index("</ul>\n</details>")]
    assert "⚠ nguồn mâu thuẫn" in dispute
    assert 'Điểm <strong>87,10</strong> (khác số đã lưu): <a href="/bai-viet/9/"' in dispute
    assert "T" * 69 + "…</a>" in dispute  # long titles shortened
    assert 'Điểm <strong>88,37</strong>: <a href="/bai-viet/7/"' in dispute


def test_sources_link_to_the_article_and_to_its_quotes():
    cells = body_row(
        render([row(citations=[citation(), citation(article_url="", conflict=True, article_pk=8)])]), "Hà Nội"
    )
    sources = cells[cells.index('<details class="sources">') :]
    assert "<summary>2 nguồn</summary>" in sources
    assert '<a href="https://example.vn/par-2024" rel="noopener">' in sources
    assert "<summary>Câu trích</summary><blockquote>Hà Nội đạt 88,37 điểm</blockquote>" in sources  # on tap
    assert '(<a href="/bai-viet/7/">trích dẫn</a>)' in sources
    # without an address of its own, an article links to its page here
    assert '<span class="badge warn">mâu thuẫn</span>: <a href="/bai-viet/8/"' in sources


def test_component_cells_show_score_and_rank():
    cells = [{"score": Decimal("7.5"), "rank": 12}, {"score": Decimal("6"), "rank": None}, None]
    html = render([row(component_cells=cells)], components=["a", "b", "c"])
    assert html.count('<th scope="col" aria-sort="none" class="component">') == 3
    assert '<td class="num component">7,50 <small>#12</small></td>' in html
    assert '<td class="num component">6,00</td>' in html
    assert '<td class="num component"><span class="missing" title="chưa có số liệu">—</span></td>' in html


def test_the_sorted_column_says_so():
    cols = columns()
    cols[2] |= {"aria_sort": "descending", "url": "?index=PAR_INDEX&sort=score"}
    html = str(RankingsTable([row()], cols, EDITION, ""))
    assert (
        '<th scope="col" aria-sort="descending"><a href="?index=PAR_INDEX&amp;sort=score">'
        'Điểm <span aria-hidden="true">↓</span></a></th>'
    ) in html


def test_caption_and_legend():
    html = render([row(), row(id=2, province="Huế")])
    assert "<caption>PAR INDEX 2024: 2 đơn vị đang hiển thị — 63/63 đơn vị có điểm</caption>" in html
    assert '<p class="legend">' in html and "* hạng tính từ điểm · — chưa có số liệu</p>" in html


def test_an_empty_table_says_nothing_matches_across_every_column():
    html = render([], components=["a", "b"])
    assert '<tr><td colspan="9">Không có đơn vị nào khớp bộ lọc.</td></tr>' in html


def test_it_renders_in_the_active_language():
    previous = [{"province": "Hà Tây", "score": Decimal("80.5")}]
    with translation.override("en"):
        html = render([row(change_basis="predecessors", previous=previous, group="", citations=[citation()])])
    assert "<caption>PAR INDEX 2024: 1 units shown — 63/63 đơn vị có điểm</caption>" in html
    assert '<td class="num">88.37</td>' in html
    assert '+1.72<span class="sr-only"> (up)</span>' in html
    assert 'title="up 2 places"' in html
    assert 'title="Hà Tây: 80.5">predecessors</span>' in html
    assert '<span class="missing" title="no figure yet">—</span>' in html
    assert "<summary>1 source</summary>" in html
    assert '<th scope="col">Region</th>' in html


# ---------------------------------------------------------------- on the page, with the real figures


@pytest.mark.usefixtures("real_data")
def test_the_page_shows_a_disputed_rows_conflicting_sources(client):
    response = client.get(URL, {"year": 2018})
    html = response.content.decode()
    hai_phong = next(r for r in response.context["rows"] if r["province"] == "Hải Phòng")
    cells = body_row(html, "Hải Phòng")
    assert '<tr class="disputed">' in cells
    dispute = cells[cells.index('<details class="dispute">') :]
    conflicting = [c for c in hai_phong["citations"] if c["conflict"]]
    assert conflicting
    for c in conflicting:
        assert f'<a href="{reverse("dashboard:article", args=[c["article_pk"]])}"' in dispute
    assert dispute.count("(khác số đã lưu)") == len(conflicting)


@pytest.mark.usefixtures("real_data")
def test_the_page_shows_component_scores_with_their_ranks(client):
    response = client.get(URL, {"year": 2024})
    components = response.context["components"]
    assert components
    html = response.content.decode()
    table = table_element(html[html.index('<table class="data" id="rankings-table">') :])
    headers = table.findall("./thead/tr/th")
    assert len([th for th in headers if "component" in th.get("class", "").split()]) == len(components)
    first = response.context["rows"][0]
    cells = body_row(html, first["province"])
    shown = re.findall(r'<td class="num component">([^<]*)(?: <small>#(\d+)</small>)?</td>', cells)
    held = [c for c in first["component_cells"] if c and c.get("score") is not None]
    assert len(shown) == len(held)


@pytest.mark.usefixtures("real_data")
def test_the_english_page(client):
    response = client.get("/en" + URL, {"year": 2024})
    html = response.content.decode()
    table = html[html.index('<table class="data" id="rankings-table">') : html.index("</table>")]
    assert "units shown" in table and "đơn vị đang hiển thị" not in table
    assert '<th scope="col">Source</th>' in table
    assert re.search(r'<td class="num">\d+\.\d\d</td>', table)  # a decimal point in English
    assert not re.search(r'<td class="num">\d+,\d\d</td>', table)


@pytest.mark.usefixtures("real_data")
def test_no_matching_unit_leaves_one_row_saying_so(client):
    response = client.get(URL, {"year": 2023, "q": "không có tỉnh này"})
    html = response.content.decode()
    colspan = len(response.context["columns"]) + 3
    assert f'<tr><td colspan="{colspan}">Không có đơn vị nào khớp bộ lọc.</td></tr>' in html


# ================================================================ the province page's tables
# trend (score and rank against the averages), results and sources per series, components, gaps, articles


def average(value=Decimal("80.10"), label="trung bình đã công bố") -> dict:
    return {"value": value, "label": label}


def trend_row(**changes) -> dict:
    """A row of ``province_page``'s ``trend_rows``."""
    return {
        "year": 2024,
        "score": Decimal("88.37"),
        "rank": 3,
        "units_ranked": 63,
        "national": average(),
        "regional": average(Decimal("84.5"), "trung bình của 11/11 đơn vị có số liệu"),
    } | changes


def result_row(**changes) -> dict:
    """A row of a ``province_page`` series."""
    return {
        "year": 2024,
        "score": Decimal("88.37"),
        "rank": 3,
        "units_ranked": 63,
        "group": "A",
        "disputed": False,
        "draft": False,
        "citations": [],
    } | changes


def series(*rows, **changes) -> dict:
    return {"name": "Hà Nội", "slug": "ha-noi", "is_predecessor": False, "rows": list(rows)} | changes


def point(**changes) -> dict:
    """A year of a component in ``component_series``."""
    return {"year": 2024, "score": Decimal("7.5"), "rank": 12, "max": Decimal("10"), "pct": Decimal("75")} | changes


def gap(**changes) -> ComponentGap:
    fields = {
        "key": "direction",
        "name": "Công tác chỉ đạo, điều hành",
        "max_points": None,
        "score": Decimal("9.38"),
        "leader_score": Decimal("11.25"),
        "leaders": ("Sơn La", "Tuyên Quang"),
        "average": Average(Decimal("9.14"), "computed", 63, 63),
        "other_leaders": 0,
        "units_held": 63,
    }
    return ComponentGap(**(fields | changes))


def source_article(**changes) -> dict:
    return {
        "pk": 7,
        "title": "Công bố Chỉ số cải cách hành chính năm 2024",
        "url": "https://example.vn/par-2024",
        "publisher": "Báo Chính phủ",
        "published_on": date(2025, 4, 6),
    } | changes


def fragment(html: str) -> ET.Element:
    """Tables and what wraps them, parsed (the series tables come each in its div)."""
    return ET.fromstring(f"<div>{html}</div>")


def data_rows(html: str) -> list[ET.Element]:
    return fragment(html).findall(".//tbody/tr")


def test_the_trend_table_compares_each_year_with_the_averages():
    html = str(TrendTable("Hà Nội", [trend_row(year=2023), trend_row()]))
    table = table_element(html)
    assert table.get("id") == "trend-table"
    assert table.find("caption").text == "Hà Nội so với trung bình"
    assert [th.text for th in table.findall("./thead/tr/th")] == [
        "Năm",
        "Điểm",
        "Hạng",
        "Trung bình cả nước",
        "Trung bình vùng",
    ]
    assert (
        '<tr><th scope="row">2024</th><td class="num">88,37</td><td class="num">3/63</td>\n'
        '      <td class="num">80,10 <small>trung bình đã công bố</small></td>\n'
        '      <td class="num">84,50 <small>trung bình của 11/11 đơn vị có số liệu</small></td></tr>'
    ) in html


def test_the_results_table_of_a_series():
    html = str(SeriesTables([series(result_row(year=2023, group="B"), result_row())]))
    rows = data_rows(html)
    assert len(rows) == 2 and all(len(tr) == 5 for tr in rows)
    assert "<caption>Hà Nội</caption>" in html
    assert (
        '<tr><th scope="row">2024</th>\n      <td class="num">88,37</td>\n      <td class="num">3/63</td>\n'
        '      <td><span class="group">A</span></td>\n      <td>\n</td></tr>'
    ) in html  # no sources: an empty cell


def test_a_predecessors_table_links_to_its_page_and_an_empty_one_says_so():
    html = str(SeriesTables([series(), series(name="Hà Tây (tiền thân)", slug="ha-tay", is_predecessor=True)]))
    assert '<tr><td colspan="5">Chưa có số liệu.</td></tr>' in html
    assert (
        '<caption>Hà Tây (tiền thân) — <a href="' + reverse("dashboard:province", args=["ha-tay"]) + '">'
        "trang của đơn vị tiền thân</a></caption>"
    ) in html
    assert html.count('<div class="table-wrap"><table class="data">') == 2


def test_a_disputed_result_is_badged_and_a_draft_marked():
    html = str(SeriesTables([series(result_row(disputed=True, draft=True, citations=[citation()]))]))
    assert '<tr class="disputed"><th scope="row">2024 <span class="badge">dự thảo</span></th>' in html
    assert (
        '<td class="num">88,37 <span class="badge warn" title="Các nguồn nêu số liệu khác nhau">'
        "⚠ nguồn mâu thuẫn</span></td>"
    ) in html
    assert '<tr class="disputed">' not in str(SeriesTables([series(result_row())]))


def test_results_list_their_sources():
    sources = [
        citation(),
        citation(conflict=True, article_url="", article_pk=9, value=Decimal("87.1"), article_title="T" * 80),
    ]
    html = str(SeriesTables([series(result_row(citations=sources))]))
    listed = html[html.index('<details class="sources">') : html.index("</ul></details>")]
    assert "<summary>2 nguồn</summary>" in listed
    assert (
        'Điểm <strong>88,37</strong>: <a href="https://example.vn/par-2024" '
        'rel="noopener">Công bố Chỉ số cải cách hành chính năm 2024</a> (<a href="/bai-viet/7/">trích dẫn</a>)'
    ) in listed
    # a conflicting figure is flagged; an article without an address of its own links to its page here
    assert 'Điểm <strong>87,10</strong> <span class="badge warn">mâu thuẫn</span>: <a href="/bai-viet/9/"' in listed
    assert ">" + "T" * 59 + "…</a>" in listed  # long titles shortened to 60 characters
    fragment(html)  # still well-formed


def test_a_component_names_the_group_of_rows_it_spans():
    components = [
        {"key": "a", "name": "Thể chế", "points": [point(year=2022), point(year=2023), point()]},
        {"key": "b", "name": "Tổ chức bộ máy", "points": [point()]},
    ]
    html = str(ComponentTable(components))
    table = table_element(html)
    assert len(table.findall("./thead/tr/th")) == 6
    rows = table.findall("./tbody/tr")
    assert len(rows) == 4
    assert [len(tr) for tr in rows] == [6, 5, 5, 6]  # the name's cell spans the rows below it
    assert rows[0][0].attrib == {"scope": "rowgroup", "rowspan": "3"} and rows[0][0].text == "Thể chế"
    assert rows[3][0].attrib == {"scope": "rowgroup", "rowspan": "1"} and rows[3][0].text == "Tổ chức bộ máy"
    assert '<td>2024</td><td class="num">7,50</td><td class="num">10,00</td><td class="num">75,0</td>' in html
    assert '<td class="num">12</td></tr>' in html


def test_gaps_to_the_leader_and_to_the_average():
    html = str(GapsTable([gap()]))
    table = table_element(html)
    assert table.get("id") == "gaps-table" and len(table.findall("./thead/tr/th")) == 6
    assert (
        '<tr><th scope="row">Công tác chỉ đạo, điều hành</th><td class="num">9,38</td>'
        '<td class="num">11,25 <small>Sơn La, Tuyên Quang</small></td>'
        '<td class="num"><span class="down"><span aria-hidden="true">▼</span> −1,87'
        '<span class="sr-only"> (giảm)</span></span></td>'
        '<td class="num">9,14 <small>trung bình của 63/63 đơn vị có số liệu</small></td>'
        '<td class="num"><span class="up"><span aria-hidden="true">▲</span> +0,24'
        '<span class="sr-only"> (tăng)</span></span></td></tr>'
    ) in html


def test_a_unit_whose_figure_is_the_only_one_is_not_called_the_leader():
    alone = gap(
        leaders=("Sơn La",), leader_score=Decimal("9.38"), units_held=1, average=Average(None, "computed", 1, 63)
    )
    html = str(GapsTable([alone]))
    assert '<td class="num"><span class="missing">—</span> <small>chỉ đơn vị này có số liệu (1/63)</small></td>' in html
    assert alone.gap_to_leader is None and "Sơn La" not in html.split("</th>", 7)[-1]
    with translation.override("en"):
        assert "only this unit has a figure (1/63)" in str(GapsTable([alone]))


def test_leaders_beyond_those_named_are_counted():
    html = str(GapsTable([gap(other_leaders=3), gap(leaders=("Huế",), other_leaders=1)]))
    assert "<small>Sơn La, Tuyên Quang và 3 đơn vị khác</small>" in html
    assert "<small>Huế và 1 đơn vị khác</small>" in html
    assert "đơn vị khác" not in str(GapsTable([gap()]))
    with translation.override("en"):
        html = str(GapsTable([gap(other_leaders=12), gap(leaders=("Huế",), other_leaders=1)]))
    assert "<small>Sơn La, Tuyên Quang and 12 other units</small>" in html
    assert "<small>Huế and 1 other unit</small>" in html


def test_articles_link_to_their_page_and_to_the_original():
    html = str(
        ArticleList(
            [source_article(), source_article(pk=8, title="", publisher="", published_on=None, url="https://x.vn/a")]
        )
    )
    assert html == (
        '<ul class="articles">'
        '<li><a href="/bai-viet/7/">Công bố Chỉ số cải cách hành chính năm 2024</a> — Báo Chính phủ, 06-04-2025'
        ' · <a href="https://example.vn/par-2024" rel="noopener">bản gốc</a></li>'
        # no title: its address stands for it; no publisher, no date: nothing said of them
        '<li><a href="/bai-viet/8/">https://x.vn/a</a> · <a href="https://x.vn/a" rel="noopener">bản gốc</a></li>'
        "</ul>"
    )
    assert "bản gốc" not in str(ArticleList([source_article(url="")]))


def test_province_tables_escape_what_they_show():
    evil = '<script>alert("x")</script> & Co'
    shown = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co"
    sourced = result_row(group=evil, disputed=True, citations=[citation(metric=evil, quote=evil, article_title=evil)])
    tables = [
        str(TrendTable(evil, [trend_row(national=average(label=evil))])),
        str(SeriesTables([series(sourced, name=evil, is_predecessor=True, slug="x")])),
        str(ComponentTable([{"key": "a", "name": evil, "points": [point()]}])),
        str(GapsTable([gap(name=evil, leaders=(evil, "R&D"), other_leaders=2)])),
    ]
    for html in tables:
        assert "<script>" not in html and shown in html
        fragment(html)  # still well-formed
    assert "<small>" + shown + ", R&amp;D và 2 đơn vị khác</small>" in tables[3]
    articles = str(ArticleList([source_article(title=evil, publisher=evil, url='https://x.vn/?a=1&b="2"')]))
    assert "<script>" not in articles
    assert f">{shown}</a> — {shown}, " in articles
    assert 'href="https://x.vn/?a=1&amp;b=&quot;2&quot;"' in articles


def test_missing_figures_on_the_province_page_are_a_dash_never_zero():
    dash = '<span class="missing" title="chưa có số liệu">—</span>'
    plain_dash = '<span class="missing">—</span>'
    trend = str(TrendTable("Hà Nội", [trend_row(score=None, rank=None, national=average(None), regional=None)]))
    assert (
        f'<td class="num">{dash}</td><td class="num">{plain_dash}</td>\n'
        f'      <td class="num">{dash} <small>trung bình đã công bố</small></td>\n'
        f'      <td class="num">{plain_dash}</td></tr>'
    ) in trend
    results = str(SeriesTables([series(result_row(score=None, rank=None, group=""))]))
    assert (
        f'<td class="num">{dash}</td>\n      <td class="num">{plain_dash}</td>\n      <td>{plain_dash}</td>'
    ) in results
    components = str(
        ComponentTable([{"key": "a", "name": "A", "points": [point(score=None, max=None, pct=None, rank=None)]}])
    )
    assert (
        f'<td class="num">{dash}</td><td class="num">{dash}</td><td class="num">{dash}</td><td class="num">—</td>'
        in (components)
    )
    gaps = str(GapsTable([gap(score=None, leader_score=None, leaders=(), average=Average(None, "missing", 0, 63))]))
    assert gaps.count(dash) == 5  # score, best, gap to it, average, gap to it
    for html in (trend, results, components, gaps):
        cells = html[html.index("<tbody>") :]
        assert not re.search(r">0([,.]0+)?<", cells) and "None" not in cells


def test_a_zero_on_the_province_page_is_zero_not_missing():
    trend = str(TrendTable("Hà Nội", [trend_row(score=Decimal("0"))]))
    assert '<td class="num">0,00</td>' in trend
    gaps = str(GapsTable([gap(score=Decimal("11.25"))]))
    assert '<td class="num"><span class="same"><span aria-hidden="true">■</span> 0</span></td>' in gaps


def test_the_province_tables_in_english():
    with translation.override("en"):
        trend = str(TrendTable("Hà Nội", [trend_row()]))
        results = str(SeriesTables([series(result_row(citations=[citation()])), series(is_predecessor=True)]))
        components = str(ComponentTable([{"key": "a", "name": "Institutions", "points": [point()]}]))
        gaps = str(GapsTable([gap()]))
        articles = str(ArticleList([source_article()]))
    assert "<caption>Hà Nội against the averages</caption>" in trend
    assert '<th scope="col" class="num">National average</th>' in trend
    assert '<td class="num">88.37</td>' in trend  # a decimal point in English
    assert "<summary>1 source</summary>" in results and "(<a " in results and ">quote</a>)" in results
    assert "predecessor’s page</a>" in results and "No figures yet." in results
    assert "<caption>Component scores by year (score / maximum, % of maximum, rank)</caption>" in components
    assert '<td class="num">7.50</td><td class="num">10.00</td><td class="num">75.0</td>' in components
    assert '<span class="sr-only"> (down)</span>' in gaps
    assert "Báo Chính phủ, 04/06/2025 · " in articles and ">original</a>" in articles


# ---------------------------------------------------------------- the province page, with the real figures


@pytest.mark.usefixtures("real_data")
def test_the_province_page_shows_a_disputed_results_sources(client):
    disputed = Result.objects.filter(disputed=True).select_related("province", "edition__index").first()
    assert disputed is not None
    response = client.get(
        reverse("dashboard:province", args=[disputed.province.slug]), {"index": disputed.edition.index.code}
    )
    html = response.content.decode()
    start = html.index('<section id="series-tables">')
    section = html[start : html.index("</section>", start)]
    row = next(r for s in response.context["series"] for r in s["rows"] if r["disputed"])
    start = section.index(f'<tr class="disputed"><th scope="row">{row["year"]}')
    cells = section[start : section.index("</tr>", start)]
    assert "⚠ nguồn mâu thuẫn" in cells
    if row["citations"]:
        n = len(row["citations"])
        assert f"<summary>{n} nguồn</summary>" in cells
        assert cells.count("trích dẫn</a>)") == n


@pytest.mark.usefixtures("real_data")
def test_the_province_page_component_groups_span_their_rows(client):
    response = client.get(reverse("dashboard:province", args=["son-la"]))
    components = response.context["component_series"]
    assert components
    html = response.content.decode()
    table = table_element(html[html.index('<table class="data" id="component-table">') :])
    rows = table.findall("./tbody/tr")
    assert len(rows) == sum(len(c["points"]) for c in components)
    spans = [int(th.get("rowspan")) for th in table.findall("./tbody/tr/th[@scope='rowgroup']")]
    assert spans == [len(c["points"]) for c in components]


@pytest.mark.usefixtures("real_data")
def test_the_english_province_page(client):
    with translation.override("en"):
        url = reverse("dashboard:province", args=["quang-ninh"])
    response = client.get(url)
    html = response.content.decode()
    start = html.index('<table class="data" id="trend-table">')
    trend = html[start : html.index("</table>", start)]
    assert "against the averages</caption>" in trend and "so với trung bình" not in trend
    assert re.search(r'<td class="num">\d+\.\d\d</td>', trend)
    assert not re.search(r'<td class="num">\d+,\d\d</td>', trend)
    assert "Kết quả và nguồn" not in html


@pytest.mark.parametrize(
    "figure",
    [
        {"data": [{"name": "Bà Rịa – Vũng Tàu </script><b>&", "y": [81.2, None]}], "layout": {"title": "Điểm ‘x’"}},
        {"a": "\u2028\u2029", "b": Decimal("81.20"), "c": [1, 2, 3]},
    ],
)
def test_chart_data_is_written_exactly_as_djangos_json_script_writes_it(figure):
    from django.utils.html import json_script

    html = render_to_string(
        "dashboard/includes/chart.html", {"chart_id": "score-chart", "data_id": "score-chart-data", "figure": figure}
    )
    assert json_script(figure, "score-chart-data") in html
    assert "</script><b>" not in html


def test_a_rank_change_beside_a_score_change_names_its_unit():
    from dashboard.templatetags.cchc import rankdelta

    with translation.override("vi"):
        assert rankdelta(3, "words") == (
            '<span class="up" title="tăng 3 bậc"><span aria-hidden="true">▲</span>3 bậc</span>'
        )
        assert ">giữ hạng</span>" in rankdelta(0, "words")
    with translation.override("en"):
        assert rankdelta(-1, "words").endswith("▼</span>1 place</span>")
        assert rankdelta(-2, "words").endswith("▼</span>2 places</span>")
        assert rankdelta(-2).endswith("▼</span>2</span>")  # in the rankings' rank column the unit is the column's
