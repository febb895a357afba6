from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from opendata.importers.aiid import import_aiid
from opendata.importers.common import FileError, dry_run_guard


class Command(BaseCommand):
    help = (
        "Import an AI Incident Database snapshot (DIR with incidents.csv and reports.csv): "
        "reports become sources, incidents controversies, entities organisations. Bad rows "
        "are reported and skipped. An incident joins the controversy that has its id or cites "
        "its articles; re-running updates instead of duplicating, and a value a curator set "
        "is kept and listed as a conflict."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check every row, list what each would create or link and every conflict, "
            "then roll everything back.",
        )

    def handle(self, *args: object, directory: Path, dry_run: bool, **options: object) -> None:
        try:
            with dry_run_guard(dry_run):
                result = import_aiid(directory, progress=self.stderr._out)
        except FileError as exc:
            raise CommandError(str(exc)) from None
        for line in result.lines(actions=dry_run):
            self.stdout.write(line)
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was saved."))
