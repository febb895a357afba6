"""Taking a snapshot of a source: fetch, store the WARC file, record the attempt.

A failure never raises: it is recorded on the source (a snapshot row with the reason,
and the status row's retry time), so whoever asked (a curator's save, an importer, the
sweep) carries on. One failed row is kept per run of failures and updated in place, so
a source that stays unreachable for months does not fill the table.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from archive import public_archive
from archive.fetching import fetch_document
from archive.models import SourceSnapshot, SourceStatus
from archive.storage import store_warc
from archive.text import document_text
from archive.warc import warc_bytes
from config import page_cache
from controversies.models import Source
from ingestion.fetching import FetchError
from ingestion.pipeline.dedupe import content_hash as text_content_hash

logger = logging.getLogger(__name__)

MAX_RETRY_DELAY = dt.timedelta(days=7)


def retry_delay(failures: int) -> dt.timedelta:
    """Back-off after ``failures`` failed attempts in a row: doubling, at most a week."""
    base = dt.timedelta(minutes=max(1, settings.ARCHIVE_RETRY_MINUTES))
    return min(base * (2 ** min(max(failures - 1, 0), 20)), MAX_RETRY_DELAY)


def _latest_preserved_url(source: Source) -> str | None:
    status = SourceStatus.objects.filter(source=source).select_related("latest_snapshot").first()
    latest = status.latest_snapshot if status else None
    return latest.requested_url if latest else None


def source_snapshot(*, source: Source, force: bool = False) -> SourceSnapshot | None:
    """Fetch ``source`` and keep what came back; None when a current snapshot exists
    (``force`` takes another one anyway)."""
    preserved_url = _latest_preserved_url(source)
    if not force and preserved_url == source.url:
        SourceStatus.objects.filter(source=source).update(next_snapshot_at=None)
        return None
    now = timezone.now()
    try:
        result = fetch_document(source.url)
    except FetchError as exc:
        return _record_failure(source, now, exc.reason, status_code=exc.status)
    title, text = document_text(result)
    body_hash = hashlib.sha256(result.content).hexdigest()
    data = warc_bytes(result, fetched_at_iso=now.strftime("%Y-%m-%dT%H:%M:%SZ"))
    try:
        warc_path = store_warc(
            source_id=source.pk, stamp=now.strftime("%Y%m%dT%H%M%S"), digest=body_hash, data=data
        )
    except OSError as exc:
        logger.error("Could not store the snapshot of source %s: %s", source.pk, exc)
        return _record_failure(
            source, now, f"could not store the snapshot ({exc.__class__.__name__})"
        )
    text_hash = text_content_hash(text) if text else ""
    with transaction.atomic():
        snapshot = SourceSnapshot.objects.create(
            source=source,
            fetched_at=now,
            requested_url=source.url,
            final_url=result.final_url,
            status_code=result.status,
            content_type=result.content_type[:100],
            byte_size=len(result.content),
            content_hash=body_hash,
            text=text,
            text_hash=text_hash,
            title=title[:500],
            warc_path=warc_path,
            warc_bytes=len(data),
        )
        fields = {
            "latest_snapshot": snapshot,
            "snapshot_error": "",
            "snapshot_failures": 0,
            "next_snapshot_at": None,
        }
        if preserved_url not in (None, source.url):
            # A new address: what the checks said of the old one no longer applies.
            fields |= {"link_status": "", "unresolved_checks": 0, "next_check_at": None}
            transaction.on_commit(page_cache.invalidate)
        SourceStatus.objects.update_or_create(source=source, defaults=fields)
        if text_hash:
            # Derived data, filled only where nobody set it; no signal, so no new snapshot.
            Source.objects.filter(pk=source.pk, text_hash="").update(text_hash=text_hash)
    if settings.ARCHIVE_SAVE_URL:
        public_archive.ask_to_save(source=source)
    return snapshot


def _record_failure(
    source: Source, now: dt.datetime, reason: str, *, status_code: int | None = None
) -> SourceSnapshot:
    with transaction.atomic():
        status, _ = SourceStatus.objects.select_for_update().get_or_create(source=source)
        failures = status.snapshot_failures + 1
        previous = source.snapshots.first()
        fields = {
            "fetched_at": now,
            "requested_url": source.url,
            "final_url": "",
            "status_code": status_code,
            "error": reason[:300],
        }
        if previous is not None and not previous.succeeded:
            for name, value in fields.items():
                setattr(previous, name, value)
            previous.save(update_fields=list(fields))
            snapshot = previous
        else:
            snapshot = SourceSnapshot.objects.create(source=source, **fields)
        status.snapshot_error = reason[:300]
        status.snapshot_failures = failures
        status.next_snapshot_at = now + retry_delay(failures)
        status.save(update_fields=["snapshot_error", "snapshot_failures", "next_snapshot_at"])
    logger.info("Snapshot of source %s failed (%s); retrying later", source.pk, reason)
    return snapshot


def sources_due_for_snapshot(*, limit: int, without_waiting: bool = False) -> list[int]:
    """Sources never tried (added in bulk, or while the broker was down) and those whose
    retry or re-fetch is due, oldest first; ``without_waiting`` also takes every source
    without a snapshot whose retry is not due yet."""
    now = timezone.now()
    never = Source.objects.filter(archive_status__isnull=True).order_by("pk")
    due_now = Q(next_snapshot_at__lte=now)
    if without_waiting:
        due_now |= Q(latest_snapshot__isnull=True) | Q(next_snapshot_at__isnull=False)
    due = SourceStatus.objects.filter(due_now).order_by("next_snapshot_at")
    ids = list(never.values_list("pk", flat=True)[:limit])
    ids += list(due.values_list("source_id", flat=True)[: max(0, limit - len(ids))])
    return ids


def sources_claim_due_for_snapshot(*, limit: int) -> list[int]:
    """Like sources_due_for_snapshot, and push each one's next try back by the first retry
    delay, so the next sweep does not queue it twice while its task waits."""
    ids = sources_due_for_snapshot(limit=limit)
    if not ids:
        return ids
    later = timezone.now() + retry_delay(1)
    with transaction.atomic():
        existing = set(
            SourceStatus.objects.filter(source_id__in=ids).values_list("source_id", flat=True)
        )
        SourceStatus.objects.filter(source_id__in=existing).update(next_snapshot_at=later)
        SourceStatus.objects.bulk_create(
            [
                SourceStatus(source_id=pk, next_snapshot_at=later)
                for pk in ids
                if pk not in existing
            ],
            ignore_conflicts=True,
        )
    return ids
