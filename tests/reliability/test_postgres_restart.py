"""PostgreSQL restarted while gunicorn serves readers and a worker ingests."""

from __future__ import annotations

import time

import pytest

from tests.reliability.batch import assert_batch_complete, recovery_env, serve_batch, wait_settled
from tests.reliability.http_client import Load
from tests.reliability.processes import wait_until
from tests.reliability.services import restart_postgres
from tests.reliability.site import collect_static, reader_paths, seed_site

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(240),
]

RECOVERY_SECONDS = 10
FRIENDLY_PAGE = "cannot reach its database"
FRIENDLY_API = "database"


def _is_friendly_503(answer) -> bool:
    if answer.status != 503 or "Traceback" in answer.body or "psycopg" in answer.body:
        return False
    if answer.path.startswith("/api/"):
        return FRIENDLY_API in answer.body.lower()
    return FRIENDLY_PAGE in answer.body


def test_it_answers_a_friendly_503_and_recovers_by_itself_after_postgres_restarts(
    news_site, processes, clean_broker, services_restored
):
    """GIVEN gunicorn serving the demo case to six readers at once, and a worker with
    beat ingesting a batch of 60 articles
    WHEN PostgreSQL is restarted (every connection cut, refused while it starts)
    THEN every request is answered: a page, or a friendly 503 without a traceback; pages
    come back within 10 seconds of the database without restarting gunicorn; and the
    worker finishes every article."""
    seed_site()
    collect_static()
    batch = serve_batch(news_site, size=60, delay=0.2)
    env = recovery_env(news_site)
    server, base = processes.gunicorn("gunicorn", env, workers=4)
    processes.beat("beat", env)
    worker = processes.worker("worker", env)
    paths = reader_paths()

    with Load(base, paths, threads=6) as load:
        wait_until(
            lambda: sum(a.status == 200 for a in load.snapshot()) >= 30,
            timeout=60,
            message="gunicorn did not serve pages before the restart",
        )
        wait_until(lambda: batch.final_count() >= 5, timeout=60, message=worker.output())
        back_at = restart_postgres()
        time.sleep(RECOVERY_SECONDS + 5)
    answers = load.snapshot()

    assert server.alive(), "gunicorn must ride out the restart, not exit"
    unanswered = [a for a in answers if a.status == 0]
    assert unanswered == []
    wrong = [(a.path, a.status, a.body[:300]) for a in answers if a.status not in (200, 503)]
    assert wrong == []
    unfriendly = [
        (a.path, a.body[:300]) for a in answers if a.status == 503 and not _is_friendly_503(a)
    ]
    assert unfriendly == []
    assert any(a.status == 503 for a in answers), "the restart was never noticed"
    late = [a for a in answers if a.started >= back_at + RECOVERY_SECONDS]
    assert late, "no request was made after the recovery window"
    assert [(a.path, a.status) for a in late if a.status != 200] == []

    wait_settled(batch, timeout=120, processes=[worker])
    assert_batch_complete(batch)
