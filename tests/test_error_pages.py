"""Error pages speak the site's language and keep its navigation."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_unknown_province_is_a_404_in_the_sites_style(client):
    response = client.get("/tinh/khong-co-tinh-nay/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html
    assert "khong-co-tinh-nay" in html  # the view's own message says what was not found
    assert 'class="site-header"' in html


def test_an_unknown_address_is_a_404_in_the_sites_style(client):
    response = client.get("/khong-ton-tai/")
    assert response.status_code == 404
    assert "Về trang tổng quan" in response.content.decode()
