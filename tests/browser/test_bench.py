"""The curator's bench in a real browser: a laptop screen holds it without sideways scrolling, and one click
confirms a proposal."""

from __future__ import annotations

from reports.models import Citation, SourceArticle

TEXT = (
    "Chỉ số CCHC năm 2022 của Đồng Nai\n\n"
    "Sáng 20/4, Bộ Nội vụ công bố kết quả. Xếp hạng PAR index năm 2022, Đồng Nai đạt 82,92% điểm, "
    "đứng thứ 51/63. Tỉnh sẽ tiếp tục cải thiện các chỉ số thành phần.\n\nĐoạn cuối."
)


def test_the_bench_fits_a_laptop_and_confirms_in_one_click(page, live_server, django_user_model, real_data):
    django_user_model.objects.create_superuser("bench.admin", "bench@example.org", "mat-khau-dai-9")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "bench.admin")
    page.fill("#id_password", "mat-khau-dai-9")
    with page.expect_navigation():
        page.click("input[type=submit]")
    page.goto(live_server.url + "/admin/reports/sourcearticle/add/")
    page.fill("#id_url", "https://dongnai.example/cchc")
    page.fill("#id_text", TEXT)
    with page.expect_navigation():
        page.click("#article-intake input[type=submit]")
    assert "/duyet/" in page.url  # saving an article opens its bench
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    article = SourceArticle.objects.get(url="https://dongnai.example/cchc")
    rank = article.citations.get(metric="rank")
    card = page.locator(f"#c-{rank.pk}")
    assert card.locator("mark").inner_text() == rank.quote
    with page.expect_navigation():
        card.get_by_role("button", name="Xác nhận", exact=True).click()
    assert page.locator(".messagelist").inner_text().startswith("Đã xác nhận 1 trích dẫn.")
    rank.refresh_from_db()
    assert rank.state == Citation.State.CONFIRMED
