"""Signed links: each works for its purpose only, a changed character is refused, and
confirm and manage links expire while unsubscribe links do not."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core import signing

from alerts import tokens
from alerts.models import Subscriber, Subscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscription():
    subscriber = Subscriber.objects.create(email="Reader@Example.org")
    return Subscription.objects.create(subscriber=subscriber, kind="filter", frequency="weekly")


def _token(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


def test_it_builds_absolute_links_from_site_url(settings, subscription):
    settings.SITE_URL = "https://tracker.example"
    assert tokens.confirm_url(subscription).startswith("https://tracker.example/alerts/confirm/")
    assert tokens.unsubscribe_url(subscription).startswith(
        "https://tracker.example/alerts/unsubscribe/"
    )
    assert tokens.manage_url(subscription.subscriber).startswith(
        "https://tracker.example/alerts/manage/"
    )


def test_it_reads_back_what_it_signed(subscription):
    asked = tokens.read_confirm(_token(tokens.confirm_url(subscription)))
    assert asked == tokens.ConfirmRequest(subscription.pk, "weekly")
    assert tokens.read_unsubscribe(_token(tokens.unsubscribe_url(subscription))) == subscription.pk
    subscriber = subscription.subscriber
    assert tokens.read_manage(_token(tokens.manage_url(subscriber))) == (
        subscriber.pk,
        tokens.address_digest("reader@example.org"),
    )


def test_it_refuses_a_token_made_for_another_purpose(subscription):
    unsubscribe = _token(tokens.unsubscribe_url(subscription))
    with pytest.raises(tokens.BadToken):
        tokens.read_confirm(unsubscribe)
    with pytest.raises(tokens.BadToken):
        tokens.read_manage(_token(tokens.unsubscribe_all_url(subscription.subscriber)))


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t: "x" + t,
        lambda t: "",
        lambda t: "a:b:c",
    ],
)
def test_it_refuses_a_changed_token(subscription, mangle):
    token = mangle(_token(tokens.confirm_url(subscription)))
    with pytest.raises(tokens.BadToken):
        tokens.read_confirm(token)


def test_it_refuses_a_signed_value_of_the_wrong_shape():
    token = signing.dumps({"id": 1}, salt=tokens.CONFIRM, compress=True)
    with pytest.raises(tokens.BadToken):
        tokens.read_confirm(token)
    with pytest.raises(tokens.BadToken):
        tokens.read_unsubscribe(signing.dumps("1", salt=tokens.UNSUBSCRIBE))


def _clock(timestamp: float):
    """Django's signer reads the clock through its module's ``time``."""
    return mock.patch("django.core.signing.time", SimpleNamespace(time=lambda: timestamp))


def test_confirm_and_manage_links_expire_but_unsubscribe_links_do_not(settings, subscription):
    settings.ALERTS_CONFIRM_DAYS = 7
    confirm = _token(tokens.confirm_url(subscription))
    manage = _token(tokens.manage_url(subscription.subscriber))
    unsubscribe = _token(tokens.unsubscribe_url(subscription))
    later = dt.datetime.now(dt.UTC).timestamp() + 8 * 86400
    with _clock(later):
        with pytest.raises(tokens.ExpiredToken):
            tokens.read_confirm(confirm)
        assert tokens.read_manage(manage)[0] == subscription.subscriber_id  # 90 days
        assert tokens.read_unsubscribe(unsubscribe) == subscription.pk
    much_later = later + 100 * 86400
    with _clock(much_later):
        with pytest.raises(tokens.ExpiredToken):
            tokens.read_manage(manage)
        assert tokens.read_unsubscribe(unsubscribe) == subscription.pk
