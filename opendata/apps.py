from __future__ import annotations

from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "opendata"
    verbose_name = "Open data"

    def ready(self) -> None:
        from opendata import checks  # noqa: F401 - registers the system checks
