from __future__ import annotations

from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "opendata"
    verbose_name = "Open data"

    def ready(self) -> None:
        # Registers the system checks, and the rebuild of export files after edits.
        from opendata import checks, signals  # noqa: F401
