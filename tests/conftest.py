"""Shared fixtures: the real reference data and published figures, loaded once per test session.

Most tests run inside a transaction rolled back after each test, so they all see the data loaded
here. Tests on a live server (browser tests) use transactional_db, which empties the tables after
each test: they ask for ``real_data``, which reloads what is missing.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.utils import translation

from curation.loading import load_facts, load_indices
from provinces.models import Province
from provinces.reference import load_reference


def load_everything() -> None:
    load_reference()
    load_indices()
    load_facts()


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in Vietnamese: a request to an /en/ page leaves English active in the thread
    (LocaleMiddleware activates the URL's language and nothing resets it), so reverse() in the next test
    would give /en/ URLs."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_everything()


@pytest.fixture
def real_data(db):
    """The shipped reference data and real figures (reloaded if a transactional test emptied the tables)."""
    if not Province.objects.exists():
        load_everything()


@pytest.fixture
def ministry_user(db, django_user_model):
    """Ministry staff: may see every draft."""
    user = django_user_model.objects.create_user("bo.noi.vu", password="mat-khau-dai-9")
    user.user_permissions.add(Permission.objects.get(codename="view_draft_results"))
    return user


@pytest.fixture
def officer_factory(db, django_user_model):
    """Provincial officers: a user linked to one province."""

    def make(province: Province, username: str | None = None):
        return django_user_model.objects.create_user(
            username or f"can.bo.{province.slug}", password="mat-khau-dai-9", province=province
        )

    return make


@pytest.fixture
def confirm_draft_figure(real_data, django_user_model):
    """Confirms, on an article, An Giang's score 86,40 in the 2025 PAR INDEX edition, which is still a draft:
    a figure no one but the ministry and An Giang's officers may see."""
    from decimal import Decimal

    from reports.models import Citation, Edition, Index, Status
    from sources.provenance import confirm

    def make(article, quote: str):
        curator = django_user_model.objects.create_user("bien.tap.ban.nhap", password="mat-khau-dai-9", is_staff=True)
        an_giang = Province.objects.real().get(name="An Giang", valid_to__isnull=True)
        citation = Citation.objects.create(
            article=article,
            index=Index.objects.get(code="PAR_INDEX"),
            year=2025,
            province=an_giang,
            metric="score",
            value_number=Decimal("86.40"),
            quote=quote,
        )
        confirm(citation, curator)
        assert Edition.objects.get(year=2025, index__code="PAR_INDEX").status == Status.DRAFT
        return citation

    return make
