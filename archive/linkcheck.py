"""Checking that a source's address still serves what was preserved.

Each check is a conditional GET (the validators of the previous check) through the safe
client, and its outcome is one of:

- alive: the address answers 2xx with the preserved text, or 304 Not Modified;
- moved: it redirects to another address that answers;
- gone: 404 or 410, or a host name that stopped resolving on several checks in a row
  while the network answered for other hosts;
- changed: it answers 2xx with text that differs from the latest snapshot's;
- error: anything else (5xx, timeouts, refusals, no network), which proves nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from archive.fetching import fetch_document, is_unresolved, network
from archive.models import LinkCheck, LinkStatus, SourceStatus
from archive.text import document_text
from config import page_cache
from controversies.models import Source
from ingestion.fetching import FetchError, FetchResult
from ingestion.pipeline.dedupe import content_hash as text_content_hash

GONE_STATUSES = frozenset({404, 410})
GONE_AFTER_UNRESOLVED = 3
_DEFAULT_PORTS = {"http": 80, "https": 443}


def check_interval() -> dt.timedelta:
    return dt.timedelta(days=max(1, settings.ARCHIVE_LINK_CHECK_DAYS))


def same_address(first: str, second: str) -> bool:
    """Whether two URLs name the same resource (case of scheme and host, default port,
    percent-encoding and fragment aside)."""

    def key(url: str) -> tuple:
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        try:
            port = parts.port or _DEFAULT_PORTS.get(scheme)
        except ValueError:
            port = None
        host = (parts.hostname or "").rstrip(".")
        return scheme, host, port, unquote(parts.path or "/"), unquote(parts.query)

    return key(first) == key(second)


def source_check_link(*, source: Source) -> LinkCheck:
    """Visit ``source.url`` once and record what it showed."""
    now = timezone.now()
    previous = source.link_checks.first()
    status_row, _ = SourceStatus.objects.select_related("latest_snapshot").get_or_create(
        source=source
    )
    unresolved = status_row.unresolved_checks
    try:
        result = fetch_document(
            source.url,
            etag=previous.etag if previous else None,
            last_modified=previous.last_modified if previous else None,
        )
    except FetchError as exc:
        if is_unresolved(exc) and network.seems_up():
            unresolved += 1
        check = LinkCheck(
            source=source,
            checked_at=now,
            status=_failure_status(exc, unresolved),
            http_status=exc.status,
            detail=exc.reason,
        )
    else:
        unresolved = 0
        check = _answered(source, status_row, result, previous, now)
    return _record(status_row, check, unresolved)


def _failure_status(exc: FetchError, unresolved: int) -> str:
    if exc.status in GONE_STATUSES:
        return LinkStatus.GONE
    if is_unresolved(exc) and unresolved >= GONE_AFTER_UNRESOLVED:
        return LinkStatus.GONE
    return LinkStatus.ERROR


def _answered(
    source: Source,
    status_row: SourceStatus,
    result: FetchResult,
    previous: LinkCheck | None,
    now: dt.datetime,
) -> LinkCheck:
    check = LinkCheck(
        source=source,
        checked_at=now,
        http_status=result.status,
        final_url=result.final_url[:2000],
        etag=(result.etag or "")[:512],
        last_modified=(result.last_modified or "")[:512],
    )
    if not same_address(result.final_url, source.url):
        check.status = LinkStatus.MOVED
        check.detail = "redirects to another address"
    elif result.status == 304:
        check.status = LinkStatus.ALIVE
        check.content_hash = previous.content_hash if previous else ""
        check.detail = "not modified since the previous check"
    else:
        check.content_hash = hashlib.sha256(result.content).hexdigest()
        if _differs_from_snapshot(status_row, result, check.content_hash):
            check.status = LinkStatus.CHANGED
            check.detail = "the text differs from the preserved copy"
        else:
            check.status = LinkStatus.ALIVE
    return check


def _differs_from_snapshot(status_row: SourceStatus, result: FetchResult, body_hash: str) -> bool:
    snapshot = status_row.latest_snapshot
    if snapshot is None:
        return False
    if snapshot.text_hash:
        _title, text = document_text(result)
        # Extracted text, not bytes: an advertisement or a date in the sidebar that changes
        # on every visit is not a change of the document.
        return not text or text_content_hash(text) != snapshot.text_hash
    return body_hash != snapshot.content_hash


def _record(status_row: SourceStatus, check: LinkCheck, unresolved: int) -> LinkCheck:
    was_shown = status_row.shows_archived_copy
    with transaction.atomic():
        check.save()
        status_row.link_status = check.status
        status_row.last_checked_at = check.checked_at
        status_row.next_check_at = check.checked_at + check_interval()
        status_row.unresolved_checks = unresolved
        status_row.save(
            update_fields=["link_status", "last_checked_at", "next_check_at", "unresolved_checks"]
        )
    if status_row.shows_archived_copy != was_shown:
        page_cache.invalidate()  # the timeline's "archived copy" link appears or goes
    return check


def sources_claim_due_for_check(*, limit: int) -> list[tuple[int, str]]:
    """(source id, host) of sources whose check is due, oldest first; each one's next check
    is pushed back by the interval at once, so a lost task is retried a round later."""
    now = timezone.now()
    due = SourceStatus.objects.filter(Q(next_check_at__isnull=True) | Q(next_check_at__lte=now))
    with transaction.atomic():
        # Two beats running at once (a misconfigured deployment) claim different rows.
        rows = list(
            due.select_for_update(skip_locked=True)
            .order_by(F("next_check_at").asc(nulls_first=True), "source_id")
            .values_list("source_id", flat=True)[:limit]
        )
        SourceStatus.objects.filter(source_id__in=rows).update(next_check_at=now + check_interval())
    if not rows:
        return []
    urls = dict(Source.objects.filter(pk__in=rows).values_list("pk", "url"))
    return [(pk, (urlsplit(urls[pk]).hostname or "")) for pk in rows if pk in urls]
