"""Template context for the open-data links every page's footer shows."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def open_data(request: HttpRequest) -> dict[str, str]:
    """Where the dataset releases are published (``DATASET_RELEASES_URL``; empty: no
    link)."""
    return {"dataset_releases_url": getattr(settings, "DATASET_RELEASES_URL", "")}
