"""``manage.py reader_score [--split test|cv] [--json] [--details]``: precision and recall of the article reader."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from sources.evaluation import evaluate_cv, evaluate_test, format_report


class Command(BaseCommand):
    help = (
        "Score the article reader: --split test reads the held-out test split (rows 650-775 sources, labelled "
        "completely) with the shipped weights; --split cv cross-validates over the training set (grouped folds)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--split", choices=("test", "cv"), default="test")
        parser.add_argument("--json", action="store_true", help="print the scores as JSON")
        parser.add_argument("--details", action="store_true", help="list missed labels and unlabelled proposals")

    def handle(self, *args, **options):
        report = evaluate_test() if options["split"] == "test" else evaluate_cv()
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=2))
            return
        title = {
            "test": "Test split: sources of par_facts.csv rows 650-775, labelled completely; shipped weights",
            "cv": "5-fold cross-validation, folds grouped by source and near-duplicate quote",
        }[options["split"]]
        self.stdout.write(title)
        self.stdout.write(format_report(report, details=options["details"]))
