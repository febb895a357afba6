"""Through a real Celery worker on the local Redis: a source saved by a curator is
preserved by the worker, and beat's link check then finds the page gone."""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from archive import tasks
from archive.models import LinkStatus, SourceStatus
from config.celery import app
from controversies.services import source_get_or_create
from tests.ingestion.documents import STORY, page
from tests.reliability.processes import Processes, base_env

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 90


def _wait_for(condition, what: str, worker) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if not worker.alive():
            pytest.fail(f"the worker exited early:\n{worker.output()}")
        if condition():
            return
        time.sleep(0.3)
    pytest.fail(f"{what} did not happen:\n{worker.output()}")


@pytest.fixture
def processes(tmp_path):
    started = Processes(tmp_path)
    yield started
    started.stop_all()


def test_a_real_worker_preserves_a_new_source_and_finds_it_gone_later(
    site, snapshot_root, processes
):
    app.control.purge()  # our own Redis db: drop anything an earlier run left behind
    url = site.add("/story", page(title="A story told once", paragraphs=STORY))
    worker = processes.worker(
        "archive-worker",
        base_env(
            ARCHIVE_FETCH_ENABLED="true",
            ARCHIVE_ROOT=str(snapshot_root),
            INGESTION_ALLOWED_HOSTS=f"127.0.0.1:{site.port}",
        ),
        concurrency=1,
    )

    with transaction.atomic():  # as a curator's save: queued once this commits
        source, _ = source_get_or_create(url=url, title="A story")

    def preserved() -> bool:
        status = SourceStatus.objects.filter(source=source).first()
        return status is not None and status.latest_snapshot_id is not None

    _wait_for(preserved, "the snapshot", worker)
    [snapshot] = source.snapshots.all()
    assert snapshot.title == "A story told once" and "28 members of Congress" in snapshot.text
    assert (snapshot_root / snapshot.warc_path).is_file()

    del site.routes["/story"]
    tasks.check_due_links.delay()  # what beat sends
    _wait_for(lambda: source.link_checks.exists(), "the link check", worker)
    assert SourceStatus.objects.get(source=source).link_status == LinkStatus.GONE
