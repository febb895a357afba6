"""What is kept about an address, for how long, and the export of it.

Rules: an address is stored only because its owner asked to follow something. A request
never confirmed is deleted once its confirm link has expired (ALERTS_CONFIRM_DAYS), and
an address that never confirmed anything goes with its last request. An address that
follows nothing any more is deleted ALERTS_RETENTION_DAYS after its last subscription
ended (kept that long so bounce counts and a disabled flag survive a quick re-sign-up).
``purge`` applies the rules; the beat schedule runs it daily (alerts.tasks).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from alerts.models import Digest, Subscriber, Subscription


@dataclass(frozen=True)
class PurgeReport:
    expired_requests: int
    deleted_addresses: int


def _has_subscriptions() -> Exists:
    return Exists(Subscription.objects.filter(subscriber=OuterRef("pk")))


@transaction.atomic
def purge(now: datetime | None = None) -> PurgeReport:
    now = now or timezone.now()
    expired = Subscription.objects.filter(
        confirmed_at__isnull=True,
        created_at__lt=now - timedelta(days=settings.ALERTS_CONFIRM_DAYS),
    )
    expired_requests = expired.count()
    expired.delete()
    idle = Subscriber.objects.filter(~_has_subscriptions())
    # Addresses left following nothing without anyone noting when (a target deleted,
    # an expired request of a confirmed address) start their retention clock now.
    idle.filter(confirmed_at__isnull=False, subscriptions_ended_at__isnull=True).update(
        subscriptions_ended_at=now
    )
    never_confirmed = idle.filter(confirmed_at__isnull=True)
    retention_over = idle.filter(
        subscriptions_ended_at__lt=now - timedelta(days=settings.ALERTS_RETENTION_DAYS)
    )
    deleted = never_confirmed.count() + retention_over.count()
    never_confirmed.delete()
    retention_over.delete()
    return PurgeReport(expired_requests=expired_requests, deleted_addresses=deleted)


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def stored_data(subscriber: Subscriber) -> dict[str, object]:
    """Everything stored about the address, as the manage page's download gives it."""
    from alerts.targets import describe, target_url

    subscriptions = []
    for subscription in subscriber.subscriptions.select_related(
        "controversy", "organization", "campaign", "coalition"
    ):
        subscriptions.append(
            {
                "id": subscription.pk,
                "follows": describe(subscription),
                "page": settings.SITE_URL + target_url(subscription),
                "kind": subscription.kind,
                "filter": subscription.query if subscription.kind == "filter" else None,
                "frequency": subscription.frequency,
                "created_at": _when(subscription.created_at),
                "confirmed_at": _when(subscription.confirmed_at),
                "sent_until": _when(subscription.sent_until),
            }
        )
    digests = [
        {
            "subscription": digest.subscription_id,
            "since": _when(digest.since),
            "until": _when(digest.until),
            "sent_at": _when(digest.sent_at),
            "attempts": digest.attempts,
        }
        for digest in Digest.objects.filter(subscription__subscriber=subscriber).order_by("until")
    ]
    return {
        "email": subscriber.email,
        "created_at": _when(subscriber.created_at),
        "confirmed_at": _when(subscriber.confirmed_at),
        "bounce_count": subscriber.bounce_count,
        "disabled_at": _when(subscriber.disabled_at),
        "disabled_reason": subscriber.disabled_reason,
        "subscriptions_ended_at": _when(subscriber.subscriptions_ended_at),
        "subscriptions": subscriptions,
        "digests": digests,
        "retention": (
            f"Unconfirmed requests are deleted after {settings.ALERTS_CONFIRM_DAYS} days; "
            f"the address is deleted {settings.ALERTS_RETENTION_DAYS} days after its last "
            "subscription ends."
        ),
    }
