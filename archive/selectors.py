"""Reads for the admin's storage report."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from archive.models import SourceSnapshot

LARGEST_SOURCES = 10


@dataclass(frozen=True)
class StorageUse:
    total_bytes: int
    snapshots: int
    failed: int
    sources: int
    largest: list[dict]  # source id, title, url, bytes, snapshots


def storage_use() -> StorageUse:
    totals = SourceSnapshot.objects.aggregate(
        total=Sum("warc_bytes"),
        snapshots=Count("pk", filter=~Q(warc_path="")),
        failed=Count("pk", filter=Q(warc_path="")),
        sources=Count("source", distinct=True, filter=~Q(warc_path="")),
    )
    largest = list(
        SourceSnapshot.objects.exclude(warc_path="")
        .values("source_id", "source__title", "source__url")
        .annotate(bytes=Sum("warc_bytes"), snapshots=Count("pk"))
        .order_by("-bytes", "source_id")[:LARGEST_SOURCES]
    )
    return StorageUse(
        total_bytes=totals["total"] or 0,
        snapshots=totals["snapshots"],
        failed=totals["failed"],
        sources=totals["sources"],
        largest=largest,
    )
