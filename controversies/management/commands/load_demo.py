"""Load the Amazon Rekognition demo case. Safe to run again: a rerun changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DataError, IntegrityError
from django.urls import reverse

from controversies.demo import CASE_SLUG
from controversies.demo.loader import load_demo


class Command(BaseCommand):
    help = "Load the Amazon Rekognition case (and the Microsoft, Google and IBM threads)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="Where the site is served, for the case page link printed at the end.",
        )

    def handle(self, *args: Any, base_url: str, **options: Any) -> None:
        try:
            report = load_demo()
        except (ValueError, IntegrityError, DataError) as exc:
            # A data file is wrong (DemoDataError is a ValueError) or the database refused
            # a value; nothing was written. The notes name the record being written.
            notes = " ".join(getattr(exc, "__notes__", []))
            raise CommandError(f"The demo was not loaded: {exc} {notes}".strip()) from exc
        for line in report.lines():
            self.stdout.write(line)
        path = reverse("controversies:controversy", args=[CASE_SLUG])
        self.stdout.write(self.style.SUCCESS(f"Case page: {base_url.rstrip('/')}{path}"))
