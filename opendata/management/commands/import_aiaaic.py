from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from opendata.importers.aiaaic import import_aiaaic
from opendata.importers.common import FileError, dry_run_guard


class Command(BaseCommand):
    help = (
        "Import the AIAAIC repository CSV (three header rows, ';' between values in a cell). "
        "Bad rows are reported and skipped; re-running updates instead of duplicating."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row, then roll everything back."
        )

    def handle(self, *args: object, file: Path, dry_run: bool, **options: object) -> None:
        try:
            with dry_run_guard(dry_run):
                report = import_aiaaic(file, progress=self.stderr._out)
        except FileError as exc:
            raise CommandError(str(exc)) from None
        for line in report.lines():
            self.stdout.write(line)
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was saved."))
