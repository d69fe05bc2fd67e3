"""``manage.py train_reader [--output PATH] [--check]``: learn the reader's weights from the training documents.

The test split (the sources of rows 650–775 of par_facts.csv) is never read. Training is deterministic: the same
data gives the same file, byte for byte.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sources.reader.dataset import training_documents
from sources.reader.decide import WEIGHTS
from sources.reader.training import dumps, fit


class Command(BaseCommand):
    help = "Train the article reader's weights (sources/data/reader_weights.json) from the labelled training set."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(WEIGHTS), help="where to write the weights (JSON)")
        parser.add_argument("--check", action="store_true", help="fail if the shipped weights differ from a retrain")

    def handle(self, *args, **options):
        documents = training_documents()
        text = dumps(fit(documents))
        output = Path(options["output"])
        if options["check"]:
            if not output.exists() or output.read_text(encoding="utf-8") != text:
                raise CommandError(f"{output} is not what training gives: run manage.py train_reader")
            self.stdout.write(f"{output} is up to date ({len(documents)} documents).")
            return
        output.write_text(text, encoding="utf-8")
        labels = sum(len(doc.labels) for doc in documents)
        self.stdout.write(f"Wrote {output} from {len(documents)} documents, {labels} labels.")
