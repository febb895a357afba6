from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from opendata.dataset_import import DatasetError, import_dataset


class Command(BaseCommand):
    help = "Load a release written by export_dataset into an empty database (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args: object, directory: Path, **options: object) -> None:
        try:
            counts = import_dataset(directory)
        except DatasetError as exc:
            raise CommandError(str(exc)) from None
        total = sum(counts.values())
        self.stdout.write(
            self.style.SUCCESS(f"Imported {total} rows in {len(counts)} tables from {directory}.")
        )
