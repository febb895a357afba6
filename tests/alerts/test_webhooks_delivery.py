"""Webhook deliveries seen by a real receiver on loopback: one signed payload per new
event and per change on the controversies the hook follows, retried with back-off after
a 500, given up after the last attempt, and the hook turned off (with the reason) after
too many failed deliveries in a row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from alerts.models import Webhook, WebhookDelivery
from controversies.models import Event
from tests import factories as f
from tests.alerts import webhook_support

pytestmark = [pytest.mark.services, pytest.mark.django_db]

# The loopback receiver and its helpers (tests/alerts/webhook_support.py).
beat = webhook_support.beat
eager_celery = webhook_support.eager_celery
receiver = webhook_support.receiver

Status = WebhookDelivery.Status


@pytest.fixture
def amazon_case():
    amazon = f.CompanyFactory(name="Amazon", slug="amazon")
    return f.ControversyFactory(title="Rekognition sold to police", companies=[amazon])


def _hook(receiver, query: str = "") -> Webhook:
    hook = Webhook.objects.create(
        name="Newsroom", url=receiver.url(), query=query, sent_until=timezone.now()
    )
    receiver.secret = hook.secret
    return hook


def _make_due(delivery: WebhookDelivery) -> None:
    """Move the retry's due time into the past, as if its back-off had passed."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )


def test_it_posts_one_signed_payload_per_new_event_and_per_change(
    receiver, beat, amazon_case, settings
):
    settings.SITE_URL = "https://tracker.example.org"
    hook = _hook(receiver, "company=amazon")
    source = f.SourceFactory(url="https://news.example.org/face", title="Face off")
    event = f.EventFactory(
        controversy=amazon_case, title="ACLU test matches 28 members of Congress", kind="report"
    )
    f.EventSourceFactory(event=event, source=source, position=1)
    f.EventFactory(title="Another company's chatbot")  # a controversy not followed

    beat()

    [first] = receiver.received
    assert first.verified
    assert first.headers["content-type"] == "application/json"
    assert first.headers["x-tracker-event-id"] == str(event.pk)
    delivery = WebhookDelivery.objects.get()
    assert first.headers["x-tracker-delivery-id"] == str(delivery.pk)
    payload = first.payload
    assert payload["type"] == "event.created" and payload["created"] is True
    assert payload["event"]["title"] == "ACLU test matches 28 members of Congress"
    assert payload["event"]["date"] == "2018-05-22"
    assert payload["event"]["url"] == (
        f"https://tracker.example.org{amazon_case.get_absolute_url()}?event={event.pk}"
        f"#event-{event.pk}"
    )
    assert payload["event"]["controversies"] == [
        {
            "id": amazon_case.pk,
            "title": "Rekognition sold to police",
            "url": f"https://tracker.example.org{amazon_case.get_absolute_url()}",
        }
    ]
    assert payload["event"]["sources"][0]["url"] == "https://news.example.org/face"
    assert payload["event"]["sources"][0]["title"] == "Face off"

    event.title = "ACLU test falsely matches 28 members of Congress"
    event.save()
    beat()
    beat()  # nothing new: nothing sent twice

    assert len(receiver.received) == 2
    second = receiver.received[1]
    assert second.verified
    assert second.payload["type"] == "event.changed"
    assert "title" in second.payload["changed_fields"]
    assert second.payload["event"]["title"] == "ACLU test falsely matches 28 members of Congress"
    assert second.headers["x-tracker-delivery-id"] != first.headers["x-tracker-delivery-id"]
    assert WebhookDelivery.objects.filter(status=Status.DELIVERED).count() == 2
    hook.refresh_from_db()
    assert hook.sent_until > event.updated_at


def test_a_rescan_of_the_same_changes_queues_nothing_twice(receiver, beat, amazon_case):
    hook = _hook(receiver)
    start = hook.sent_until
    f.EventFactory(controversy=amazon_case)
    beat()

    Webhook.objects.filter(pk=hook.pk).update(sent_until=start)  # as if the move was lost
    beat()

    assert WebhookDelivery.objects.count() == 1
    assert len(receiver.received) == 1


def test_it_retries_after_a_500_with_a_doubling_delay_until_delivered(
    receiver, beat, amazon_case, settings
):
    settings.ALERTS_WEBHOOK_FIRST_RETRY_SECONDS = 60
    receiver.answers = [500, 500]
    _hook(receiver)
    f.EventFactory(controversy=amazon_case)

    before = timezone.now()
    beat()
    after = timezone.now()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        Status.PENDING,
        1,
        500,
    )
    assert delivery.last_error == "HTTP 500 Internal Server Error"
    delay = dt.timedelta(seconds=60)
    assert before + delay <= delivery.next_attempt_at <= after + delay

    beat()  # not due yet: nothing sent
    assert len(receiver.received) == 1

    _make_due(delivery)
    before = timezone.now()
    beat()
    after = timezone.now()
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert before + 2 * delay <= delivery.next_attempt_at <= after + 2 * delay

    _make_due(delivery)
    beat()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        Status.DELIVERED,
        3,
        200,
    )
    assert delivery.next_attempt_at is None and delivery.last_error == ""
    assert [r.answered for r in receiver.received] == [500, 500, 200]
    assert all(r.verified for r in receiver.received)
    assert len({r.headers["x-tracker-delivery-id"] for r in receiver.received}) == 1


def test_it_turns_a_hook_off_after_repeated_failed_deliveries_and_says_why(
    receiver, beat, amazon_case, settings, admin_client
):
    settings.ALERTS_WEBHOOK_MAX_ATTEMPTS = 2
    settings.ALERTS_WEBHOOK_DISABLE_AFTER = 2
    receiver.answers = [500] * 10
    hook = _hook(receiver)
    f.EventFactory(controversy=amazon_case)
    f.EventFactory(controversy=amazon_case)

    beat()
    for delivery in WebhookDelivery.objects.all():
        _make_due(delivery)
    beat()

    assert list(WebhookDelivery.objects.values_list("status", "attempts")) == [
        (Status.FAILED, 2),
        (Status.FAILED, 2),
    ]
    hook.refresh_from_db()
    reason = "2 deliveries failed in a row; last: HTTP 500 Internal Server Error from 127.0.0.1"
    assert not hook.is_active
    assert hook.disabled_reason == reason
    assert hook.history.first().history_change_reason == (
        "Turned off after repeated failed deliveries"
    )

    f.EventFactory(controversy=amazon_case)
    beat()  # an inactive hook is sent nothing
    assert len(receiver.received) == 4

    page = admin_client.get(f"/admin/alerts/webhook/{hook.pk}/change/")
    assert reason in page.content.decode()
    listing = admin_client.get("/admin/alerts/webhook/")
    assert reason in listing.content.decode()


def test_a_delivered_payload_resets_the_count_of_failures(receiver, beat, amazon_case, settings):
    settings.ALERTS_WEBHOOK_MAX_ATTEMPTS = 1
    receiver.answers = [500]
    hook = _hook(receiver)
    f.EventFactory(controversy=amazon_case)
    beat()
    hook.refresh_from_db()
    assert hook.consecutive_failures == 1

    f.EventFactory(controversy=amazon_case)
    beat()

    hook.refresh_from_db()
    assert hook.consecutive_failures == 0 and hook.is_active


def test_a_hook_pointing_at_a_private_address_is_refused_at_delivery(
    receiver, beat, amazon_case, settings
):
    hook = _hook(receiver)
    # The receiver is on loopback: refused once it is no longer allowed (on any port).
    settings.INGESTION_ALLOWED_HOSTS = []
    port = int(receiver.host_port.rsplit(":", 1)[1])
    settings.INGESTION_ALLOWED_PORTS = [*settings.INGESTION_ALLOWED_PORTS, port]
    f.EventFactory(controversy=amazon_case)

    beat()

    delivery = WebhookDelivery.objects.get(webhook=hook)
    assert delivery.status == Status.FAILED and delivery.attempts == 1  # never retried
    assert delivery.last_error == "127.0.0.1 is a loopback address"
    assert delivery.last_status_code is None
    assert receiver.received == []
    hook.refresh_from_db()
    assert hook.consecutive_failures == 1


def test_a_change_still_settling_is_left_for_the_next_scan(receiver, beat, amazon_case, settings):
    hook = _hook(receiver)
    event = f.EventFactory(controversy=amazon_case)
    settings.ALERTS_WEBHOOK_SETTLE_SECONDS = 3600

    beat()

    assert receiver.received == []
    hook.refresh_from_db()
    assert hook.sent_until < Event.objects.get(pk=event.pk).created_at
