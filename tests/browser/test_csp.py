"""The Content-Security-Policy holds in a real browser: every page with charts, the article pages and the
admin open with no violation (``securitypolicyviolation`` events, and the console errors the ``page``
fixture already fails on), charts are drawn, and Plotly's image export works under ``img-src data: blob:``."""

from __future__ import annotations

import pytest

from .conftest import assert_chart_rendered

pytestmark = pytest.mark.usefixtures("real_data")

LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`);
});
"""

CHART_PAGES = {
    "/": "#distribution-chart",
    "/xep-hang/?index=PAR_INDEX&year=2023": "#rankings-chart",
    "/tinh/quang-ninh-truoc-2025/": ".plot[data-figure]",
    "/so-sanh/?p=quang-ninh-truoc-2025&p=hai-phong-truoc-2025": ".plot[data-figure]",
    "/ban-do/?index=PAR_INDEX&year=2015&by=group": ".plot[data-figure]",
}


def violations(page) -> list[str]:
    return page.evaluate("window.__csp || []")


def test_pages_with_charts_draw_them_without_a_policy_violation(page, live_server):
    page.add_init_script(LISTEN)
    for path, chart in CHART_PAGES.items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert_chart_rendered(page, chart)
        page.wait_for_load_state("networkidle")
        assert violations(page) == [], path


def test_plotly_image_export_works_under_the_policy(page, live_server):
    page.add_init_script(LISTEN)
    page.goto(live_server.url + "/xep-hang/?index=PAR_INDEX&year=2023")
    assert_chart_rendered(page, "#rankings-chart")
    url = page.evaluate(
        "Plotly.toImage(document.querySelector('#rankings-chart'), {format: 'png', width: 400, height: 300})"
    )
    assert url.startswith("data:image/png")
    assert violations(page) == []


def test_article_pages_open_without_a_policy_violation(page, live_server):
    from reports.models import SourceArticle

    page.add_init_script(LISTEN)
    article = SourceArticle.objects.exclude(text="").order_by("pk").first()
    for path in ["/bai-viet/", "/bai-viet/?q=bac+lieu", f"/bai-viet/{article.pk}/", "/gioi-thieu-du-lieu/"]:
        assert page.goto(live_server.url + path).status == 200, path
        page.wait_for_load_state("networkidle")
        assert violations(page) == [], path


def test_the_admin_works_without_a_policy_violation(page, live_server, django_user_model):
    django_user_model.objects.create_superuser("csp.admin", "csp@example.org", "mat-khau-dai-9")
    page.add_init_script(LISTEN)
    page.goto(live_server.url + "/admin/login/")
    assert violations(page) == []
    page.fill("#id_username", "csp.admin")
    page.fill("#id_password", "mat-khau-dai-9")
    with page.expect_navigation():
        page.click("input[type=submit]")
    for path in [
        "/admin/",
        "/admin/reports/result/",
        "/admin/reports/result/?q=bac",
        "/admin/reports/edition/import/",
        "/admin/reports/sourcearticle/add/",
        "/admin/reports/citation/",
        "/admin/provinces/province/",
    ]:
        assert page.goto(live_server.url + path).status == 200, path
        page.wait_for_load_state("networkidle")
        assert violations(page) == [], path
    # the change form's widgets (autocomplete, calendar) are scripts too
    page.goto(live_server.url + "/admin/reports/result/")
    page.locator("#result_list tbody tr th a").first.click()
    page.wait_for_load_state("networkidle")
    assert violations(page) == []
