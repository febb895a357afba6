"""The flagship demo: the Amazon Rekognition case as records, loaded by ``load_demo``.

Data lives in small modules (actors, sources, timeline, advocacy, shareholders) as typed
specs; ``loader`` writes them through ``controversies.services`` where a service fits.
"""

from __future__ import annotations

CASE_SLUG = "amazon-rekognition"

__all__ = ["CASE_SLUG"]
