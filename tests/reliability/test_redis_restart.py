"""Redis restarted mid-batch, losing every queued message: the sweeper recovers the work."""

from __future__ import annotations

import pytest

from ingestion.models import INTERMEDIATE_STATES
from tests.reliability.batch import (
    assert_batch_complete,
    recovery_env,
    serve_batch,
    wait_settled,
)
from tests.reliability.processes import wait_until
from tests.reliability.services import restart_redis

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(240),
]

BATCH_SIZE = 200


def test_it_finishes_every_article_after_redis_restarts_mid_batch(
    news_site, processes, clean_broker, services_restored
):
    """GIVEN 200 articles behind one feed being worked through by a worker, with beat
    running the sweeper
    WHEN Redis is shut down without saving and started again, so every queued and every
    unacknowledged task is gone
    THEN the same worker and beat reconnect, the sweeper re-enqueues what was left
    between steps, and every article reaches the review queue exactly once."""
    batch = serve_batch(news_site, size=BATCH_SIZE, delay=0.15)
    env = recovery_env(news_site)
    beat = processes.beat("beat", env)
    worker = processes.worker("worker", env)

    wait_until(
        lambda: batch.final_count() >= 30,
        timeout=120,
        message=f"the worker made no progress: {batch.states()}\n{worker.output()}",
    )
    restart_redis()
    left = batch.articles().filter(state__in=INTERMEDIATE_STATES).count()
    assert left > 0, "the restart must lose queued work, or the test proves nothing"

    wait_settled(batch, timeout=180, processes=[worker, beat])

    assert worker.alive() and beat.alive()
    assert_batch_complete(batch)
    assert news_site.paths().count("/feed.xml") == 1
