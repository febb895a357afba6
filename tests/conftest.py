"""Shared fixtures.

Tests marked ``services`` need the real PostgreSQL and Redis. On a laptop without them
they are skipped with the reason shown; CI sets REQUIRE_SERVICES=1, which turns a missing
service into a failure, so nothing is silently skipped there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings


def _missing_services() -> list[str]:
    missing = []
    if not settings.IS_POSTGRES:
        missing.append("PostgreSQL (set DATABASE_URL=postgres://...)")
    if not settings.REDIS_URL:
        missing.append("Redis (set REDIS_URL=redis://...)")
    else:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
        except redis.RedisError:
            missing.append(f"Redis at {settings.REDIS_URL} is not answering")
    return missing


def pytest_configure(config: pytest.Config) -> None:
    # WhiteNoise warns on every new request handler when collectstatic never ran; tests
    # serve static files through the finders, so an empty STATIC_ROOT is enough.
    Path(settings.STATIC_ROOT).mkdir(exist_ok=True)


@pytest.fixture(autouse=True)
def _require_services(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("services") is None:
        return
    missing = _missing_services()
    if not missing:
        return
    message = "needs " + "; ".join(missing)
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(autouse=True)
def _plain_static_files(settings) -> None:
    # Tests run with DEBUG off, where static URLs come from collectstatic's manifest;
    # no collectstatic runs in tests, so serve plain names instead.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _generous_export_and_feed_limits(settings) -> None:
    # Tests make many requests from one client address within a minute; the rate-limit
    # tests (tests/opendata/test_ratelimit.py) lower the limits again.
    settings.EXPORT_RATE_LIMIT = "100000/m"
    settings.FEED_RATE_LIMIT = "100000/m"


@pytest.fixture(autouse=True)
def _fresh_facet_cache() -> None:
    """Cached facet counts outlive a test's rolled-back rows; start each test afresh."""
    from controversies import facets

    facets.invalidate()


@pytest.fixture(autouse=True)
def _fresh_page_cache() -> None:
    """So do cached pages, when a run turns the page cache on (PAGE_CACHE_SECONDS)."""
    from config import page_cache

    page_cache.invalidate()
