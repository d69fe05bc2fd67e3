"""Vietnamese text rules: numbers as written in articles, names compared without diacritics."""

from decimal import Decimal

import pytest

from provinces.text import fold, parse_number, slugify_vi


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("81,20", Decimal("81.20")),
        ("113.905", Decimal("113905")),
        ("90,09%", Decimal("90.09")),
        ("85,11 %", Decimal("85.11")),
        ("1.234.567", Decimal("1234567")),
        ("1.234,5", Decimal("1234.5")),
        ("1,234.5", Decimal("1234.5")),
        ("87.14", Decimal("87.14")),
        ("−17", Decimal("-17")),
        ("+4,35", Decimal("4.35")),
        ("63", Decimal("63")),
    ],
)
def test_it_reads_numbers_as_a_vietnamese_reader_means_them(written, meant):
    assert parse_number(written) == meant


def test_blank_is_no_number_rather_than_zero():
    assert parse_number("") is None
    assert parse_number("   ") is None
    assert parse_number(None) is None


@pytest.mark.parametrize("garbage", ["abc", "81,2x", "12/63", "1e5", "--5"])
def test_it_refuses_what_is_not_a_number(garbage):
    with pytest.raises(ValueError):
        parse_number(garbage)


def test_folding_strips_diacritics_and_d_bar():
    assert fold("Bạc Liêu") == fold("Bac Lieu") == fold("BẠC LIÊU") == "bac lieu"
    assert fold("Đắk Lắk") == "dak lak"
    # the same letter with its tone mark placed differently (old and new style) folds alike
    assert fold("Hòa Bình") == fold("Hoà Bình")


def test_slugs_are_ascii():
    assert slugify_vi("Bà Rịa - Vũng Tàu") == "ba-ria-vung-tau"
    assert slugify_vi("TP. Hồ Chí Minh") == "tp-ho-chi-minh"


def test_an_articles_headline_is_its_first_line_that_reads_like_one():
    from provinces.text import title_from_text

    scraped = "Thứ hai,\xa0 19/10/2020\nTIẾP DÂN, GIẢI QUYẾT KN - TC\nHọp Ban Chỉ đạo cải cách hành chính tỉnh\n\nLSO-"
    assert title_from_text(scraped) == "Họp Ban Chỉ đạo cải cách hành chính tỉnh"
    assert title_from_text("") == title_from_text("19/10/2020\nTIN TỨC") == ""
    kicker = "Thứ hai, 19/10/2020\nHọp Ban Chỉ đạo cải cách hành chính tỉnh:\n\nNhiều ý kiến góp ý nâng cao chỉ số\n"
    assert title_from_text(kicker) == "Họp Ban Chỉ đạo cải cách hành chính tỉnh: Nhiều ý kiến góp ý nâng cao chỉ số"
    poll = (
        "TIẾP DÂN\n\nBình chọn\n\n0 người đã tham gia bình chọn\n\nThống kê truy cập\n\nSố lượng và lượt người truy cập"
    )
    assert title_from_text(poll + "\n\n  • Hôm nay 357\n\nBố Trạch nổ lực cải cách hành chính\n") == (
        "Bố Trạch nổ lực cải cách hành chính"
    )
