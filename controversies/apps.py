from __future__ import annotations

from django.apps import AppConfig


class ControversiesConfig(AppConfig):
    name = "controversies"
    verbose_name = "Controversies"

    def ready(self) -> None:
        from controversies.history import track_proxy_history

        track_proxy_history(self.label)

        # Cached facet counts are dropped whenever curated data changes.
        from controversies import signals  # noqa: F401
