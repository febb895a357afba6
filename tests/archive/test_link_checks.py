"""Link checks against a loopback site whose pages disappear, move and change: each check
is kept, and the source's latest status says alive, moved, gone, changed or error."""

from __future__ import annotations

import pytest
from django.utils import timezone

from archive import tasks
from archive.fetching import network
from archive.linkcheck import GONE_AFTER_UNRESOLVED, source_check_link, sources_claim_due_for_check
from archive.models import LinkCheck, LinkStatus, SourceStatus
from archive.snapshots import source_snapshot
from tests.factories import SourceFactory
from tests.ingestion.documents import OTHER_STORY, STORY, page
from tests.ingestion.localserver import LocalServer

pytestmark = [pytest.mark.services, pytest.mark.django_db]

ARTICLE = page(title="Amazon sold Rekognition to police", paragraphs=STORY)


def _preserved(site, path: str, body: bytes = ARTICLE, **route):
    url = site.add(path, body, **route)
    source = SourceFactory(url=url, canonical_url=url)
    assert source_snapshot(source=source).succeeded
    return source


def _status(source) -> str:
    return SourceStatus.objects.get(source=source).link_status


def test_a_page_that_stays_is_alive_and_asked_for_conditionally(site):
    source = _preserved(site, "/stays", etag='"v1"')

    first = source_check_link(source=source)
    second = source_check_link(source=source)  # sends If-None-Match: "v1", gets 304

    assert first.status == LinkStatus.ALIVE and first.http_status == 200
    assert first.etag == '"v1"'
    assert second.status == LinkStatus.ALIVE and second.http_status == 304
    assert second.content_hash == first.content_hash
    assert _status(source) == LinkStatus.ALIVE
    assert list(source.link_checks.all()) == [second, first]


def test_a_page_that_disappears_is_gone(site):
    source = _preserved(site, "/disappears")
    del site.routes["/disappears"]

    check = source_check_link(source=source)

    assert check.status == LinkStatus.GONE and check.http_status == 404
    status = SourceStatus.objects.get(source=source)
    assert status.link_status == LinkStatus.GONE and status.shows_archived_copy


def test_a_page_that_moves_is_moved(site):
    source = _preserved(site, "/moves")
    site.add("/new-home", ARTICLE)
    site.add("/moves", b"", status=301, headers={"Location": "/new-home"})

    check = source_check_link(source=source)

    assert check.status == LinkStatus.MOVED
    assert check.final_url == site.url("/new-home")


def test_a_page_whose_text_changes_is_changed_but_new_markup_alone_is_not(site):
    source = _preserved(site, "/changes")
    site.add("/changes", ARTICLE.replace(b"<footer>", b"<aside>Advert</aside><footer>"))
    assert source_check_link(source=source).status == LinkStatus.ALIVE

    site.add("/changes", page(title="Council approves road budget", paragraphs=OTHER_STORY))
    check = source_check_link(source=source)

    assert check.status == LinkStatus.CHANGED
    assert _status(source) == LinkStatus.CHANGED


def test_a_server_error_proves_nothing(site):
    source = _preserved(site, "/flaky")
    site.add("/flaky", b"busy", status=503, content_type="text/plain")

    check = source_check_link(source=source)

    assert check.status == LinkStatus.ERROR and check.http_status == 503
    assert not SourceStatus.objects.get(source=source).shows_archived_copy


def test_a_host_that_cannot_be_reached_is_an_error(site, settings):
    closed = LocalServer().start()
    closed.stop()  # its port now refuses connections
    url = f"http://127.0.0.1:{closed.port}/page"
    source = SourceFactory(url=url, canonical_url=url)
    settings.INGESTION_ALLOWED_HOSTS = [*settings.INGESTION_ALLOWED_HOSTS, closed.host_port]
    check = source_check_link(source=source)

    assert check.status == LinkStatus.ERROR and "could not connect" in check.detail


def test_a_name_that_stops_resolving_is_gone_only_after_repeated_checks(site):
    """GIVEN a source whose host name no longer resolves, while other hosts answer
    WHEN it is checked repeatedly
    THEN it is an error until the third failure in a row, and gone from then on."""
    url = "http://vanished-publisher.invalid/story"
    source = SourceFactory(url=url, canonical_url=url)
    alive = _preserved(site, "/alive")

    statuses = []
    for _ in range(GONE_AFTER_UNRESOLVED):
        source_check_link(source=alive)  # the network answers
        statuses.append(source_check_link(source=source).status)

    assert statuses == [LinkStatus.ERROR] * (GONE_AFTER_UNRESOLVED - 1) + [LinkStatus.GONE]


def test_names_that_do_not_resolve_while_offline_never_count_as_gone(archive_on):
    network.reset()  # nothing has answered lately: this machine may be offline
    url = "http://somewhere-else.invalid/story"
    source = SourceFactory(url=url, canonical_url=url)
    for _ in range(GONE_AFTER_UNRESOLVED + 1):
        network.reset()
        assert source_check_link(source=source).status == LinkStatus.ERROR


def test_the_beat_task_claims_due_checks_once(site, eager_celery):
    """Checks are due for sources not checked yet and those past their next check; the
    claim pushes each one back, so a second beat run in the same minute queues nothing."""
    due = _preserved(site, "/due")
    later = _preserved(site, "/later")
    SourceStatus.objects.filter(source=later).update(
        next_check_at=timezone.now() + timezone.timedelta(days=3)
    )

    assert tasks.check_due_links() == 1  # eager: the check ran in-process
    assert tasks.check_due_links() == 0
    assert LinkCheck.objects.filter(source=due).count() == 1
    assert not LinkCheck.objects.filter(source=later).exists()
    assert sources_claim_due_for_check(limit=10) == []
