"""``manage.py reader_score [--json] [--details] [--sentences]``: precision and recall of the article reader."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from sources.evaluation import evaluate, evaluate_sentences, format_report


class Command(BaseCommand):
    help = (
        "Score the article reader on the labelled articles and seeds; with --sentences, also on the quotes of the "
        "other par_facts.csv sources (a development half and a held-out half)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the scores as JSON")
        parser.add_argument("--details", action="store_true", help="list missed labels and unlabelled proposals")
        parser.add_argument("--sentences", action="store_true", help="also read each other source's quotes alone")

    def handle(self, *args, **options):
        reports = {"articles": evaluate()}
        if options["sentences"]:
            reports["sentences_dev"] = evaluate_sentences("dev")
            reports["sentences_held_out"] = evaluate_sentences("held_out")
        if options["json"]:
            self.stdout.write(json.dumps({name: r.as_dict() for name, r in reports.items()}, indent=2))
            return
        titles = {
            "articles": "Labelled set: 12 stored articles + 5 seeds",
            "sentences_dev": "Quotes read alone, development half (the rules were written looking at these)",
            "sentences_held_out": "Quotes read alone, held-out half",
        }
        for name, report in reports.items():
            self.stdout.write(titles[name])
            self.stdout.write(format_report(report, details=options["details"]))
            self.stdout.write("")
