"""Curation of every domain record in Django admin, one small module per area."""

from __future__ import annotations

from . import campaigns, controversy, organizations, shareholders  # noqa: F401  (registers)
