"""Thin Celery wrappers around alerts.digests and alerts.privacy.

acks_late and reject_on_worker_lost are global (config/settings.py): a task whose worker
dies goes back to the queue, and replaying one is safe because the digest rows, not the
task, say what is left to send. Beat runs the planners, a sweep of unsent digests (the
retries, and anything a lost task left) and the daily purge.
"""

from __future__ import annotations

import logging

import kombu.exceptions
from celery import shared_task
from django.db import transaction

from alerts import digests, privacy

logger = logging.getLogger(__name__)

# A run stops taking new digests after this, well inside the soft time limit.
SEND_BUDGET_SECONDS = 30.0


def _queue_sending() -> None:
    try:
        send_digests.delay()
    except kombu.exceptions.OperationalError as exc:
        # The digests are written: the beat sweep sends them once the broker is back.
        logger.error("Could not queue send_digests (%s); the sweep will send them", exc)


@shared_task
def plan_digests(frequency: str) -> int:
    """Plan the due digests of one frequency, then queue their sending."""
    report = digests.plan(frequency)
    logger.info(
        "Planned %s %s digests; %s quiet subscriptions advanced",
        report.planned,
        frequency,
        report.advanced,
    )
    if report.planned:
        transaction.on_commit(_queue_sending)
    return report.planned


@shared_task
def send_digests() -> int:
    """Send unsent digests for a while; queue a follow-up run if some are left."""
    report = digests.send_due(budget_seconds=SEND_BUDGET_SECONDS)
    if report.sent or report.failed or report.dropped:
        logger.info(
            "Digests: %s sent, %s failed, %s dropped", report.sent, report.failed, report.dropped
        )
    if report.more:
        _queue_sending()
    return report.sent


@shared_task
def purge_addresses() -> None:
    """Apply the retention rules (alerts.privacy.purge)."""
    report = privacy.purge()
    logger.info(
        "Purged %s expired requests and %s addresses",
        report.expired_requests,
        report.deleted_addresses,
    )


# Celery autodiscovers this module only: the webhook tasks are registered through it.
from alerts.webhook_tasks import *  # noqa: E402, F403
