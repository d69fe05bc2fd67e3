"""How well the reader does on articles it has never seen, and that what it ships is what training gives.

The test split (the sources of par_facts.csv rows 650–775, labelled completely in
reports/data/labels/test_labels.csv) is never used for training; the floors below are the figures measured when
the weights were trained, minus 0.03. Cross-validation over the training documents (grouped folds) has floors of
its own, measured the same way. See docs/READER.md for the figures and what they mean.
"""

from __future__ import annotations

import time
from io import StringIO
from pathlib import Path

import pytest

from sources.evaluation import evaluate_cv, evaluate_test
from sources.reader import dataset, parse_article_file, read_article

DATA = Path(__file__).resolve().parent.parent / "reports" / "data"

#: (precision, recall) measured on the test split, strict matching, minus 0.03.
FLOORS = {"vi": (0.57, 0.62), "en": (0.63, 0.57)}
#: The same with "open" matching: a province or year left empty for the curator is not a disagreement.
OPEN_FLOORS = {"vi": (0.81, 0.88), "en": (0.63, 0.57)}
#: (precision, recall) by 5-fold cross-validation over the training documents, strict, minus 0.03.
CV_FLOORS = {"vi": (0.81, 0.73), "en": (0.75, 0.61)}


@pytest.fixture(scope="module")
def test_report():
    return evaluate_test()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_test_split_holds_its_floor(test_report, lang):
    score = test_report.by_lang[lang]
    precision, recall = FLOORS[lang]
    assert score.precision >= precision
    assert score.recall >= recall
    precision, recall = OPEN_FLOORS[lang]
    assert score.precision_open >= precision
    assert score.recall_open >= recall


def test_cross_validation_holds_its_floor():
    report = evaluate_cv()
    for lang, (precision, recall) in CV_FLOORS.items():
        assert report.by_lang[lang].precision >= precision
        assert report.by_lang[lang].recall >= recall


def test_training_completions_are_marked_and_name_no_test_source():
    import csv

    with open(dataset.COMPLETIONS, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and all(row["note"] == "completed" for row in rows)
    assert not {row["source_url"] for row in rows} & dataset.test_sources()


def test_the_test_split_is_kept_out_of_training():
    held_out = dataset.test_sources()
    assert len(held_out) == 21
    trained_on = {doc.source for doc in dataset.training_documents()}
    assert not trained_on & held_out
    tested = dataset.test_documents()
    assert {doc.source for doc in tested} == held_out
    assert sum(len(doc.labels) for doc in tested) >= 147


def test_near_duplicate_quotes_share_a_fold_group():
    documents = dataset.training_documents()
    groups = {doc.group for doc in documents}
    assert len(groups) < len(documents)  # syndicated sentences put several sources in one group


def test_training_is_reproducible_and_the_shipped_weights_are_what_it_gives():
    from django.core.management import call_command

    out = StringIO()
    call_command("train_reader", "--check", stdout=out)
    assert "up to date" in out.getvalue()


def test_reading_a_10000_character_article_takes_under_a_second():
    texts = [parse_article_file(p)[0] for p in sorted((DATA / "articles").glob("*.txt"))]
    text = "\n\n".join(texts)[:10000]
    assert len(text) == 10000
    read_article(text)  # warm the gazetteer and weights
    started = time.perf_counter()
    read_article(text)
    assert time.perf_counter() - started < 1.0
