"""Through a real Celery worker on the local Redis: what beat sends makes the worker
post a signed payload for a new event to the loopback receiver, which answers 500 first
and then sees the retry once its back-off has passed."""

from __future__ import annotations

import time

import pytest
from django.utils import timezone

from alerts.models import Webhook, WebhookDelivery
from alerts.webhook_tasks import queue_webhook_deliveries
from config.celery import app
from tests import factories as f
from tests.alerts import webhook_support
from tests.reliability.processes import Processes, base_env

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

# The loopback receiver and its helpers (tests/alerts/webhook_support.py).
receiver = webhook_support.receiver

WAIT_SECONDS = 90


@pytest.fixture
def processes(tmp_path):
    started = Processes(tmp_path)
    yield started
    started.stop_all()


def test_a_real_worker_delivers_a_new_event_and_retries_after_a_500(receiver, processes):
    app.control.purge()  # our own Redis db: drop anything an earlier run left behind
    worker = processes.worker(
        "webhook-worker",
        base_env(
            INGESTION_ALLOWED_HOSTS=receiver.host_port,
            ALERTS_WEBHOOK_SETTLE_SECONDS="0",
            ALERTS_WEBHOOK_FIRST_RETRY_SECONDS="1",
            SITE_URL="https://tracker.example.org",
        ),
        concurrency=2,
    )
    receiver.answers = [500]
    hook = Webhook.objects.create(
        name="Newsroom", url=receiver.url(), query="", sent_until=timezone.now()
    )
    receiver.secret = hook.secret
    event = f.EventFactory(title="Amazon extends its moratorium")

    deadline = time.monotonic() + WAIT_SECONDS
    while len(receiver.received) < 2 and time.monotonic() < deadline:
        if not worker.alive():
            pytest.fail(f"the worker exited early:\n{worker.output()}")
        queue_webhook_deliveries.delay()  # what beat sends every minute
        time.sleep(1)

    assert [r.answered for r in receiver.received] == [500, 200], worker.output()
    assert all(r.verified for r in receiver.received)
    payload = receiver.received[1].payload
    assert payload["event"]["title"] == "Amazon extends its moratorium"
    assert payload["event"]["url"].startswith("https://tracker.example.org/")
    delivery = WebhookDelivery.objects.get()
    assert delivery.event_id == event.pk
    assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.DELIVERED, 2)
    time.sleep(2)  # later beats send nothing more
    queue_webhook_deliveries.delay()
    time.sleep(2)
    assert len(receiver.received) == 2
