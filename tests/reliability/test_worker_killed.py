"""A Celery worker SIGKILLed in the middle of a batch loses nothing."""

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

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(240),
]

BATCH_SIZE = 200


def test_it_finishes_every_article_after_a_worker_is_killed_mid_batch(
    news_site, processes, clean_broker
):
    """GIVEN 200 distinct articles behind one feed, each page slow to answer, and a worker
    with four processes working through them
    WHEN the worker and its pool are SIGKILLed while tasks are in flight, and a new worker
    is started
    THEN every article reaches the review queue exactly once: none lost, none stuck in an
    intermediate state, no row or mention doubled."""
    batch = serve_batch(news_site, size=BATCH_SIZE, delay=0.15)
    env = recovery_env(news_site)
    processes.beat("beat", env)
    first = processes.worker("worker-a", env)

    wait_until(
        lambda: batch.final_count() >= 30,
        timeout=120,
        message=f"the first worker made no progress: {batch.states()}\n{first.output()}",
    )
    in_flight = batch.articles().filter(state__in=INTERMEDIATE_STATES).count()
    first.kill_hard()
    assert in_flight > 0, "the kill must interrupt work, or the test proves nothing"
    done_at_kill = batch.final_count()
    assert done_at_kill < BATCH_SIZE

    second = processes.worker("worker-b", env)
    wait_settled(batch, timeout=180, processes=[first, second])

    assert_batch_complete(batch)
    # The feed was read once: the new worker finished its work rather than starting over.
    assert news_site.paths().count("/feed.xml") == 1
