"""The cache is invalidated when a change commits: never before, never for a rollback, once per transaction.

These tests commit for real (transactional_db), so the ``on_commit`` hooks run as they do in production.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from dashboard import caching
from reports.models import Result, Status

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def published_result(real_data):
    cache.clear()
    yield (
        Result.objects.filter(edition__status=Status.PUBLISHED, score__isnull=False, rank__isnull=False)
        .select_related("edition__index")
        .order_by("-edition__year", "rank")
        .first()
    )
    cache.clear()


@pytest.fixture
def bumps(monkeypatch):
    calls = []
    real = caching.bump_version

    def counted():
        calls.append(1)
        return real()

    monkeypatch.setattr(caching, "bump_version", counted)
    return calls


def _url(result) -> str:
    return reverse("dashboard:rankings") + f"?index={result.edition.index.code}&year={result.edition.year}"


def test_version_replaced_after_commit_not_before(published_result, bumps):
    before = caching.current_version()
    with transaction.atomic():
        published_result.score = Decimal("12.34")
        published_result.save()
        published_result.rank = published_result.rank + 1
        published_result.save()
        # rows of the derived tables rebuilt in the same transaction fire signals too
        assert caching.current_version() == before, "version replaced before the change is visible"
    assert caching.current_version() != before
    assert len(bumps) == 1, "one transaction, one replacement"


def test_rolled_back_transaction_invalidates_nothing(published_result, bumps):
    before = caching.current_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        published_result.score = Decimal("12.34")
        published_result.save()
        raise RuntimeError("the curator's import failed")
    assert caching.current_version() == before
    assert bumps == []
    # the next transaction still invalidates (the dropped batch does not swallow it)
    with transaction.atomic():
        published_result.save()
    assert caching.current_version() != before and len(bumps) == 1


def _render_elsewhere(url: str, out: list) -> None:
    """A visitor's request served by another thread, on its own database connection."""
    try:
        out.append(Client().get(url).content.decode())
    finally:
        connection.close()


def test_page_rendered_during_a_commit_is_not_served_after_it(published_result):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's shared in-memory test database locks a table a transaction has written")
    url = _url(published_result)
    assert "12,34" not in Client().get(url).content.decode()
    with transaction.atomic():
        published_result.score = Decimal("12.34")
        published_result.save()
        # a visitor's request arrives now: it reads the committed (old) figure and stores that page
        seen = []
        visitor = threading.Thread(target=_render_elsewhere, args=(url, seen))
        visitor.start()
        visitor.join()
        assert "12,34" not in seen[0]
    assert "12,34" in Client().get(url).content.decode(), "the page stored during the commit was served"
