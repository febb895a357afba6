"""Two beat processes started by mistake: every feed is still polled once per interval."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter

import pytest
from django.utils import timezone

from ingestion.models import Feed, IngestionRun
from tests.ingestion.documents import rss
from tests.reliability.batch import recovery_env
from tests.reliability.processes import wait_until

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(180),
]

FEEDS = 12
SENDING_POLL = "Sending due task ingestion-poll-due-feeds"


def test_it_polls_each_feed_once_per_interval_with_two_beats_running(
    news_site, processes, clean_broker
):
    """GIVEN 12 feeds polled every 10 minutes, falling due one after another over the next
    six seconds
    WHEN two beat processes both send the due-feed task twice a second to two workers
    THEN each feed is fetched exactly once and has exactly one poll run: the second beat's
    claims lose the compare-and-set on the next poll time instead of polling again."""
    now = timezone.now()
    feeds = []
    for i in range(FEEDS):
        path = f"/feeds/{i}.xml"
        news_site.reply(path, rss([], title=f"Feed {i}"), content_type="application/rss+xml")
        feeds.append(
            Feed.objects.create(
                url=news_site.url(path),
                poll_interval=dt.timedelta(minutes=10),
                next_poll_at=now + dt.timedelta(seconds=i * 0.5),
            )
        )
    env = recovery_env(news_site)
    beats = [processes.beat(f"beat-{n}", env, every=0.5) for n in (1, 2)]
    workers = [processes.worker(f"worker-{n}", env, concurrency=2) for n in (1, 2)]

    wait_until(
        lambda: IngestionRun.objects.filter(feed__in=feeds).count() >= FEEDS,
        timeout=90,
        message="\n".join(p.output(2000) for p in beats + workers),
    )
    # Both beats keep sending for a while after the last feed was polled once.
    started = [b.output(10**6).count(SENDING_POLL) for b in beats]
    time.sleep(4)

    for beat in beats:
        assert beat.alive(), beat.output()
    sent = [b.output(10**6).count(SENDING_POLL) for b in beats]
    assert all(after > before for before, after in zip(started, sent, strict=True)), sent
    runs = Counter(IngestionRun.objects.filter(feed__in=feeds).values_list("feed_id", flat=True))
    assert runs == {feed.pk: 1 for feed in feeds}
    fetched = Counter(news_site.paths())
    assert fetched == {f"/feeds/{i}.xml": 1 for i in range(FEEDS)}
    for feed in Feed.objects.filter(pk__in=[f.pk for f in feeds]):
        assert feed.last_status == Feed.Status.OK
        assert feed.next_poll_at > feed.last_polled_at + dt.timedelta(minutes=9)
