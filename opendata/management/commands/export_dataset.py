from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from opendata.dataset import TABLES, export_dataset


class Command(BaseCommand):
    help = (
        "Write every public table as CSV and JSON into DIR, with datapackage.json (the data "
        "dictionary), VERSION and LICENSE (ODbL 1.0)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args: object, directory: Path, **options: object) -> None:
        version = export_dataset(directory)
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {len(TABLES)} tables to {directory} (version {version}).")
        )
