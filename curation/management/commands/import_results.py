"""Import an official yearly table: ``manage.py import_results PATH --index PAR_INDEX --year 2024 [--dry-run]``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from curation import imports
from reports.models import Index


class Command(BaseCommand):
    help = "Import a CSV/XLSX table of one edition's results; the whole file is rejected if any row is wrong."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--index", required=True, help="index code, e.g. PAR_INDEX or SIPAS")
        parser.add_argument("--year", type=int, required=True, help="result year (not the announcement year)")
        parser.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
        parser.add_argument(
            "--synthetic", action="store_true", help="import into the synthetic edition (test data, never real)"
        )

    def handle(self, *args, path: Path, index: str, year: int, dry_run: bool, synthetic: bool, **options):
        try:
            idx = Index.objects.get(code=index)
        except Index.DoesNotExist:
            raise CommandError(f"unknown index {index!r}") from None
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        report = imports.validate(data, path.name, index=idx, year=year, synthetic=synthetic)
        for row in report.rows:
            detail = "; ".join(row.messages)
            self.stdout.write(
                f"{row.line:>4}  {row.action_display:<10}  {row.label}" + (f"  — {detail}" if detail else "")
            )
        if not report.ok:
            for error in report.file_errors:
                self.stderr.write(error)
            raise CommandError(report.summary())
        if dry_run:
            self.stdout.write(report.summary() + " (dry run: nothing written)")
            return
        imports.apply(report)
        self.stdout.write(self.style.SUCCESS(report.summary()))
