"""Builds the import test files in this folder (run once; the outputs are committed).

    python tests/data/imports/build.py

Province names and GSO codes are real (provinces/data/provinces_63.csv). Every score in these files
is SYNTHETIC test input — made up to exercise the importer — and must never be loaded as real data;
the files with a full table carry "synthetic" in their names and a comment line saying so.
"""

from __future__ import annotations

import csv
import io
import random
from decimal import Decimal
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
UNITS = list(csv.DictReader((ROOT / "provinces/data/provinces_63.csv").open(encoding="utf-8")))

# PAR INDEX framework from 2022: (header as written, maximum points or None when no source states it)
COMPONENTS = [
    ("Công tác chỉ đạo, điều hành cải cách hành chính", Decimal("9")),
    ("institutions", Decimal("9")),
    ("Cải cách thủ tục hành chính", Decimal("13")),
    ("Cải cách tổ chức bộ máy hành chính", Decimal("10.5")),
    ("Cải cách chế độ công vụ", Decimal("15")),
    ("public_finance", Decimal("9")),
    ("Xây dựng và phát triển Chính quyền điện tử, Chính quyền số", Decimal("11")),
    ("impact", Decimal("16.5")),
]


def vi(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def full_table() -> list[list]:
    rng = random.Random(2023)
    rows = []
    for unit in UNITS:
        parts = [(m * Decimal(rng.randint(700, 980)) / 1000).quantize(Decimal("0.01")) for _, m in COMPONENTS]
        rows.append([unit["name"], unit["code"], sum(parts), parts])
    rows[10][3] = list(rows[9][3])  # one tie: two units share a score, hence a rank
    rows[10][2] = rows[9][2]
    rows.sort(key=lambda r: -r[2])
    out, previous, rank = [], None, 0
    for position, (name, code, total, parts) in enumerate(rows, start=1):
        rank = rank if total == previous else position
        previous = total
        group = "A" if total >= 90 else "B" if total >= 80 else "C"
        out.append([position, name, code, total, rank, group, *parts])
    return out


HEADER = ["STT", "Tỉnh/Thành phố", "Mã", "Chỉ số CCHC", "Xếp hạng", "Nhóm", *[h for h, _ in COMPONENTS]]


def write_full_csv() -> None:
    buf = io.StringIO()
    buf.write("# SYNTHETIC test input: made-up scores for real province names; never load as real data\n")
    w = csv.writer(buf, delimiter=";", lineterminator="\n")
    w.writerow(HEADER)
    for row in full_table():
        w.writerow([*row[:3], vi(row[3]), row[4], row[5], *[vi(p) for p in row[6:]]])
    (HERE / "synthetic_par_2023_full_63_components.csv").write_text(buf.getvalue(), encoding="utf-8-sig")


def write_full_xlsx() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "SYNTHETIC"
    ws.append(HEADER)
    for row in full_table():
        ws.append([row[0], row[1], row[2], float(row[3]), row[4], row[5], *[float(p) for p in row[6:]]])
    ws2 = wb.create_sheet("README")
    ws2.append(["SYNTHETIC test input: made-up scores for real province names; never load as real data"])
    buf = io.BytesIO()
    wb.save(buf)
    (HERE / "synthetic_par_2023_full_63_components.xlsx").write_bytes(buf.getvalue())
    (HERE / "truncated.xlsx").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])


SMALL = """Tỉnh/Thành phố;Mã;Điểm;Xếp hạng;Nhóm
Hà Giang;02;81,20;2;B
Bạc Liêu;95;90,09%;1;A
Thừa Thiên - Huế;46;79,50;3;C
"""


def cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: precomposed base letters (â, ê, ơ, ư …) plus combining tone marks."""
    import unicodedata

    out = b""
    for ch in text:
        for candidate in (ch, None):
            if candidate is None:
                parts = unicodedata.normalize("NFD", ch)
                candidate = unicodedata.normalize("NFC", parts[:2]) + parts[2:]
                try:
                    out += candidate.encode("cp1258")
                except UnicodeEncodeError:
                    out += parts.encode("cp1258")
                break
            try:
                out += candidate.encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
    return out


def write_small() -> None:
    (HERE / "small_2011.csv").write_text(SMALL, encoding="utf-8")
    # The same table saved by a Windows spreadsheet in a legacy code page: must be rejected, not misread.
    (HERE / "small_2011_cp1258.csv").write_bytes(cp1258(SMALL))
    (HERE / "small_2011_cp1252.csv").write_bytes(
        "Tinh/Thanh pho;Ma;Diem;Xep hang\nHà Giang;02;81,20;1\nCà Mau;96;79,50;2\n".encode("cp1252")
    )
    (HERE / "empty.csv").write_bytes(b"")


if __name__ == "__main__":
    write_full_csv()
    write_full_xlsx()
    write_small()
