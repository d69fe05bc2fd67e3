"""``manage.py read_article PATH [--url URL] [--json]``: print the figures an article states, without touching the
database."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from sources.reader import parse_article_file, read_article

JSON_KEYS = ("province", "index", "year", "metric", "value", "quote", "component", "period")


class Command(BaseCommand):
    help = "Propose the PAR INDEX / SIPAS figures an article states (a file with optional URL: and DATE: lines)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="article text file")
        parser.add_argument("--json", action="store_true", help="print a JSON list instead of a table")
        parser.add_argument(
            "--url", help="the article's address (read like its text: a province its slug names); overrides a URL: line"
        )

    def handle(self, *args, **options):
        try:
            text, url, published = parse_article_file(options["path"])
        except OSError as exc:
            raise CommandError(f"cannot read {options['path']}: {exc}") from exc
        url = options.get("url") or url
        proposals = read_article(text, published=published, url=url)
        if options["json"]:
            rows = [{key: p.as_dict()[key] for key in JSON_KEYS} for p in proposals]
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not proposals:
            self.stdout.write("No figures found.")
            return
        header = ("province", "index", "year", "metric", "value", "period")
        table = [header] + [
            (p.province or "(unknown)", p.index, str(p.year or "?"), p.metric, str(p.value), p.period or "")
            for p in proposals
        ]
        widths = [max(len(row[i]) for row in table) for i in range(len(header))]
        for n, row in enumerate(table):
            self.stdout.write("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
            if n == 0:
                self.stdout.write("  ".join("-" * w for w in widths))
        self.stdout.write(f"\n{len(proposals)} figures proposed from {url or options['path']}.")
