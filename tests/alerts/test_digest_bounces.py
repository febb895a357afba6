"""POST /alerts/bounces/: the mail relay's reports of hard bounces and complaints."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from alerts import digests
from alerts.models import Frequency, Subscriber, Subscription
from tests.factories import ControversyFactory, EventFactory

pytestmark = pytest.mark.django_db
TOKEN = "relay-token-for-tests"


@pytest.fixture
def configured(settings):
    settings.ALERTS_BOUNCE_TOKEN = TOKEN
    settings.ALERTS_BOUNCE_THRESHOLD = 2


def report(client, body, token=TOKEN):
    data = body if isinstance(body, str) else json.dumps(body)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(
        reverse("alerts:bounces"), data, content_type="application/json", headers=headers
    )


def bounce(email="reader@example.org", kind="bounce", permanent=True):
    return {"email": email, "type": kind, "permanent": permanent}


def test_it_does_not_exist_without_a_token(client, settings):
    settings.ALERTS_BOUNCE_TOKEN = ""
    assert report(client, bounce(), token="").status_code == 404
    assert report(client, bounce(), token="anything").status_code == 404


def test_it_refuses_a_wrong_token(client, configured):
    Subscriber.objects.create(email="reader@example.org")
    assert report(client, bounce(), token="guessed").status_code == 401
    assert report(client, bounce(), token="").status_code == 401
    assert Subscriber.objects.get().bounce_count == 0


def test_it_answers_only_post(client, configured):
    assert client.get(reverse("alerts:bounces")).status_code == 405


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[1, 2]",
        {"email": "not an address", "type": "bounce", "permanent": True},
        {"email": 42, "type": "bounce"},
        {"email": "reader@example.org", "type": "delivered"},
        {"email": "reader@example.org", "type": "bounce", "permanent": "yes"},
    ],
)
def test_a_malformed_report_is_a_clear_400(client, configured, body):
    response = report(client, body)
    assert response.status_code == 400
    assert response.json()["error"]


def test_hard_bounces_and_complaints_disable_the_address_at_the_threshold(client, configured):
    subscriber = Subscriber.objects.create(email="reader@example.org")

    first = report(client, bounce(email="Reader@Example.org"))
    assert first.json() == {"known": True, "counted": True, "disabled": False}
    soft = report(client, bounce(permanent=False))
    assert soft.json() == {"known": True, "counted": False, "disabled": False}
    second = report(client, bounce(kind="complaint", permanent=False))
    assert second.json() == {"known": True, "counted": True, "disabled": True}

    subscriber.refresh_from_db()
    assert subscriber.bounce_count == 2
    assert subscriber.disabled_at is not None
    assert "bounces or complaints" in subscriber.disabled_reason


def test_an_unknown_address_is_acknowledged(client, configured):
    response = report(client, bounce(email="stranger@example.org"))
    assert response.status_code == 200
    assert response.json() == {"known": False, "counted": False, "disabled": False}
    assert not Subscriber.objects.exists()


def test_a_disabled_address_gets_no_more_digests(client, configured, settings):
    settings.ALERTS_DIGEST_SETTLE_SECONDS = 0
    case = ControversyFactory()
    subscriber = Subscriber.objects.create(email="reader@example.org", confirmed_at=timezone.now())
    Subscription.objects.create(
        subscriber=subscriber,
        kind=Subscription.Kind.CONTROVERSY,
        controversy=case,
        frequency=Frequency.IMMEDIATE,
        confirmed_at=timezone.now(),
        sent_until=timezone.now(),
    )
    report(client, bounce())
    report(client, bounce())
    EventFactory(controversy=case)
    assert digests.plan(Frequency.IMMEDIATE).planned == 0
