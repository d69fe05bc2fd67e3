"""Specification of the article reader (reports/reader.py): what it reads, and what it refuses to guess.

None of these tests touch the database: the reader works from text and the shipped CSV files only.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest

from sources.evaluation import evaluate, evaluate_sentences
from sources.reader import article_subject, parse_article_file, read_article

DATA = Path(__file__).resolve().parent.parent / "reports" / "data"
SEEDS = DATA / "seeds"


def figures(text: str, **kwargs) -> set[tuple]:
    """(province, index, year, metric, value) of every proposal, values as strings for easy reading."""
    return {(p.province, p.index, p.year, p.metric, str(p.value)) for p in read_article(text, **kwargs)}


def seed(name_prefix: str) -> list:
    path = next(SEEDS.glob(f"{name_prefix}_*.txt"))
    text, _url, published = parse_article_file(path)
    return read_article(text, published=published)


def seed_figures(name_prefix: str) -> set[tuple]:
    return {(p.province, p.index, p.year, p.metric, str(p.value)) for p in seed(name_prefix)}


# --- numbers as Vietnamese and English write them -------------------------------------------------------------


def test_it_reads_a_decimal_comma_score():
    assert ("Bạc Liêu", "PAR_INDEX", 2019, "score", "81.20") in figures(
        "Năm 2019, Chỉ số CCHC của tỉnh Bạc Liêu đạt 81,20 điểm."
    )


def test_it_reads_a_score_out_of_100_and_a_percent_score():
    found = figures("Chỉ số CCHC năm 2022 tỉnh Đắk Nông đạt 84,66/100 điểm. Năm 2021, tỉnh Bắc Ninh đạt 86,67%.")
    assert ("Đắk Nông", "PAR_INDEX", 2022, "score", "84.66") in found
    assert ("Bắc Ninh", "PAR_INDEX", 2021, "score", "86.67") in found


def test_it_reads_dots_as_thousands_in_counts():
    (received,) = [p for p in seed("002") if p.metric == "dossier_received"]
    assert received.value == Decimal(113905)


def test_it_reads_rank_out_of_total():
    found = figures("Năm 2016, chỉ số CCHC của tỉnh Lạng Sơn đạt 67,87 điểm, xếp thứ 52/63 tỉnh, thành.")
    assert ("Lạng Sơn", "PAR_INDEX", 2016, "rank", "52") in found
    assert ("Lạng Sơn", "PAR_INDEX", 2016, "rank_of", "63") in found


def test_it_reads_rank_changes_with_their_sign():
    found = figures("Chỉ số CCHC năm 2015 của tỉnh Bình Thuận tăng 0,65 điểm, giảm 17 bậc so với năm 2014.")
    assert ("Bình Thuận", "PAR_INDEX", 2015, "score_delta", "0.65") in found
    assert ("Bình Thuận", "PAR_INDEX", 2015, "rank_delta", "-17") in found
    assert ("Bình Thuận", "PAR_INDEX", 2015, "rank_delta", "-5") in figures(
        "Chỉ số CCHC năm 2015 của tỉnh Bình Thuận tụt 5 bậc."
    )


def test_it_reads_a_rank_change_written_in_words():
    found = figures("In 2016, Hanoi jumped six places to number three in the PAR Index.")
    assert ("Hà Nội", "PAR_INDEX", 2016, "rank_delta", "6") in found
    assert ("Hà Nội", "PAR_INDEX", 2016, "rank", "3") in found


def test_it_reads_dan_dau_as_rank_one_and_xep_cuoi_as_the_last_rank():
    found = figures("Chỉ số CCHC năm 2015: Đà Nẵng dẫn đầu đạt 93,31 điểm. Điện Biên xếp cuối bảng.")
    assert ("Đà Nẵng", "PAR_INDEX", 2015, "rank", "1") in found
    assert ("Điện Biên", "PAR_INDEX", 2015, "rank", "63") in found


def test_a_group_of_last_places_is_not_a_rank():
    found = figures("Chỉ số CCHC năm 2021: Tiền Giang và Kiên Giang là 02 tỉnh xếp cuối cùng với 80,37% và 79,97%.")
    assert not {f for f in found if f[3] == "rank"}
    assert ("Tiền Giang", "PAR_INDEX", 2021, "score", "80.37") in found
    assert ("Kiên Giang", "PAR_INDEX", 2021, "score", "79.97") in found


def test_it_reads_groups_as_published():
    assert ("Bắc Ninh", "PAR_INDEX", 2021, "group", "B") in figures(
        "Chỉ số CCHC năm 2021 tỉnh Bắc Ninh đạt 86,67%, nằm trong nhóm B."
    )
    assert ("Bạc Liêu", "PAR_INDEX", 2019, "group", "tốt") in figures(
        "Năm 2019, Bạc Liêu được công bố Chỉ số CCHC đạt 81,20 điểm, thuộc nhóm tốt."
    )


def test_a_group_definition_is_not_a_province_result():
    found = figures(
        "Tỉnh Quảng Ngãi xếp thứ 60 về Chỉ số CCHC năm 2015.\n"
        "Những tỉnh có Chỉ số cải cách hành chính từ 90% trở lên được xếp vào nhóm A."
    )
    assert not {f for f in found if f[3] == "group"}


def test_it_reads_the_national_average_and_sipas():
    found = figures(
        "Kết quả Chỉ số SIPAS năm 2024 trung bình cả nước là 83,94%. Chỉ số trung bình của cả nước đạt 85,11%."
    )
    assert ("NATIONAL", "SIPAS", 2024, "average", "83.94") in found
    assert ("NATIONAL", "SIPAS", 2024, "average", "85.11") in found


def test_it_reads_a_sipas_satisfaction_rate():
    found = figures("Chỉ số hài lòng về sự phục vụ hành chính (SIPAS) năm 2022 của tỉnh Hà Tĩnh đạt 90,09%.")
    assert found == {("Hà Tĩnh", "SIPAS", 2022, "score", "90.09")}


def test_it_reads_component_scores_and_ranks_with_the_component_named():
    proposals = read_article(
        "Chỉ số cải cách hành chính tỉnh Đắk Nông năm 2022 đạt 84,66/100 điểm.\n\n"
        "- Chỉ số Công tác chỉ đạo điều hành Cải cách hành chính đạt 8,94 điểm, xếp thứ 30/63 tỉnh, thành phố;"
    )
    by_metric = {p.metric.split(":")[0]: p for p in proposals}
    assert by_metric["component_score"].value == Decimal("8.94")
    assert by_metric["component_rank"].value == 30
    assert "chỉ đạo điều hành" in by_metric["component_score"].component.lower()
    assert by_metric["component_score"].province == "Đắk Nông"
    assert "rank_of" not in by_metric  # a component's rank total is not the index's


# --- result year, not publication year ------------------------------------------------------------------------


def test_the_year_is_the_result_year_not_the_publication_year():
    found = figures(
        "Năm 2019, Bạc Liêu được Bộ Nội vụ công bố Chỉ số CCHC đạt 81,20 điểm.", published=date(2020, 6, 29)
    )
    assert {f[2] for f in found} == {2019}


def test_a_comparison_year_implies_the_next_result_year():
    assert ("Hà Nội", "PAR_INDEX", 2015, "score_delta", "-2.42") in figures(
        "Chỉ số CCHC: Hà Nội giảm 2,42 điểm so với năm 2014."
    )


def test_last_years_index_announced_is_published_year_minus_one():
    text = "Bộ Nội vụ công bố Chỉ số CCHC của năm trước: tỉnh Sơn La đạt 81,25 điểm."
    assert {f[2] for f in figures(text, published=date(2018, 5, 3))} == {2017}


def test_without_a_year_the_year_is_unknown():
    assert {f[2] for f in figures("Chỉ số CCHC của tỉnh Sơn La đạt 81,25 điểm.")} == {None}


# --- places ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("TP.HCM", "TP. Hồ Chí Minh"),
        ("Ho Chi Minh City", "TP. Hồ Chí Minh"),
        ("Thừa Thiên - Huế", "Thừa Thiên Huế"),
        ("Đăk Lăk", "Đắk Lắk"),
        ("Da Nang", "Đà Nẵng"),
        ("Ba Ria – Vung Tau", "Bà Rịa - Vũng Tàu"),
        ("BẠC LIÊU", "Bạc Liêu"),
    ],
)
def test_it_recognises_province_spellings(written, canonical):
    assert {f[0] for f in figures(f"In 2018, {written} ranked 17th in the PAR Index.")} == {canonical}


def test_a_district_maps_to_its_province():
    assert article_subject("Năm 2017, huyện Bố Trạch đẩy mạnh cải cách hành chính.") == "Quảng Bình"


def test_the_era_follows_the_result_year():
    assert {f[0] for f in figures("Năm 2025, tỉnh Bình Dương xếp thứ 3 về Chỉ số CCHC.")} == {"TP. Hồ Chí Minh"}
    assert {f[0] for f in figures("Năm 2024, tỉnh Bình Dương xếp thứ 3 về Chỉ số CCHC.")} == {"Bình Dương"}


def test_each_figure_goes_to_the_province_nearest_it_in_a_list():
    found = figures(
        "Về Chỉ số CCHC năm 2015, Đà Nẵng dẫn đầu đạt 93,31 điểm. Hải Phòng duy trì vị trí thứ hai với 92,59 điểm. "
        "Tiếp đó Đồng Nai 92,53 điểm."
    )
    assert {(f[0], f[3], f[4]) for f in found} == {
        ("Đà Nẵng", "rank", "1"),
        ("Đà Nẵng", "score", "93.31"),
        ("Hải Phòng", "rank", "2"),
        ("Hải Phòng", "score", "92.59"),
        ("Đồng Nai", "score", "92.53"),
    }


def test_figures_of_ministries_are_not_given_to_provinces():
    found = figures(
        "Chỉ số CCHC năm 2015 của tỉnh Quảng Ninh tăng.\n\nNgân hàng Nhà nước đứng đầu với chỉ số là 89,42; "
        "Bộ Khoa học và Công nghệ xếp thứ 17."
    )
    assert found == set()


# --- English --------------------------------------------------------------------------------------------------


def test_it_reads_english_phrasing():
    found = figures(
        "In 2024, Hanoi achieved a PAR INDEX score of 92.57%, ranking third out of 63 provinces and cities. "
        "This represents an increase of 1.32 percentage points compared to 2023."
    )
    assert found == {
        ("Hà Nội", "PAR_INDEX", 2024, "score", "92.57"),
        ("Hà Nội", "PAR_INDEX", 2024, "rank", "3"),
        ("Hà Nội", "PAR_INDEX", 2024, "rank_of", "63"),
        ("Hà Nội", "PAR_INDEX", 2024, "score_delta", "1.32"),
    }


def test_it_reads_came_first_ranked_17th_and_percent_words():
    found = figures("In 2012, Da Nang came first with 87.14 percent in the PAR Index; Quang Ninh ranked 17th.")
    assert ("Đà Nẵng", "PAR_INDEX", 2012, "rank", "1") in found
    assert ("Đà Nẵng", "PAR_INDEX", 2012, "score", "87.14") in found
    assert ("Quảng Ninh", "PAR_INDEX", 2012, "rank", "17") in found


def test_an_english_apposition_does_not_steal_the_figure():
    found = figures("In 2018, Da Nang, the third city after Hanoi and Ho Chi Minh City, was fourth in the PAR Index.")
    assert found == {("Đà Nẵng", "PAR_INDEX", 2018, "rank", "4")}


def test_it_reads_the_english_national_average():
    assert ("NATIONAL", "PAR_INDEX", 2018, "average", "76.92") in figures(
        "The 2018 PAR Index: the average score among 63 localities was 76.92 per cent."
    )


# --- the five seed articles -----------------------------------------------------------------------------------


def test_seed_binh_thuan_2015():
    found = seed_figures("004")
    expected = {
        ("Bình Thuận", "PAR_INDEX", 2015, "score", "85.30"),
        ("Bình Thuận", "PAR_INDEX", 2015, "rank", "34"),
        ("Bình Thuận", "PAR_INDEX", 2015, "rank_of", "63"),
        ("Bình Thuận", "PAR_INDEX", 2015, "score_delta", "0.65"),
        ("Bình Thuận", "PAR_INDEX", 2015, "rank_delta", "-17"),
        ("Bình Thuận", "PAR_INDEX", 2015, "group", "B"),
        ("NATIONAL", "PAR_INDEX", 2015, "average", "85.11"),
    }
    assert expected <= found
    components = {(p.metric.split(":")[0], p.component.lower(), p.value) for p in seed("004") if p.component}
    assert components == {
        ("component_score_delta", "cải cách thủ tục hành chính", Decimal("0.75")),
        ("component_rank_delta", "cải cách thủ tục hành chính", Decimal("7")),
        ("component_score_delta", "hiện đại hóa hành chính", Decimal("1.6")),
        ("component_rank_delta", "hiện đại hóa hành chính", Decimal("12")),
    }


def test_seed_lang_son_2016_names_its_province_only_by_byline():
    assert seed_figures("003") == {
        ("Lạng Sơn", "PAR_INDEX", 2016, "score", "67.87"),
        ("Lạng Sơn", "PAR_INDEX", 2016, "rank", "52"),
        ("Lạng Sơn", "PAR_INDEX", 2016, "rank_of", "63"),
    }


def test_seed_bac_lieu_2019_published_2020():
    assert seed_figures("000") == {
        ("Bạc Liêu", "PAR_INDEX", 2019, "score", "81.20"),
        ("Bạc Liêu", "PAR_INDEX", 2019, "score_delta", "4.35"),
        ("Bạc Liêu", "PAR_INDEX", 2019, "group", "tốt"),
    }


def test_seed_without_a_province_gives_dossier_counts_with_unknown_province():
    proposals = seed("002")
    assert {(p.province, p.year, p.period, p.metric, p.value) for p in proposals} == {
        (None, 2023, "2023-Q1", "dossier_received", Decimal(113905)),
        (None, 2023, "2023-Q1", "dossier_on_time", Decimal(111340)),
        (None, 2023, "2023-Q1", "dossier_late", Decimal(15)),
        (None, 2023, "2023-Q1", "dossier_pending", Decimal(2550)),
    }


def test_seed_bo_trach_district_is_quang_binh_and_states_no_index_figure():
    text, _url, _published = parse_article_file(next(SEEDS.glob("001_*.txt")))
    assert article_subject(text) == "Quảng Bình"
    assert seed("001") == []  # "người đứng đầu" is the head of an office, not rank 1


# --- files and output -----------------------------------------------------------------------------------------


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
    assert {"province": "Lạng Sơn", "index": "PAR_INDEX", "year": 2016, "metric": "rank", "value": 52}.items() <= (
        next(r for r in rows if r["metric"] == "rank").items()
    )


# --- quality over the labelled set ----------------------------------------------------------------------------


def test_precision_and_recall_over_the_labelled_set():
    """Floors, not targets.

    On the labelled set (12 articles, 5 seeds; 167 labels) the reader reaches precision 0.98 and recall 1.00. The
    rules were written while reading these very texts, so those numbers are optimistic; the floors (0.93, 0.93)
    leave a few figures of margin for rule changes and fail as soon as a rule regresses noticeably.

    The honest estimate of how the rules generalise is the held-out half of the other par_facts.csv sources, read
    one quote at a time (no article around it, so years and context are missing): precision 0.82, recall 0.38
    when this was written. Its floors (0.75, 0.33) guard against rules that overfit the development texts.
    """
    labelled = evaluate()
    assert labelled.excluded_labels == 0
    assert labelled.overall.labels >= 160
    assert labelled.overall.precision >= 0.93
    assert labelled.overall.recall >= 0.93
    for metric in ("score", "rank", "rank_delta", "score_delta", "average"):
        assert labelled.by_metric[metric].recall >= 0.8, metric

    held_out = evaluate_sentences("held_out")
    assert held_out.overall.precision >= 0.75
    assert held_out.overall.recall >= 0.33
