"""Addresses are kept only with consent and only as long as the rules on the About page
say; the About page says what is stored and why."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from alerts.models import Digest, Subscriber, Subscription
from alerts.privacy import purge

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _subscriber(email: str, **fields) -> Subscriber:
    subscriber = Subscriber.objects.create(email=email)
    Subscriber.objects.filter(pk=subscriber.pk).update(**fields)
    subscriber.refresh_from_db()
    return subscriber


def _subscription(subscriber: Subscriber, *, age_days: int, confirmed: bool, query: str = ""):
    created = NOW - dt.timedelta(days=age_days)
    subscription = Subscription.objects.create(subscriber=subscriber, kind="filter", query=query)
    Subscription.objects.filter(pk=subscription.pk).update(
        created_at=created, confirmed_at=created if confirmed else None
    )
    return subscription


def test_an_unconfirmed_request_goes_when_its_link_expires(settings):
    settings.ALERTS_CONFIRM_DAYS = 7
    fresh = _subscriber("fresh@example.org")
    _subscription(fresh, age_days=6, confirmed=False)
    stale = _subscriber("stale@example.org")
    _subscription(stale, age_days=8, confirmed=False)

    report = purge(NOW)

    assert (report.expired_requests, report.deleted_addresses) == (1, 1)
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["fresh@example.org"]


def test_a_confirmed_address_keeps_its_subscriptions_and_loses_only_an_expired_request():
    reader = _subscriber("reader@example.org", confirmed_at=NOW - dt.timedelta(days=100))
    kept = _subscription(reader, age_days=100, confirmed=True)
    _subscription(reader, age_days=30, confirmed=False, query="status=ongoing")

    purge(NOW)

    assert list(Subscription.objects.all()) == [kept]
    reader.refresh_from_db()
    assert reader.subscriptions_ended_at is None


def test_an_address_is_deleted_retention_days_after_its_last_subscription_ended(settings):
    settings.ALERTS_RETENTION_DAYS = 30
    recent = _subscriber(
        "recent@example.org", confirmed_at=NOW, subscriptions_ended_at=NOW - dt.timedelta(days=29)
    )
    old = _subscriber(
        "old@example.org", confirmed_at=NOW, subscriptions_ended_at=NOW - dt.timedelta(days=31)
    )
    subscription = _subscription(old, age_days=1, confirmed=True)
    Digest.objects.create(subscription=subscription, since=NOW, until=NOW)
    Subscription.objects.filter(subscriber=old).delete()

    purge(NOW)

    assert list(Subscriber.objects.all()) == [recent]
    assert not Digest.objects.exists()


def test_an_address_left_following_nothing_starts_its_retention_clock():
    orphan = _subscriber("orphan@example.org", confirmed_at=NOW - dt.timedelta(days=400))
    purge(NOW)
    orphan.refresh_from_db()
    assert orphan.subscriptions_ended_at == NOW
    purge(NOW + dt.timedelta(days=31))
    assert not Subscriber.objects.exists()


def test_the_about_page_explains_what_is_stored_and_for_how_long(client, settings):
    settings.ALERTS_RETENTION_DAYS = 30
    settings.ALERTS_CONFIRM_DAYS = 7
    html = client.get("/about/").content.decode()
    note = html.split('id="privacy"')[1].split("</section>")[0]
    assert 'href="#privacy"' in html
    for words in (
        "your email address",
        "bounces",
        "deleted 30 days later",
        "after 7 days",
        "no tracking pixels",
        "download everything stored",
        "Only with your consent",
        "Why",
    ):
        assert words in note, words
