"""Full exports sent from a file built once per curated data version: ETag and 304,
byte ranges, the previous file while the next is built, and the limit on streamed
exports."""

from __future__ import annotations

import csv
import io
import logging

import pytest

from controversies.models import Controversy
from opendata import tasks

pytestmark = [pytest.mark.django_db, pytest.mark.services]

FULL = "/exports/controversies.csv"


def _bytes(response) -> bytes:
    return b"".join(response.streaming_content)


def _builds(caplog, name: str = "controversies.csv") -> int:
    return sum(f"built export {name} " in r.getMessage() for r in caplog.records)


@pytest.fixture(autouse=True)
def _log_builds(caplog):
    caplog.set_level(logging.INFO, logger="opendata.export_files")


def test_the_full_export_is_built_once_per_version(client, world, caplog):
    first = client.get(FULL)
    body = _bytes(first)
    assert first.status_code == 200
    assert first["Content-Length"] == str(len(body))
    assert first["Content-Type"] == "text/csv; charset=utf-8"
    assert first["Content-Disposition"] == 'attachment; filename="controversies.csv"'
    for _ in range(3):
        again = client.get(FULL)
        assert _bytes(again) == body
        assert again["ETag"] == first["ETag"]
    assert _builds(caplog) == 1


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("name", ["controversies", "organizations", "topics"])
def test_the_file_holds_the_bytes_of_the_streamed_export(client, world, name, fmt):
    # An ignored parameter makes the view stream the same rows instead of using the file.
    from_file = client.get(f"/exports/{name}.{fmt}")
    streamed = client.get(f"/exports/{name}.{fmt}?utm_source=x")
    assert "ETag" in from_file and "ETag" not in streamed
    assert _bytes(from_file) == _bytes(streamed)


def test_an_edit_starts_a_new_file_with_its_own_etag(
    client, world, caplog, django_capture_on_commit_callbacks
):
    before = client.get(FULL)
    _bytes(before)
    with django_capture_on_commit_callbacks(execute=True):
        maven = Controversy.objects.get(slug="project-maven")
        maven.title = "Project Maven (renamed)"
        maven.save()
    # The edits rebuilt the downloaded export right after they were committed.
    assert _builds(caplog) == 2
    after = client.get(FULL)
    assert after["ETag"] != before["ETag"]
    assert "Project Maven (renamed)" in _bytes(after).decode()
    assert _builds(caplog) == 2


def test_the_previous_file_is_sent_while_the_next_is_built(
    client, world, caplog, settings, monkeypatch
):
    old = client.get(FULL)
    old_body = _bytes(old)
    settings.EXPORT_FILE_BUILDS = "celery"
    queued = []
    # The broker stands in for a worker that has not run yet.
    monkeypatch.setattr(tasks.build_export_file, "delay", lambda *args: queued.append(args))
    maven = Controversy.objects.get(slug="project-maven")
    maven.title = "Project Maven (renamed)"
    maven.save()

    for _ in range(2):
        stale = client.get(FULL)
        assert stale.status_code == 200
        assert stale["ETag"] == old["ETag"]
        assert _bytes(stale) == old_body
    assert queued == [("controversies", "csv")]  # queued once for the version

    tasks.build_export_file("controversies", "csv")  # the worker's turn
    fresh = client.get(FULL)
    assert fresh["ETag"] != old["ETag"]
    assert "Project Maven (renamed)" in _bytes(fresh).decode()
    assert _builds(caplog) == 2


def test_a_matching_etag_is_answered_304(client, world):
    etag = client.get(FULL)["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        response = client.get(FULL, headers={"If-None-Match": header})
        assert response.status_code == 304
        assert response["ETag"] == etag
        assert not response.content
    assert client.get(FULL, headers={"If-None-Match": '"other"'}).status_code == 200


def _whole(client) -> bytes:
    return _bytes(client.get(FULL))


@pytest.mark.parametrize(
    ("header", "part"),
    [
        ("bytes=0-9", slice(0, 10)),
        ("bytes=10-", slice(10, None)),
        ("bytes=-5", slice(-5, None)),
        ("bytes=5-5", slice(5, 6)),
        ("bytes=0-999999999", slice(0, None)),
    ],
)
def test_a_range_is_answered_206_with_those_bytes(client, world, header, part):
    whole = _whole(client)
    response = client.get(FULL, headers={"Range": header})
    assert response.status_code == 206
    body = _bytes(response)
    assert body == whole[part]
    assert response["Content-Length"] == str(len(body))
    start = len(whole) + part.start if (part.start or 0) < 0 else (part.start or 0)
    end = start + len(body) - 1
    assert response["Content-Range"] == f"bytes {start}-{end}/{len(whole)}"


def test_a_resumed_download_joins_up(client, world):
    whole = _whole(client)
    etag = client.get(FULL)["ETag"]
    half = len(whole) // 2
    head = _bytes(client.get(FULL, headers={"Range": f"bytes=0-{half - 1}"}))
    tail = _bytes(client.get(FULL, headers={"Range": f"bytes={half}-", "If-Range": etag}))
    assert head + tail == whole
    assert list(csv.DictReader(io.StringIO((head + tail).decode())))[0]["slug"]


def test_a_range_past_the_end_is_answered_416(client, world):
    size = len(_whole(client))
    for header in (f"bytes={size}-", f"bytes={size + 10}-{size + 20}", "bytes=-0"):
        response = client.get(FULL, headers={"Range": header})
        assert response.status_code == 416
        assert response["Content-Range"] == f"bytes */{size}"


@pytest.mark.parametrize(
    "header",
    [
        "bytes=",
        "bytes=-",
        "bytes=a-b",
        "bytes=5-1",
        "bytes=0-1,3-4",
        "items=0-1",
        "bytes=--1",
        "bytes=1-2-3",
        "bytes=99999999999999999999999999999999-",
        "bytes=\u00bd-",
        "\x00",
    ],
)
def test_a_bad_range_header_sends_the_whole_file_or_416(client, world, header):
    whole = _whole(client)
    response = client.get(FULL, headers={"Range": header})
    assert response.status_code in (200, 416)
    if response.status_code == 200:
        assert _bytes(response) == whole


def test_if_range_with_another_etag_sends_the_whole_file(client, world):
    whole = _whole(client)
    response = client.get(FULL, headers={"Range": "bytes=0-9", "If-Range": '"old"'})
    assert response.status_code == 200
    assert _bytes(response) == whole


def test_streamed_exports_over_the_limit_are_answered_503(client, world, settings):
    settings.EXPORT_STREAM_CONCURRENCY = 1
    first = client.get("/exports/controversies.csv?company=google")
    assert first.status_code == 200  # streaming, not yet read to the end: holds the slot
    for url in ("/exports/resolutions.json", "/exports/topics.csv?q=facial"):
        busy = client.get(url)
        assert busy.status_code == 503
        assert busy["Retry-After"] == str(settings.EXPORT_STREAM_RETRY_AFTER)
        assert "Try again" in busy.content.decode()
    assert b"project-maven" in _bytes(first)  # done: the slot is free again
    again = client.get("/exports/resolutions.json")
    assert again.status_code == 200
    _bytes(again)


def test_a_full_export_from_its_file_needs_no_slot(client, world, settings):
    settings.EXPORT_STREAM_CONCURRENCY = 1
    client.get(FULL)  # builds the file
    held = client.get("/exports/controversies.csv?company=google")
    assert client.get(FULL).status_code == 200
    _bytes(held)


def test_a_refused_filter_takes_no_slot(client, world, settings):
    settings.EXPORT_STREAM_CONCURRENCY = 1
    for _ in range(3):
        assert client.get("/exports/controversies.csv?status=nope").status_code == 400
    allowed = client.get("/exports/controversies.csv?company=google")
    assert allowed.status_code == 200
    _bytes(allowed)


def test_without_redis_each_process_keeps_the_limit(client, world, settings):
    # The embedded default (no REDIS_URL) caches in process memory: the same limit holds,
    # counted by this process alone.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.EXPORT_STREAM_CONCURRENCY = 1
    held = client.get("/exports/controversies.json?company=google")
    busy = client.get("/exports/resolutions.csv")
    assert busy.status_code == 503 and "Retry-After" in busy
    _bytes(held)
    freed = client.get("/exports/resolutions.csv")
    assert freed.status_code == 200
    _bytes(freed)
    full = client.get(FULL)  # built from this process's version, sent from the file
    assert full.status_code == 200 and "ETag" in full
    _bytes(full)
