"""The rankings table (reports/tables.py): what a reader relies on in each cell, in both languages."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import translation

from reports.tables import RankingsTable

URL = reverse("reports:rankings")
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
    assert 'title="nói &quot;88,37&quot; &lt;b&gt;"' in html
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
    dispute = cells[cells.index('<details class="dispute">') : cells.index("</details>")]
    assert "⚠ nguồn mâu thuẫn" in dispute
    assert 'Điểm <strong>87,1</strong> (khác số đã lưu): <a href="/bai-viet/9/"' in dispute
    assert "T" * 69 + "…</a>" in dispute  # long titles shortened
    assert 'Điểm <strong>88,37</strong>: <a href="/bai-viet/7/"' in dispute


def test_sources_link_to_the_article_and_to_its_quotes():
    cells = body_row(
        render([row(citations=[citation(), citation(article_url="", conflict=True, article_pk=8)])]), "Hà Nội"
    )
    sources = cells[cells.index('<details class="sources">') :]
    assert "<summary>2 nguồn</summary>" in sources
    assert '<a href="https://example.vn/par-2024" title="Hà Nội đạt 88,37 điểm" rel="noopener">' in sources
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
        assert f'<a href="{reverse("reports:article", args=[c["article_pk"]])}"' in dispute
    assert dispute.count("(khác số đã lưu)") == len(conflicting)


@pytest.mark.usefixtures("real_data")
def test_the_page_shows_component_scores_with_their_ranks(client):
    response = client.get(URL, {"year": 2024})
    components = response.context["components"]
    assert components
    html = response.content.decode()
    table = table_element(html[html.index('<table class="data" id="rankings-table">') :])
    assert len(table.findall("./thead/tr/th[@class='component']")) == len(components)
    first = response.context["rows"][0]
    cells = body_row(html, first["province"])
    shown = re.findall(r'<td class="num component">([^<]*)(?: <small>#(\d+)</small>)?</td>', cells)
    held = [c for c in first["component_cells"] if c and c.get("score") is not None]
    assert len(shown) == len(held)


@pytest.mark.usefixtures("real_data")
def test_the_english_page(client):
    response = client.get(URL, {"year": 2024}, HTTP_ACCEPT_LANGUAGE="en")
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
