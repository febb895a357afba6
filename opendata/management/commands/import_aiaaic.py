from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from opendata.importers.aiaaic import import_aiaaic
from opendata.importers.common import FileError, dry_run_guard


class Command(BaseCommand):
    help = (
        "Import the AIAAIC repository CSV (three header rows, ';' between values in a cell). "
        "Reads the current and the older layout. Bad rows are reported and skipped; a row "
        "joins the controversy that has its id or cites its links; re-running updates "
        "instead of duplicating, and a value a curator set is kept and listed as a conflict."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check every row, list what each would create or link and every conflict, "
            "then roll everything back.",
        )

    def handle(self, *args: object, file: Path, dry_run: bool, **options: object) -> None:
        try:
            with dry_run_guard(dry_run):
                report = import_aiaaic(file, progress=self.stderr._out)
        except FileError as exc:
            raise CommandError(str(exc)) from None
        for line in report.lines(actions=dry_run):
            self.stdout.write(line)
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was saved."))
