"""Asking a public web archive to save a source (ARCHIVE_SAVE_URL), against a loopback
fake of its save endpoint: the copy's address becomes the source's archive_url when blank."""

from __future__ import annotations

import pytest

from archive.public_archive import save_request_url
from archive.snapshots import source_snapshot
from tests.factories import SourceFactory
from tests.ingestion.conftest import LoopbackSite
from tests.ingestion.documents import STORY, page

pytestmark = [pytest.mark.services, pytest.mark.django_db]

ARTICLE = page(title="A story", paragraphs=STORY)


@pytest.fixture
def web_archive(settings, site):
    """A fake archive: GET /save/<url> redirects to /web/20190115000000/<url>."""
    archive = LoopbackSite()
    archive.thread.start()
    settings.INGESTION_ALLOWED_HOSTS = [
        *settings.INGESTION_ALLOWED_HOSTS,
        f"127.0.0.1:{archive.port}",
    ]
    settings.ARCHIVE_SAVE_URL = archive.url("/save/{url}")
    yield archive
    archive.server.shutdown()
    archive.server.server_close()


def _archive_answers(archive, source_url: str) -> str:
    save_path = save_request_url(source_url).removeprefix(archive.base)
    copy_path = "/web/20190115000000/" + source_url
    archive.add(save_path, b"", status=302, headers={"Location": copy_path})
    return archive.add(copy_path, ARTICLE)


def test_the_copy_address_is_recorded_on_a_source_without_one(site, web_archive):
    url = site.add("/story", ARTICLE)
    copy = _archive_answers(web_archive, url)
    source = SourceFactory(url=url, canonical_url=url, archive_url="")

    assert source_snapshot(source=source).succeeded

    source.refresh_from_db()
    assert source.archive_url == copy


def test_a_curators_archive_link_is_kept(site, web_archive):
    url = site.add("/story", ARTICLE)
    _archive_answers(web_archive, url)
    source = SourceFactory(url=url, canonical_url=url, archive_url="https://archive.example/x")

    source_snapshot(source=source)

    source.refresh_from_db()
    assert source.archive_url == "https://archive.example/x"


def test_an_archive_that_fails_changes_nothing_but_the_snapshot_is_kept(site, web_archive):
    url = site.add("/story", ARTICLE)  # the fake archive knows nothing: 404
    source = SourceFactory(url=url, canonical_url=url, archive_url="")

    assert source_snapshot(source=source).succeeded

    source.refresh_from_db()
    assert source.archive_url == ""
