from __future__ import annotations

from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Preserved sources"

    def ready(self) -> None:
        # A new or re-addressed source is queued for a snapshot once its save commits.
        from archive import signals  # noqa: F401
