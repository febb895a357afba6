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
def _facets_recounted_by_visitors(settings) -> None:
    # No Celery worker runs in the suite to take the recount an edit would hand it
    # (tests/controversies/test_facets_rebuild.py turns it on with a worker's stand-in).
    settings.REBUILD_IN_WORKER = False


@pytest.fixture(autouse=True)
def _fresh_facet_cache() -> None:
    """Cached facet counts outlive a test's rolled-back rows; start each test afresh."""
    from controversies import facets

    facets.invalidate()


@pytest.fixture(autouse=True)
def _fresh_page_cache() -> None:
    """So do cached pages, when a run turns the page cache on (PAGE_CACHE_SECONDS)."""
    from django.core.cache import cache

    from config import page_cache

    page_cache.invalidate()
    cache.delete(page_cache.PENDING_KEY)  # an edit of an earlier test never committed


@pytest.fixture(autouse=True)
def _export_files_in_tmp(settings, tmp_path: Path):
    """Full export files go to the test's own folder and are built in the request; the
    pointers to them live in the shared cache, so each test starts without any."""
    from django.core.cache import cache

    from controversies.curated_version import bump_curated_data_version
    from opendata import export_files, export_slots

    settings.STORAGES = {
        **settings.STORAGES,
        "exports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "exports"), "base_url": None},
        },
    }
    settings.EXPORT_FILE_BUILDS = "inline"
    cache.delete_many([*export_files.pointer_keys(), export_slots.SLOTS_KEY])
    export_slots.forget_process_slots()  # a streamed response a test never read holds one
    bump_curated_data_version()  # a version no earlier test has queued a build for
    yield
    cache.delete_many(export_files.pointer_keys())
