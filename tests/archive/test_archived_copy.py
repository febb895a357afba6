"""The public side: a source whose original is gone links its archived copy on the
timeline, and the copy is served sandboxed (no scripts, its own strict CSP)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from archive.linkcheck import source_check_link
from archive.models import LinkStatus
from archive.snapshots import source_snapshot
from archive.views import ARCHIVED_COPY_CSP
from tests import factories as f
from tests.ingestion.documents import STORY, page
from tests.scenarios import add_event

pytestmark = [pytest.mark.services, pytest.mark.django_db]

HOSTILE = page(
    title="A report that later vanished",
    paragraphs=STORY,
    extra_head="<script>document.cookie='stolen'</script>",
)


@pytest.fixture
def cited(site):
    """A controversy whose one event cites two preserved sources: one that will vanish
    and one that stays online."""
    controversy = f.ControversyFactory(title="Rekognition", slug="rekognition")
    event = add_event(controversy=controversy, occurred_on=dt.date(2019, 1, 15))
    sources = {}
    for name, body in (("vanishing", HOSTILE), ("staying", page(title="Stays", paragraphs=STORY))):
        url = site.add(f"/{name}", body)
        source = f.SourceFactory(url=url, canonical_url=url, title=f"The {name} report")
        assert source_snapshot(source=source).succeeded
        f.EventSourceFactory(event=event, source=source)
        sources[name] = source
    del site.routes["/vanishing"]
    assert source_check_link(source=sources["vanishing"]).status == LinkStatus.GONE
    assert source_check_link(source=sources["staying"]).status == LinkStatus.ALIVE
    return controversy, sources


def test_the_timeline_links_the_archived_copy_of_a_gone_source_only(client, cited):
    controversy, sources = cited
    html = client.get(controversy.get_absolute_url()).content.decode()

    gone_link = reverse("archive:archived_copy", args=[sources["vanishing"].pk])
    live_link = reverse("archive:archived_copy", args=[sources["staying"].pk])
    assert f'href="{gone_link}"' in html and "the original is gone" in html
    assert live_link not in html


def test_the_archived_copy_is_served_sandboxed(client, cited):
    _controversy, sources = cited
    response = client.get(reverse("archive:archived_copy", args=[sources["vanishing"].pk]))

    assert response.status_code == 200
    assert response.content == HOSTILE
    assert response["Content-Type"].startswith("text/html")
    assert response["Content-Security-Policy"] == ARCHIVED_COPY_CSP
    assert "sandbox" in response["Content-Security-Policy"]
    assert "script-src" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"

    text = client.get(reverse("archive:archived_text", args=[sources["vanishing"].pk]))
    assert text["Content-Type"] == "text/plain; charset=utf-8"
    assert "28 members of Congress" in text.content.decode()
    assert text["Content-Security-Policy"] == ARCHIVED_COPY_CSP


def test_a_copy_of_a_live_source_is_for_staff_who_may_view_snapshots(client, cited):
    _controversy, sources = cited
    url = reverse("archive:archived_copy", args=[sources["staying"].pk])
    assert client.get(url).status_code == 404

    staff = f.StaffUserFactory()
    client.force_login(staff)
    assert client.get(url).status_code == 404
    staff.user_permissions.add(Permission.objects.get(codename="view_sourcesnapshot"))
    client.force_login(staff)
    assert client.get(url).status_code == 200


def test_a_source_without_any_snapshot_has_no_copy(client, archive_on):
    source = f.SourceFactory()
    assert client.get(reverse("archive:archived_copy", args=[source.pk])).status_code == 404
    assert client.get(reverse("archive:archived_copy", args=[999999])).status_code == 404
