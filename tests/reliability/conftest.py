"""Fixtures for the reliability suite: real processes, a loopback news site, and the
shared services put back the way they were whatever a test did to them."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import kombu.exceptions
import pytest
import redis
from django.conf import settings

from tests.ingestion.localserver import LocalServer
from tests.reliability.processes import Processes
from tests.reliability.services import can_restart_services, ensure_services_up

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    started = Processes(tmp_path)
    yield started
    started.stop_all()


@pytest.fixture
def news_site() -> Iterator[LocalServer]:
    server = LocalServer().start()
    yield server
    server.stop()


@pytest.fixture
def clean_broker() -> Iterator[None]:
    """Start and end with an empty queue in this run's Redis database: no task left by an
    earlier test (or a killed worker's unacknowledged ones) reaches this test's worker."""
    _clear_broker()
    yield
    # After a Redis restart the client's pooled connections may be stale: tidying up is
    # best effort, the next test clears again before it starts.
    with contextlib.suppress(redis.RedisError, kombu.exceptions.OperationalError):
        _clear_broker()


def _clear_broker() -> None:
    from config.celery import app

    client = redis.Redis.from_url(settings.REDIS_URL)
    # kombu keeps delivered-but-unacknowledged messages here until they are acked or
    # restored after the visibility timeout.
    client.delete("unacked", "unacked_index", "unacked_mutex")
    for key in client.scan_iter("tracker:ingestion:rate:*"):
        client.delete(key)
    app.control.purge()


@pytest.fixture
def services_restored() -> Iterator[None]:
    """For tests that stop PostgreSQL or Redis: they need root and the local services;
    whatever happens, both are running again when the test ends."""
    reason = can_restart_services()
    if reason:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    yield
    ensure_services_up()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
