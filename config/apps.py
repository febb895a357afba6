from __future__ import annotations

from django.apps import AppConfig


class SiteConfig(AppConfig):
    """Project-wide wiring that needs the app registry (signal receivers)."""

    name = "config"
    label = "site_config"
    verbose_name = "Site"

    def ready(self) -> None:
        # Connected here, not by the middleware, so that every process that writes curated
        # data (admin, shell, Celery workers, imports) starts a new page-cache generation.
        from config import page_cache

        page_cache.connect_signals()
