"""Curators' webhooks: what a payload says, how it is signed, and how it is delivered.

Queueing: each active hook keeps a watermark (``sent_until``). A scan reads the events
added or changed after it (``alerts.changes.changes_between``), keeps those on the
controversies the hook's filter selects (``alerts.targets``), writes one
``WebhookDelivery`` per change and moves the watermark, all in one transaction under the
hook's row lock. A delivery is named by (hook, event, moment of the change), so a rescan
never queues the same change twice.

Delivery: a delivery is claimed for one attempt (its ``next_attempt_at`` pushed a lease
ahead, so a lost task is claimed again later) and attempted under its row lock, only if
it still waits for that attempt number: two workers never send the same attempt. The
payload is POSTed through the ingestion's safe client (every resolved address checked,
never redirected). A failed attempt is retried after ``ALERTS_WEBHOOK_FIRST_RETRY_SECONDS``,
doubling, up to ``ALERTS_WEBHOOK_MAX_ATTEMPTS``; an address the client refuses is not
retried. A delivery that gives up counts one failure against its hook, a delivered one
resets the count, and ``ALERTS_WEBHOOK_DISABLE_AFTER`` failures in a row turn the hook
off with the reason.

Signing: ``X-Tracker-Signature`` is the HMAC-SHA256 (hex) of ``"<timestamp>.<body>"``
with the hook's secret, the timestamp (Unix seconds) being ``X-Tracker-Timestamp``.
Receivers recompute it over the raw body and refuse timestamps older than five minutes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from alerts import changes as alert_changes
from alerts import targets
from alerts.models import Webhook, WebhookDelivery, new_secret
from controversies.models import Event, EventSource
from ingestion.fetching import FetchError, post

SIGNATURE_HEADER = "X-Tracker-Signature"
TIMESTAMP_HEADER = "X-Tracker-Timestamp"
EVENT_HEADER = "X-Tracker-Event-Id"
DELIVERY_HEADER = "X-Tracker-Delivery-Id"
# Receivers refuse a payload whose timestamp is older than this (README "Webhooks").
REPLAY_WINDOW_SECONDS = 300
# A claimed delivery whose task never ran (a lost worker) is claimed again after this.
CLAIM_LEASE = dt.timedelta(minutes=5)
PAYLOAD_BATCH = 200

Status = WebhookDelivery.Status


# --- payload and signature -----------------------------------------------------------------


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}" if path else ""


def event_payload(event: Event, change: alert_changes.EventChange) -> dict:
    """What a receiver is told about one added or changed event (JSON-ready)."""
    citations = sorted(event.citations.all(), key=lambda c: (c.position, c.pk))
    return {
        "type": "event.created" if change.created else "event.changed",
        "created": change.created,
        "changed_at": change.changed_at.isoformat(),
        "changed_fields": [] if change.created else list(change.changed_fields),
        "event": {
            "id": event.pk,
            "date": event.occurred_on.isoformat(),
            "date_precision": event.occurred_on_precision,
            "display_date": event.display_date,
            "title": event.title,
            "kind": event.kind,
            "kind_label": event.get_kind_display(),
            "summary": event.summary,
            "url": absolute(event.url_on()),
            "controversies": [
                {"id": c.pk, "title": c.title, "url": absolute(c.get_absolute_url())}
                for c in sorted(event.controversies.all(), key=lambda c: c.pk)
            ],
            "sources": [
                {
                    "url": citation.source.url,
                    "title": citation.source.title,
                    "publisher": citation.source.publisher,
                    "published_on": _iso(citation.source.published_on),
                }
                for citation in citations
            ],
        },
    }


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def encode(payload: dict) -> bytes:
    """The exact bytes sent (and signed)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def sign(secret: str, timestamp: str, body: bytes) -> str:
    message = timestamp.encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(delivery: WebhookDelivery, body: bytes, *, timestamp: int) -> dict[str, str]:
    stamp = str(timestamp)
    return {
        SIGNATURE_HEADER: sign(delivery.webhook.secret, stamp, body),
        TIMESTAMP_HEADER: stamp,
        EVENT_HEADER: str(delivery.event_id or ""),
        DELIVERY_HEADER: str(delivery.pk),
    }


# --- queueing --------------------------------------------------------------------------------


def active_webhook_ids() -> list[int]:
    return list(Webhook.objects.filter(is_active=True).values_list("pk", flat=True))


def webhook_queue_changes(*, webhook_id: int, now: dt.datetime | None = None) -> int:
    """Write a delivery for each change the hook has not seen (one already written is
    left as it is); returns how many changes the scan found for the hook."""
    # Changes are read up to a little while ago (ALERTS_WEBHOOK_SETTLE_SECONDS): one saved
    # in a transaction that commits after this scan is then still read by the next.
    now = now or timezone.now()
    until = now - dt.timedelta(seconds=settings.ALERTS_WEBHOOK_SETTLE_SECONDS)
    with transaction.atomic():
        hook = (
            Webhook.objects.select_for_update(skip_locked=True)
            .filter(pk=webhook_id, is_active=True)
            .first()
        )
        if hook is None:  # gone, turned off, or being scanned by another worker
            return 0
        since = hook.sent_until or hook.created_at
        if until <= since:
            return 0
        found = _followed(hook, alert_changes.changes_between(since, until))
        created = 0
        for start in range(0, len(found), PAYLOAD_BATCH):
            created += _create_deliveries(hook, found[start : start + PAYLOAD_BATCH], due=now)
        Webhook.objects.filter(pk=hook.pk).update(sent_until=until)
    return created


def _followed(
    hook: Webhook, found: list[alert_changes.EventChange]
) -> list[alert_changes.EventChange]:
    """The changes a reader would see (added, or a field named) to events on a
    controversy the hook's filter selects now."""
    found = [change for change in found if change.created or change.changed_fields]
    if not found:
        return []
    on = alert_changes.controversies_of(change.event_id for change in found)
    followed = targets.controversy_ids(hook, within={c for ids in on.values() for c in ids})
    return [
        change
        for change in found
        if on.get(change.event_id) and (followed is None or on[change.event_id] & followed)
    ]


def _create_deliveries(
    hook: Webhook, batch: list[alert_changes.EventChange], *, due: dt.datetime
) -> int:
    events = Event.objects.prefetch_related(
        "controversies",
        Prefetch("citations", queryset=EventSource.objects.select_related("source")),
    ).in_bulk([change.event_id for change in batch])
    rows = [
        WebhookDelivery(
            webhook=hook,
            event_id=change.event_id,
            changed_at=change.changed_at,
            payload=event_payload(events[change.event_id], change),
            next_attempt_at=due,
        )
        for change in batch
        if change.event_id in events  # an event deleted since has nothing to report
    ]
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def deliveries_claim_due(
    *, now: dt.datetime | None = None, limit: int = 500
) -> list[tuple[int, int]]:
    """Claim the deliveries due an attempt (of active hooks) for one attempt each, and
    return (delivery id, attempt number) pairs to queue."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=Status.PENDING, next_attempt_at__lte=now, webhook__is_active=True)
            .order_by("next_attempt_at")
            .values_list("pk", "attempts")[:limit]
        )
        WebhookDelivery.objects.filter(pk__in=[pk for pk, _ in due]).update(
            next_attempt_at=now + CLAIM_LEASE
        )
    return [(pk, attempts + 1) for pk, attempts in due]


# --- delivery --------------------------------------------------------------------------------


def delivery_attempt(*, delivery_id: int, attempt: int) -> str:
    """Make attempt number ``attempt`` of a delivery; returns the delivery's status, or
    "skipped" when that attempt is not due (made already, hook off, row being attempted)."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("webhook")
            .filter(pk=delivery_id)
            .first()
        )
        if (
            delivery is None
            or delivery.status != Status.PENDING
            or delivery.attempts != attempt - 1
            or not delivery.webhook.is_active
        ):
            return "skipped"
        error = _send(delivery)
        if error is None:
            _record_success(delivery)
        else:
            _record_failure(delivery, error)
        return delivery.status


def _send(delivery: WebhookDelivery) -> FetchError | None:
    body = encode(delivery.payload)
    headers = signed_headers(delivery, body, timestamp=int(time.time()))
    try:
        result = post(
            delivery.webhook.url, body=body, content_type="application/json", headers=headers
        )
    except FetchError as error:
        return error
    delivery.last_status_code = result.status
    return None


def _record_success(delivery: WebhookDelivery) -> None:
    now = timezone.now()
    delivery.attempts += 1
    delivery.status = Status.DELIVERED
    delivery.delivered_at = now
    delivery.next_attempt_at = None
    delivery.last_error = ""
    delivery.save(
        update_fields=[
            "attempts",
            "status",
            "delivered_at",
            "next_attempt_at",
            "last_error",
            "last_status_code",
        ]
    )
    Webhook.objects.filter(pk=delivery.webhook_id).exclude(consecutive_failures=0).update(
        consecutive_failures=0
    )


def _record_failure(delivery: WebhookDelivery, error: FetchError) -> None:
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_status_code = error.status
    delivery.last_error = error.reason
    # A refusal (a private address, a malformed URL, a name that does not exist) would
    # be refused again: only failures of the exchange itself are worth another try.
    refused = not error.transient and error.status is None
    if refused or delivery.attempts >= settings.ALERTS_WEBHOOK_MAX_ATTEMPTS:
        delivery.status = Status.FAILED
        delivery.next_attempt_at = None
    else:
        delay = settings.ALERTS_WEBHOOK_FIRST_RETRY_SECONDS * 2 ** (delivery.attempts - 1)
        delivery.next_attempt_at = now + dt.timedelta(seconds=delay)
    delivery.save(
        update_fields=["attempts", "status", "next_attempt_at", "last_error", "last_status_code"]
    )
    if delivery.status == Status.FAILED:
        _count_failed_delivery(delivery.webhook_id, describe_failure(delivery.webhook, error))


def describe_failure(hook: Webhook, error: FetchError) -> str:
    """ "HTTP 500 Internal Server Error from hooks.example.org", or the client's reason."""
    if error.status is None:
        return error.reason
    return f"{error.reason} from {urlsplit(hook.url).hostname or hook.url}"


def _count_failed_delivery(webhook_id: int, last_failure: str) -> None:
    hook = Webhook.objects.select_for_update().get(pk=webhook_id)
    failures = hook.consecutive_failures + 1
    Webhook.objects.filter(pk=hook.pk).update(consecutive_failures=failures)
    if failures < settings.ALERTS_WEBHOOK_DISABLE_AFTER or not hook.is_active:
        return
    reason = f"{failures} deliveries failed in a row; last: {last_failure}"
    hook.consecutive_failures = failures
    hook.is_active = False
    hook.disabled_at = timezone.now()
    hook.disabled_reason = reason[: Webhook._meta.get_field("disabled_reason").max_length]
    hook._change_reason = "Turned off after repeated failed deliveries"
    hook.save(update_fields=["is_active", "disabled_at", "disabled_reason"])


# --- curators' changes ------------------------------------------------------------------------


def webhook_save(*, webhook: Webhook, changed: Iterable[str], user: object) -> None:
    """Save a hook from the admin. A new hook starts from now (it is not sent the past);
    one turned back on starts again with no failures counted and catches up on what
    changed while it was off; one turned off says by whom."""
    changed = set(changed)
    now = timezone.now()
    if webhook._state.adding:
        webhook.created_by = user
        webhook.sent_until = now
    elif "is_active" in changed and webhook.is_active:
        webhook.consecutive_failures = 0
        webhook.disabled_at = None
        webhook.disabled_reason = ""
    elif "is_active" in changed:
        webhook.disabled_at = now
        webhook.disabled_reason = f"Turned off by {user}"
    webhook.save()


def webhook_rotate_secret(*, webhook: Webhook) -> str:
    """Give the hook a new secret; every later attempt, retries included, is signed with
    it. The history records that it changed, never the secret itself."""
    webhook.secret = new_secret()
    webhook._change_reason = "Secret rotated"
    webhook.save(update_fields=["secret"])
    return webhook.secret
