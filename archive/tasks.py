"""Thin Celery wrappers: each task takes ids, reloads the rows and calls a plain function.

Snapshots and link checks record their own failures and never raise on a bad fetch, so
nothing here retries: a failed snapshot carries its next try on its status row, which the
sweep (beat) picks up with back-off; a lost task is caught by the same sweep.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from celery import shared_task
from django.conf import settings

from archive.linkcheck import source_check_link, sources_claim_due_for_check
from archive.snapshots import source_snapshot, sources_claim_due_for_snapshot
from controversies.models import Source
from ingestion.tasks import TIME_LIMITS

logger = logging.getLogger(__name__)

SWEEP_BATCH = 200


def _load(source_id: int) -> Source | None:
    source = Source.objects.filter(pk=source_id).first()
    if source is None:
        logger.info("Source %s is gone; nothing to do", source_id)
    return source


@shared_task(**TIME_LIMITS)
def snapshot_source(source_id: int, force: bool = False) -> bool:
    """Preserve one source; True when a new snapshot (or failure record) was written."""
    if not settings.ARCHIVE_FETCH_ENABLED:
        return False
    source = _load(source_id)
    if source is None:
        return False
    return source_snapshot(source=source, force=force) is not None


@shared_task(**TIME_LIMITS)
def check_link(source_id: int) -> str:
    if not settings.ARCHIVE_FETCH_ENABLED:
        return ""
    source = _load(source_id)
    if source is None:
        return ""
    return source_check_link(source=source).status


@shared_task(**TIME_LIMITS)
def sweep_snapshots() -> int:
    """Beat: queue a snapshot for every source never tried or due a retry."""
    if not settings.ARCHIVE_FETCH_ENABLED:
        return 0
    source_ids = sources_claim_due_for_snapshot(limit=SWEEP_BATCH)
    for source_id in source_ids:
        snapshot_source.delay_on_commit(source_id)
    return len(source_ids)


@shared_task(**TIME_LIMITS)
def check_due_links() -> int:
    """Beat: queue the due link checks, the checks of one host spread out in time."""
    if not settings.ARCHIVE_FETCH_ENABLED:
        return 0
    claimed = sources_claim_due_for_check(limit=settings.ARCHIVE_LINK_CHECK_BATCH)
    queued_per_host: dict[str, int] = defaultdict(int)
    for source_id, host in claimed:
        countdown = queued_per_host[host] * settings.ARCHIVE_LINK_CHECK_HOST_SPACING
        queued_per_host[host] += 1
        check_link.apply_async((source_id,), countdown=countdown)
    return len(claimed)
