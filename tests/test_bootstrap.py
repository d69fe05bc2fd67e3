"""`manage.py bootstrap` sets up a working database and is safe to run again."""

from io import StringIO

import pytest
from django.core.management import call_command

from provinces.models import Province
from reports.models import Citation, Edition, Result

pytestmark = pytest.mark.django_db


def test_bootstrap_twice_writes_nothing_the_second_time():
    counts = (Province.objects.count(), Edition.objects.count(), Result.objects.count(), Citation.objects.count())
    out = StringIO()
    call_command("bootstrap", "--no-migrate", stdout=out)
    text = out.getvalue()
    assert "6 regions, 97 provinces" in text
    assert "0 rows written" in text
    assert (Province.objects.count(), Edition.objects.count(), Result.objects.count(), Citation.objects.count()) == (
        counts
    )


def test_bootstrap_says_what_it_loaded():
    out = StringIO()
    call_command("bootstrap", "--no-migrate", stdout=out)
    assert "Indices: 4 indices" in out.getvalue()
    assert "disputed figures" in out.getvalue()
