"""Snapshots: a source is fetched through the safe client and kept as a WARC file, its
text and hashes; a failed fetch is recorded with its reason and tried again later."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from warcio.archiveiterator import ArchiveIterator

from archive import tasks
from archive.models import SourceSnapshot, SourceStatus
from archive.snapshots import source_snapshot, sources_due_for_snapshot
from archive.storage import snapshot_storage
from tests.factories import SourceFactory
from tests.ingestion.documents import STORY, page

pytestmark = [pytest.mark.services, pytest.mark.django_db]

ARTICLE = page(title="Amazon sold Rekognition to police", paragraphs=STORY)


def test_it_keeps_the_response_as_a_warc_record_with_text_and_hashes(site):
    url = site.add("/news/rekognition", ARTICLE, etag='"v1"')
    source = SourceFactory(url=url, canonical_url=url, text_hash="")

    snapshot = source_snapshot(source=source)

    assert snapshot.error == "" and snapshot.status_code == 200
    assert snapshot.final_url == url and snapshot.content_type == "text/html"
    assert snapshot.byte_size == len(ARTICLE)
    assert snapshot.content_hash == hashlib.sha256(ARTICLE).hexdigest()
    assert snapshot.title == "Amazon sold Rekognition to police"
    assert "28 members of Congress" in snapshot.text and "<p>" not in snapshot.text
    with snapshot_storage().open(snapshot.warc_path, "rb") as stream:
        records = list(ArchiveIterator(io.BytesIO(stream.read())))
    [record] = [r for r in records if r.rec_type == "response"]
    assert record.rec_headers.get_header("WARC-Target-URI") == url
    assert record.http_headers.get_statuscode() == "200"
    assert record.http_headers.get_header("ETag") == '"v1"'
    # warcio left the stream at the end of the record: read the stored body again.
    with snapshot_storage().open(snapshot.warc_path, "rb") as stream:
        body = next(r for r in ArchiveIterator(stream) if r.rec_type == "response")
        assert body.content_stream().read() == ARTICLE
    status = SourceStatus.objects.get(source=source)
    assert status.latest_snapshot == snapshot and status.next_snapshot_at is None
    source.refresh_from_db()
    assert source.text_hash == snapshot.text_hash != ""


def test_it_keeps_a_short_page_and_a_pdf_whole(site):
    notice = site.add(
        "/notice", b"<html><head><title>Notice</title></head><body><p>Moved offices.</p>"
    )
    pdf = site.add("/report.pdf", b"%PDF-1.7 a report", content_type="application/pdf")

    short = source_snapshot(source=SourceFactory(url=notice, canonical_url=notice))
    document = source_snapshot(source=SourceFactory(url=pdf, canonical_url=pdf))

    assert short.title == "Notice" and "Moved offices." in short.text
    assert document.content_type == "application/pdf" and document.warc_path
    assert document.text == "" and document.byte_size == len(b"%PDF-1.7 a report")


def test_a_failed_fetch_is_recorded_with_its_reason_and_retried_with_back_off(site, settings):
    settings.ARCHIVE_RETRY_MINUTES = 30
    url = site.url("/news/later")  # not there yet: 404
    source = SourceFactory(url=url, canonical_url=url)

    first = source_snapshot(source=source)
    second = source_snapshot(source=source)

    assert first.pk == second.pk, "one row per run of failures, updated in place"
    assert "HTTP 404" in second.error and second.status_code == 404 and not second.warc_path
    status = SourceStatus.objects.get(source=source)
    assert status.snapshot_failures == 2 and "HTTP 404" in status.snapshot_error
    wait = status.next_snapshot_at - timezone.now()
    assert dt.timedelta(minutes=55) < wait <= dt.timedelta(minutes=60)
    assert source.pk not in sources_due_for_snapshot(limit=10)

    # The page appears; once the retry is due, the sweep preserves it.
    site.add("/news/later", ARTICLE)
    SourceStatus.objects.filter(source=source).update(next_snapshot_at=timezone.now())
    assert tasks.sweep_snapshots() == 1  # eager or not, the sweep claimed it
    assert source_snapshot(source=source).succeeded
    assert SourceSnapshot.objects.filter(source=source).count() == 2
    status.refresh_from_db()
    assert status.snapshot_failures == 0 and status.snapshot_error == ""


def test_an_unreachable_host_fails_with_its_reason(site):
    url = "http://archive-test-host.invalid/page"
    snapshot = source_snapshot(source=SourceFactory(url=url, canonical_url=url))
    assert snapshot.error == "could not resolve archive-test-host.invalid"


def test_a_machine_without_network_gives_up_quickly_and_says_offline(site):
    """GIVEN three different hosts in a row that cannot be reached at all
    WHEN a fourth source is snapshotted
    THEN it is not even tried: its reason says the machine seems offline."""
    reasons = []
    for name in ("one", "two", "three", "four"):
        url = f"http://{name}.invalid/story"
        reasons.append(source_snapshot(source=SourceFactory(url=url, canonical_url=url)).error)
    assert reasons[:3] == [f"could not resolve {n}.invalid" for n in ("one", "two", "three")]
    assert reasons[3].startswith("offline: no network")
    assert site.hits == {}


def test_a_blocked_address_is_refused_and_recorded(archive_on):
    url = "http://127.0.0.1/admin"  # loopback, and not on the test allow-list
    snapshot = source_snapshot(source=SourceFactory(url=url, canonical_url=url))
    assert "loopback" in snapshot.error and not snapshot.warc_path


def test_a_current_snapshot_is_not_taken_again_unless_forced(site):
    url = site.add("/news/once", ARTICLE)
    source = SourceFactory(url=url, canonical_url=url)
    assert source_snapshot(source=source) is not None
    assert source_snapshot(source=source) is None
    assert source_snapshot(source=source, force=True) is not None
    assert site.hits["/news/once"] == 2


def test_deleting_a_source_deletes_its_files(site, django_capture_on_commit_callbacks):
    url = site.add("/news/deleted", ARTICLE)
    source = SourceFactory(url=url, canonical_url=url)
    snapshot = source_snapshot(source=source)
    assert snapshot_storage().exists(snapshot.warc_path)

    with django_capture_on_commit_callbacks(execute=True):
        source.delete()

    assert not snapshot_storage().exists(snapshot.warc_path)
    assert not SourceSnapshot.objects.exists()


def test_the_command_retries_failed_sources_at_once_when_asked(site):
    url = site.url("/news/back-online")
    source = SourceFactory(url=url, canonical_url=url)
    assert not source_snapshot(source=source).succeeded  # 404 for now
    site.add("/news/back-online", ARTICLE)

    out = StringIO()
    call_command("snapshot_sources", stdout=out)
    assert "0 source(s) preserved" in out.getvalue()  # its retry is not due yet
    call_command("snapshot_sources", "--now", stdout=out)
    assert "1 source(s) preserved, 0 failed" in out.getvalue()
    assert SourceStatus.objects.get(source=source).latest_snapshot.succeeded
