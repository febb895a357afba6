"""Digests through a real Celery worker on the local Redis, and a worker killed mid-batch."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from alerts import digests, tasks
from alerts.models import Digest, Frequency, Subscriber, Subscription
from config.celery import app
from tests.alerts.digest_support import MailServer
from tests.factories import ControversyFactory, EventFactory
from tests.reliability.processes import Processes, base_env, wait_until

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(240),
]

BATCH = 24


@pytest.fixture
def processes(tmp_path):
    started = Processes(tmp_path)
    yield started
    started.stop_all()


@pytest.fixture
def relay():
    server = MailServer().start()
    yield server
    server.stop()


def worker_env(relay: MailServer) -> dict[str, str]:
    return base_env(
        EMAIL_URL=f"smtp://127.0.0.1:{relay.port}/",
        SITE_URL="https://tracker.example",
        ALERTS_DIGEST_SETTLE_SECONDS="0",
        # A task whose worker died is handed out again after this many seconds.
        CELERY_VISIBILITY_TIMEOUT="5",
    )


def planned_batch(settings, size: int) -> list[Digest]:
    settings.ALERTS_DIGEST_SETTLE_SECONDS = 0
    settings.SITE_URL = "https://tracker.example"  # as the worker's, for the Message-IDs
    case = ControversyFactory()
    before = timezone.now() - dt.timedelta(seconds=1)
    for number in range(size):
        subscriber = Subscriber.objects.create(
            email=f"reader{number}@example.org", confirmed_at=before
        )
        Subscription.objects.create(
            subscriber=subscriber,
            kind=Subscription.Kind.CONTROVERSY,
            controversy=case,
            frequency=Frequency.IMMEDIATE,
            confirmed_at=before,
            sent_until=before,
        )
    EventFactory(controversy=case, title="A new letter")
    assert digests.plan(Frequency.IMMEDIATE).planned == size
    return list(Digest.objects.all())


def test_a_worker_killed_mid_batch_sends_no_digest_twice_and_skips_none(settings, relay, processes):
    """GIVEN 24 planned digests and a relay that takes a while over each recipient
    WHEN the worker sending them is SIGKILLed part-way and a new worker starts
    THEN every reader gets the digest exactly once."""
    app.control.purge()  # our own Redis db: nothing an earlier run left behind
    batch = planned_batch(settings, BATCH)
    relay.handler.rcpt_delay = 0.3
    env = worker_env(relay)
    first = processes.worker("digest-worker-a", env, concurrency=1)
    tasks.send_digests.delay()

    wait_until(
        lambda: len(relay.messages) >= 6 or not first.alive(),
        timeout=90,
        message=f"the first worker sent nothing:\n{first.output()}",
    )
    first.kill_hard()
    sent_at_kill = len(relay.messages)
    assert sent_at_kill < BATCH, "the kill must interrupt the batch, or the test proves nothing"

    relay.handler.rcpt_delay = 0
    second = processes.worker("digest-worker-b", env, concurrency=1)
    wait_until(
        lambda: not Digest.objects.filter(sent_at__isnull=True).exists(),
        timeout=120,
        message=f"digests left unsent:\n{second.output()}",
    )

    received = Counter(message["To"] for message in relay.messages)
    assert received == Counter({f"reader{n}@example.org": 1 for n in range(BATCH)})
    message_ids = [message["Message-ID"] for message in relay.messages]
    assert sorted(message_ids) == sorted(digests.message_id(digest) for digest in batch)
    for subscription in Subscription.objects.all():
        assert subscription.sent_until == batch[0].until
