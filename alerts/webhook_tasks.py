"""Thin Celery wrappers for webhooks (``alerts.webhooks`` holds the rules).

Beat runs ``queue_webhook_deliveries``: it writes the deliveries for what changed since
each active hook's watermark, then claims every delivery due an attempt (new ones and
retries whose back-off has passed) and queues one ``deliver_webhook`` per claim. Retries
are not Celery countdowns: their due time is a column, so a restarted broker or a lost
task delays an attempt by at most the claim lease, and never loses it.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from alerts import webhooks
from ingestion.tasks import TIME_LIMITS, enqueue_on_commit

logger = logging.getLogger(__name__)

__all__ = ["deliver_webhook", "queue_webhook_deliveries"]


@shared_task(**TIME_LIMITS)
def queue_webhook_deliveries() -> int:
    """Beat: queue the deliveries of every active hook; returns how many were queued."""
    now = timezone.now()
    for webhook_id in webhooks.active_webhook_ids():
        try:
            webhooks.webhook_queue_changes(webhook_id=webhook_id, now=now)
        except Exception:
            # One hook whose scan fails (its log says why) must not hold up the others;
            # its watermark did not move, so the next run tries the same changes again.
            logger.exception("Could not scan webhook %s for changes", webhook_id)
    claimed = webhooks.deliveries_claim_due(now=now)
    for delivery_id, attempt in claimed:
        enqueue_on_commit(deliver_webhook, delivery_id, attempt)
    return len(claimed)


@shared_task(**TIME_LIMITS)
def deliver_webhook(delivery_id: int, attempt: int) -> str:
    """Make one attempt of one delivery (skipped if that attempt is no longer due)."""
    return webhooks.delivery_attempt(delivery_id=delivery_id, attempt=attempt)
