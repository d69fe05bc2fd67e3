"""``manage.py ingest_articles DIR [--dry-run]``: store every .txt/.html article of a folder once.

Text files use the format of ``reports/data/articles`` (optional ``URL:`` and ``DATE:`` lines, a blank
line, the text); plain text without those lines is accepted too. HTML pages are stripped of their
page furniture. Articles already stored (same URL or same text) are counted as duplicates.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sources.intake import ingest_article, parse_article_file

SUFFIXES = {".txt", ".html", ".htm"}


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = "Ingest a folder of article files (.txt, .html); re-running adds nothing."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Report what would be stored, store nothing.")

    def handle(self, *args, directory: Path, dry_run: bool, **options):
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a directory")
        paths = sorted(p for p in directory.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
        counts = {"created": 0, "duplicates": 0, "proposals": 0}
        failed: list[str] = []
        for path in paths:
            # One transaction per file: a bad file is reported and leaves nothing behind; the rest go on.
            try:
                with transaction.atomic():
                    self._ingest(path, counts)
                    if dry_run:
                        raise _DryRun
            except _DryRun:
                pass
            except (ValueError, UnicodeDecodeError, OSError, ValidationError) as error:
                failed.append(path.name)
                message = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
                self.stderr.write(f"  {path.name}: refused — {type(error).__name__}: {message}")
        prefix = "dry run: " if dry_run else ""
        self.stdout.write(
            f"{prefix}{len(paths)} files: {counts['created']} created, {counts['duplicates']} duplicates, "
            f"{counts['proposals']} proposals, {len(failed)} refused"
        )
        if failed:
            raise CommandError(f"{len(failed)} of {len(paths)} files refused: {', '.join(failed)}")

    def _ingest(self, path: Path, counts: dict) -> None:
        if path.suffix.lower() == ".txt":
            text, url, published = parse_article_file(path)
            article, created = ingest_article(text=text, url=url, published_on=published)
        else:
            # A binary file is refused by its control characters (sources.intake), whatever its suffix.
            article, created = ingest_article(html=path.read_text(encoding="utf-8", errors="replace"))
        counts["created" if created else "duplicates"] += 1
        if created:
            proposals = article.citations.suggested().count()
            counts["proposals"] += proposals
            self.stdout.write(f"  {path.name}: {article} — {proposals} proposals", style_func=None)
