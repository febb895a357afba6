from __future__ import annotations

from django.apps import AppConfig


class ControversiesConfig(AppConfig):
    name = "controversies"
    verbose_name = "Controversies"

    def ready(self) -> None:
        from controversies.history import stamp_history_per_request, track_proxy_history

        track_proxy_history(self.label)
        stamp_history_per_request()

        # Cached facet counts are dropped whenever curated data changes.
        from controversies import signals  # noqa: F401
