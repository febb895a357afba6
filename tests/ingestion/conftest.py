"""Fixtures for ingestion tests: a loopback HTTP server the fetcher is allowed to reach."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
import redis

from ingestion.fetching import ratelimit
from tests.ingestion.localserver import LocalServer


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    server = LocalServer().start()
    yield server
    server.stop()


@pytest.fixture
def fetch_settings(settings, local_server: LocalServer):
    """Allow the local server, use short timeouts, and start with a fresh, generous bucket."""
    settings.INGESTION_ALLOWED_HOSTS = [local_server.host_port]
    settings.INGESTION_CONNECT_TIMEOUT = 2
    settings.INGESTION_READ_TIMEOUT = 2
    settings.INGESTION_TOTAL_TIMEOUT = 5
    settings.INGESTION_PER_HOST_RATE = 1000
    settings.INGESTION_PER_HOST_BURST = 1000
    reset_rate_limits("127.0.0.1", settings)
    yield settings
    reset_rate_limits("127.0.0.1", settings)


def reset_rate_limits(host: str, settings) -> None:
    ratelimit._local_bucket.clear()
    if settings.REDIS_URL:
        # Without a reachable Redis the fetcher limits in-process, cleared above.
        with contextlib.suppress(redis.RedisError):
            ratelimit._redis_client(settings.REDIS_URL).delete(ratelimit.KEY_PREFIX + host)
