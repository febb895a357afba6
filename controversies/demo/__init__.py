"""The flagship demo: the Amazon Rekognition case as records, loaded by ``load_demo``.

The facts live in YAML files under ``data/`` that a curator can read and correct;
``files`` reads and checks them into the typed records of ``specs``, and ``loader``
writes those through ``controversies.services`` and the change-aware ``upsert``.
"""

from __future__ import annotations

CASE_SLUG = "amazon-rekognition"

__all__ = ["CASE_SLUG"]
