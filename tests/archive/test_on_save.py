"""A source added anywhere (admin, an accepted article, an importer) is queued for a
snapshot once its save commits; a broker outage never blocks or breaks the save."""

from __future__ import annotations

import socket

import kombu.exceptions
import pytest
from django.core.management import call_command

from archive import tasks
from archive.linkcheck import source_check_link
from archive.models import LinkStatus, SourceSnapshot, SourceStatus
from archive.snapshots import sources_due_for_snapshot
from controversies.models import Source
from controversies.services import source_get_or_create
from tests import factories as f
from tests.ingestion.documents import STORY, page

pytestmark = [pytest.mark.services, pytest.mark.django_db]

ARTICLE = page(title="Amazon sold Rekognition to police", paragraphs=STORY)


def _add_in_admin(client, url: str):
    client.force_login(f.UserFactory(is_staff=True, is_superuser=True))
    return client.post(
        "/admin/controversies/source/add/",
        {
            "url": url,
            "canonical_url": "",
            "title": "Added by a curator",
        },
    )


def test_a_source_added_in_admin_is_snapshotted_after_commit(
    client, site, eager_celery, django_capture_on_commit_callbacks
):
    url = site.add("/added", ARTICLE)
    with django_capture_on_commit_callbacks(execute=True):
        response = _add_in_admin(client, url)
    assert response.status_code == 302, response.content.decode()[:2000]

    source = Source.objects.get(url=url)
    [snapshot] = source.snapshots.all()
    assert snapshot.succeeded and snapshot.title == "Amazon sold Rekognition to police"


def test_a_broker_outage_does_not_break_the_save_and_the_sweep_finds_it_later(
    client, site, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def broker_down(*args, **kwargs):
        raise kombu.exceptions.OperationalError("connection refused")

    monkeypatch.setattr(tasks.snapshot_source, "delay", broker_down)
    url = site.add("/while-down", ARTICLE)
    with django_capture_on_commit_callbacks(execute=True):
        response = _add_in_admin(client, url)

    assert response.status_code == 302
    source = Source.objects.get(url=url)
    assert not source.snapshots.exists()
    assert "broker is unreachable" in caplog.text
    assert source.pk in sources_due_for_snapshot(limit=10)


def test_a_crashing_snapshot_never_reaches_the_saver(
    site, eager_celery, monkeypatch, django_capture_on_commit_callbacks
):
    def crash(**kwargs):
        raise RuntimeError("a bug in the snapshot code")

    monkeypatch.setattr(tasks, "source_snapshot", crash)
    with django_capture_on_commit_callbacks(execute=True):
        source, created = source_get_or_create(url=site.add("/crash", ARTICLE))
    assert created and Source.objects.filter(pk=source.pk).exists()


def test_a_new_address_is_snapshotted_again_and_other_edits_are_not(
    site, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        source, _ = source_get_or_create(url=site.add("/first", ARTICLE))
    with django_capture_on_commit_callbacks(execute=True):
        source.title = "A better title"
        source.save()
    assert site.hits == {"/first": 1}

    with django_capture_on_commit_callbacks(execute=True):
        source.url = site.add("/second", ARTICLE)
        source.save()
    assert site.hits == {"/first": 1, "/second": 1}
    assert [s.requested_url for s in source.snapshots.all()] == [source.url, site.url("/first")]
    assert SourceStatus.objects.get(source=source).next_snapshot_at is None


def test_a_gone_source_given_a_new_address_no_longer_shows_as_gone(
    site, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        source, _ = source_get_or_create(url=site.add("/old-home", ARTICLE))
    del site.routes["/old-home"]
    assert source_check_link(source=source).status == LinkStatus.GONE

    with django_capture_on_commit_callbacks(execute=True):
        source.url = site.add("/new-home", ARTICLE)
        source.save()

    status = SourceStatus.objects.get(source=source)
    assert status.latest_snapshot.requested_url == source.url
    assert status.link_status == "" and not status.shows_archived_copy


def test_nothing_is_fetched_when_fetching_is_off(
    site, settings, eager_celery, django_capture_on_commit_callbacks
):
    settings.ARCHIVE_FETCH_ENABLED = False
    with django_capture_on_commit_callbacks(execute=True):
        source_get_or_create(url=site.add("/off", ARTICLE))
    assert site.hits == {} and not SourceSnapshot.objects.exists()
    assert tasks.sweep_snapshots() == 0 and tasks.check_due_links() == 0


def test_load_demo_offline_records_a_reason_on_every_source(
    archive_on, eager_celery, monkeypatch, django_capture_on_commit_callbacks
):
    """GIVEN a machine without network (no host name resolves)
    WHEN the demo is loaded
    THEN it completes, and every one of its sources has a failed snapshot with the reason
    and a retry time, most of them without even trying once the machine looked offline."""

    def no_network(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    sources = list(Source.objects.all())
    assert len(sources) >= 10
    for source in sources:
        [snapshot] = source.snapshots.all()
        assert not snapshot.succeeded
        assert snapshot.error.startswith(("could not resolve", "offline: no network"))
        assert SourceStatus.objects.get(source=source).next_snapshot_at is not None
    tried = SourceSnapshot.objects.filter(error__startswith="could not resolve").count()
    assert 0 < tried < len(sources) / 2


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_the_save_does_not_wait_for_the_fetch(client, site, settings):
    # GIVEN the embedded setup (snapshots in a background thread) and a site that does
    # not answer until the test lets it, WHEN a curator adds a source, THEN the save
    # answers at once, and the snapshot lands once the site answers.
    import threading

    from archive import background

    settings.ARCHIVE_SNAPSHOT_IN_BACKGROUND = True
    gate = threading.Event()
    url = site.add("/slow", ARTICLE, gate=gate)
    try:
        response = _add_in_admin(client, url)
        assert response.status_code == 302
        source = Source.objects.get(url=url)
        assert not source.snapshots.exists(), "the save came back before the fetch"
    finally:
        gate.set()
    assert background.wait(timeout=30)
    [snapshot] = source.snapshots.all()
    assert snapshot.succeeded and snapshot.title == "Amazon sold Rekognition to police"
