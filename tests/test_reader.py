"""The article reader (sources/reader/): facts of the language it relies on, what it proposes on the seed articles,
and what it leaves for the curator. None of these tests touch the database."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest

from sources.reader import article_subject, parse_article_file, read_article
from sources.reader.text import fold_aligned, language, number_value

DATA = Path(__file__).resolve().parent.parent / "reports" / "data"
SEEDS = DATA / "seeds"


def figures(text: str, **kwargs) -> set[tuple]:
    return {(p.province, p.index, p.year, p.metric, str(p.value)) for p in read_article(text, **kwargs)}


def seed(name_prefix: str) -> list:
    text, _url, published = parse_article_file(next(SEEDS.glob(f"{name_prefix}_*.txt")))
    return read_article(text, published=published)


@pytest.mark.parametrize(
    ("written", "value"),
    [("81,20", "81.20"), ("113.905", "113905"), ("7.25", "7.25"), ("2.550", "2550"), ("90,09", "90.09")],
)
def test_numbers_are_read_as_vietnamese_and_english_write_them(written, value):
    assert number_value(written) == Decimal(value)


def test_folding_keeps_positions():
    text = "Đắk Nông đạt 84,66 điểm"
    assert len(fold_aligned(text)) == len(text)
    assert fold_aligned(text).startswith("dak nong")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Chỉ số CCHC của tỉnh Bạc Liêu đạt 81,20 điểm.", "vi"),
        ("Hanoi ranked 10th in the PAR Index with 88.2 points.", "en"),
        ("一方、最下位は南部メコンデルタ地方キエンザン省。", "other"),
    ],
)
def test_it_tells_the_language(text, lang):
    assert language(text) == lang


def test_it_reads_a_decimal_comma_score_with_its_province_and_year():
    assert ("Bạc Liêu", "PAR_INDEX", 2019, "score", "81.20") in figures(
        "Năm 2019, Chỉ số CCHC của tỉnh Bạc Liêu đạt 81,20 điểm."
    )


def test_it_reads_a_rank_out_of_a_total_and_a_name_without_diacritics():
    found = figures("In 2023, Bac Lieu ranked 59th out of 63 provinces in the PAR Index with 84.1 points.")
    assert ("Bạc Liêu", "PAR_INDEX", 2023, "rank", "59") in found
    assert ("Bạc Liêu", "PAR_INDEX", 2023, "score", "84.1") in found


def test_seed_binh_thuan_2015_reads_the_province_the_national_average_and_signs():
    found = {(p.province, p.year, p.metric, str(p.value)) for p in seed("004")}
    assert {
        ("Bình Thuận", 2015, "score", "85.30"),
        ("Bình Thuận", 2015, "rank", "34"),
        ("Bình Thuận", 2015, "rank_of", "63"),
        ("Bình Thuận", 2015, "rank_delta", "-17"),
        ("Bình Thuận", 2015, "group", "B"),
        ("NATIONAL", 2015, "average", "85.11"),
    } <= found


def test_seed_lang_son_is_named_only_by_its_byline():
    text, _url, _published = parse_article_file(next(SEEDS.glob("003_*.txt")))
    assert article_subject(text) == "Lạng Sơn"
    assert ("Lạng Sơn", 2016, "rank", Decimal(52)) in {(p.province, p.year, p.metric, p.value) for p in seed("003")}


def test_operational_counts_go_to_the_period_and_an_unnamed_province_stays_empty():
    """Seed 002 names no province: dossier counts are proposed for the quarter, with the province left empty for
    the curator, and never as figures of an index edition (no score, rank or group)."""
    proposals = seed("002")
    assert {(p.province, p.period, p.metric, p.value) for p in proposals} == {
        (None, "2023-Q1", "dossier_received", Decimal(113905)),
        (None, "2023-Q1", "dossier_on_time", Decimal(111340)),
        (None, "2023-Q1", "dossier_late", Decimal(15)),
        (None, "2023-Q1", "dossier_pending", Decimal(2550)),
    }


def test_a_district_article_states_no_index_figure():
    text, _url, _published = parse_article_file(next(SEEDS.glob("001_*.txt")))
    assert article_subject(text) == "Quảng Bình"
    assert seed("001") == []


def test_parse_article_file_reads_url_and_date_lines(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("URL: https://example.org/x\nDATE: 2019-05-25\n\nHÀ NỘI — text", encoding="utf-8")
    assert parse_article_file(path) == ("HÀ NỘI — text", "https://example.org/x", date(2019, 5, 25))
    path.write_text("Plain text only.\nSecond line.", encoding="utf-8")
    assert parse_article_file(path) == ("Plain text only.\nSecond line.", None, None)


def test_proposals_serialise_numbers_as_numbers_and_groups_as_strings():
    rows = [p.as_dict() for p in seed("004")]
    assert {type(r["value"]) for r in rows if r["metric"] != "group"} <= {int, float}
    assert [r["value"] for r in rows if r["metric"] == "group"] == ["B"]


def test_read_article_command_prints_json_with_the_required_keys():
    from django.core.management import call_command

    out = StringIO()
    call_command("read_article", str(next(SEEDS.glob("003_*.txt"))), "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert rows
    for row in rows:
        assert {"province", "index", "year", "metric", "value", "quote"} <= set(row)


@pytest.mark.parametrize(
    ("url", "provinces", "indices", "years"),
    [
        ("https://baoquangngai.vn/quang-ngai-tut-hang-chi-so-sipas-va-par-index-12345.htm",
         ["Quảng Ngãi"], ["SIPAS", "PAR_INDEX"], []),
        ("https://baobariavungtau.com.vn/kinh-te/202207/ba-ria-vung-tau-nam-2023-tang-bac-chi-so-cai-cach-hanh-chinh/",
         ["Bà Rịa - Vũng Tàu"], ["PAR_INDEX"], [2023]),
        ("https://x.vn/tp-hcm-xep-thu-14-ve-papi-2022.html", ["TP. Hồ Chí Minh"], ["PAPI"], [2022]),
        ("https://x.vn/tphcm-va-thua-thien-hue-tang-hang-pci-post1.vnp",
         ["TP. Hồ Chí Minh", "Thừa Thiên Huế"], ["PCI"], []),
        ("https://hanoitimes.vn/hanoinews/2019/05/81E0D751/hanoi-named-second-in-par-index/",
         ["Hà Nội"], ["PAR_INDEX"], []),
        ("https://x.vn/Đà-Nẵng-dẫn-đầu-chỉ-số-hài-lòng", ["Đà Nẵng"], ["SIPAS"], []),  # diacritics kept in the path
        ("https://vietnam.vn/en/thay-gi-qua-2-bo-chi-so-quan-trong-ngay-6-4", [], [], []),  # names no province
        ("https://vietmaz.com/2021/10/public-satisfaction-survey/", [], ["SIPAS"], []),  # /2021/ files, not a year
    ],
)  # fmt: skip
def test_the_articles_address_is_read_for_provinces_indices_and_years(url, provinces, indices, years):
    from sources.reader.candidates import address_of
    from sources.reader.gazetteer import gazetteer

    gaz = gazetteer()
    address = address_of(url, gaz)
    assert [gaz.name(code, era, None) for code, era in address.provinces] == provinces
    assert address.indices == indices
    assert address.years == years


def test_the_address_host_names_a_provincial_paper_s_province():
    from sources.reader.candidates import address_of
    from sources.reader.gazetteer import gazetteer

    gaz = gazetteer()
    assert address_of("https://baoquangninh.vn/x", gaz).host_provinces == [("22", 63)]
    assert address_of("https://vnexpress.net/x", gaz).host_provinces == []
    assert address_of(None, gaz).provinces == address_of("", gaz).provinces == []


def test_a_quote_that_never_names_its_province_takes_it_from_the_address_and_works_without_one():
    text = (
        "Năm 2023, Chỉ số cải cách hành chính (PAR Index) của tỉnh đạt 84,25%, xếp thứ 15/63 tỉnh, thành phố, "
        "tăng 4 bậc so với năm 2022."
    )
    without = figures(text)
    assert (None, "PAR_INDEX", 2023, "rank", "15") in without
    url = "https://baoquangngai.vn/quang-ngai-tut-hang-chi-so-sipas-va-par-index-12345.htm"
    assert ("Quảng Ngãi", "PAR_INDEX", 2023, "rank", "15") in figures(text, url=url)
    # An address naming no province changes nothing.
    assert figures(text, url="https://example.vn/tin-tuc/ket-qua-cong-bo-chi-so.html") == without


def test_read_article_command_takes_the_url(tmp_path):
    from django.core.management import call_command

    path = tmp_path / "a.txt"
    path.write_text("Năm 2023, Chỉ số PAR Index của tỉnh đạt 84,25%, xếp thứ 15/63.", encoding="utf-8")
    out = StringIO()
    call_command("read_article", str(path), "--json", "--url", "https://x.vn/quang-ngai-tang-hang", stdout=out)
    assert "Quảng Ngãi" in {row["province"] for row in json.loads(out.getvalue())}
