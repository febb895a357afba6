"""Writes of the subscribe flow: ask, confirm, change, remove.

Double opt-in: a request stores the address and an unconfirmed subscription and mails a
confirm link; nothing else is ever sent before that link is followed. Asking again for
the same target never adds a row: a pending request takes the new frequency at once, a
confirmed one only when the owner follows the new confirm link (which carries it), so a
stranger who knows an address cannot change what it receives.
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from alerts import mail, tokens
from alerts.forms import Target
from alerts.models import Frequency, Subscriber, Subscription


class SubscriptionGone(Exception):
    """The link names a subscription (or address) that no longer exists (404)."""


def subscription_request(*, email: str, target: Target, frequency: str) -> Subscription | None:
    """Store the pending request and mail its confirm link. None (nothing sent) for an
    address a curator or the bounce handler disabled. Raises what the mail backend
    raises; the stored request then simply expires."""
    subscription = _pending(email=email, target=target, frequency=frequency)
    if subscription is None:
        return None
    send_confirmation(subscription, frequency=frequency)
    return subscription


def _pending(*, email: str, target: Target, frequency: str) -> Subscription | None:
    for _attempt in range(2):  # a concurrent identical request may win the insert
        try:
            with transaction.atomic():
                subscriber, _created = Subscriber.objects.get_or_create(email=email.strip().lower())
                if subscriber.disabled_at:
                    return None
                subscription, created = Subscription.objects.select_for_update().get_or_create(
                    subscriber=subscriber, **target.lookup(), defaults={"frequency": frequency}
                )
                if not created and subscription.confirmed_at is None:
                    subscription.frequency = frequency
                    subscription.save(update_fields=["frequency"])
                return subscription
        except IntegrityError:
            continue
    raise IntegrityError("could not store the subscription request")


def send_confirmation(subscription: Subscription, *, frequency: str) -> None:
    from alerts.targets import describe, target_url  # the digest helper's module

    asked = Subscription(pk=subscription.pk, frequency=frequency)
    mail.send_mail_to(
        subscription.subscriber,
        subject="Confirm your alert: " + describe(subscription),
        template="confirm",
        context={
            "subscription": subscription,
            "frequency_label": Frequency(frequency).label,
            "description": describe(subscription),
            "target_url": target_url(subscription),
            "confirm_url": tokens.confirm_url(asked),
            "confirm_days": settings.ALERTS_CONFIRM_DAYS,
            "already_confirmed": subscription.confirmed_at is not None,
        },
        unsubscribe_url=tokens.unsubscribe_url(subscription),
    )


@transaction.atomic
def subscription_confirm(request: tokens.ConfirmRequest) -> Subscription:
    """Confirm (or apply the frequency of) the request; events from now on are sent."""
    if request.frequency not in Frequency.values:
        raise tokens.BadToken("unknown frequency")
    subscription = (
        Subscription.objects.select_for_update()
        .select_related("subscriber")
        .filter(pk=request.subscription_id)
        .first()
    )
    if subscription is None:
        raise SubscriptionGone
    now = timezone.now()
    subscription.frequency = request.frequency
    if subscription.confirmed_at is None:
        subscription.confirmed_at = now
        subscription.sent_until = now
    subscription.save(update_fields=["frequency", "confirmed_at", "sent_until"])
    subscriber = subscription.subscriber
    subscriber.confirmed_at = subscriber.confirmed_at or now
    subscriber.subscriptions_ended_at = None
    subscriber.save(update_fields=["confirmed_at", "subscriptions_ended_at"])
    return subscription


def subscriber_for(subscriber_id: int, digest: str) -> Subscriber:
    """The subscriber a manage or unsubscribe-all link names, if it still has that
    address."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None or tokens.address_digest(subscriber.email) != digest:
        raise SubscriptionGone
    return subscriber


def subscription_set_frequency(
    *, subscriber: Subscriber, subscription_id: int, frequency: str
) -> None:
    updated = Subscription.objects.filter(subscriber=subscriber, pk=subscription_id).update(
        frequency=frequency
    )
    if not updated:
        raise SubscriptionGone


@transaction.atomic
def subscription_remove(*, subscription_id: int, subscriber: Subscriber | None = None) -> bool:
    """Remove one subscription (of ``subscriber`` when given); False if it was gone."""
    rows = Subscription.objects.select_for_update().filter(pk=subscription_id)
    if subscriber is not None:
        rows = rows.filter(subscriber=subscriber)
    subscription = rows.first()
    if subscription is None:
        return False
    owner = subscription.subscriber
    subscription.delete()
    _note_if_ended(owner)
    return True


@transaction.atomic
def subscriber_remove_all(subscriber: Subscriber) -> int:
    rows = Subscription.objects.filter(subscriber=subscriber)
    removed = rows.count()
    rows.delete()
    _note_if_ended(subscriber)
    return removed


def _note_if_ended(subscriber: Subscriber) -> None:
    """Start the retention clock once an address follows nothing (alerts.privacy)."""
    if subscriber.subscriptions.exists() or subscriber.subscriptions_ended_at:
        return
    subscriber.subscriptions_ended_at = timezone.now()
    subscriber.save(update_fields=["subscriptions_ended_at"])
