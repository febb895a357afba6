"""Fixtures for the archive tests: a loopback site the fetcher may reach, snapshot storage
in a temporary folder, and fetching turned on (the rest of the suite runs with it off).

The site stands in for the internet: its pages can be made to disappear (404), move (301)
and change between two visits; hosts under ``.invalid`` never resolve (RFC 2606).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.fetching import network
from tests.ingestion.conftest import LoopbackSite, reset_rate_limits


@pytest.fixture
def snapshot_root(settings, tmp_path: Path) -> Path:
    root = tmp_path / "snapshots"
    settings.STORAGES = {
        **settings.STORAGES,
        "snapshots": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    return root


@pytest.fixture
def archive_on(settings, snapshot_root: Path) -> Iterator[None]:
    """Fetching on, short timeouts, no rate limit, a fresh view of the network."""
    settings.ARCHIVE_FETCH_ENABLED = True
    settings.ARCHIVE_SAVE_URL = ""
    settings.INGESTION_CONNECT_TIMEOUT = 2
    settings.INGESTION_READ_TIMEOUT = 2
    settings.INGESTION_TOTAL_TIMEOUT = 5
    settings.INGESTION_PER_HOST_RATE = 1000
    settings.INGESTION_PER_HOST_BURST = 1000
    reset_rate_limits("127.0.0.1", settings)
    network.reset()
    yield
    network.reset()
    reset_rate_limits("127.0.0.1", settings)


@pytest.fixture
def site(settings, archive_on) -> Iterator[LoopbackSite]:
    server = LoopbackSite()
    server.thread.start()
    settings.INGESTION_ALLOWED_HOSTS = [f"127.0.0.1:{server.port}"]
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def eager_celery():
    """Run Celery tasks in-process, as with no REDIS_URL, whatever the environment."""
    from config.celery import app

    before = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield app
    app.conf.update(task_always_eager=before[0], task_eager_propagates=before[1])
