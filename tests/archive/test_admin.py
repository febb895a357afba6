"""Admin: snapshots, link checks and statuses are read-only records; the source's page
shows them, and the snapshot list reports storage use, to staff allowed to view them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from archive.snapshots import source_snapshot
from tests import factories as f
from tests.ingestion.documents import STORY, page

pytestmark = [pytest.mark.services, pytest.mark.django_db]

SNAPSHOTS = "/admin/archive/sourcesnapshot/"


@pytest.fixture
def preserved(site):
    sources = []
    for n, size in enumerate((1, 4)):
        url = site.add(f"/doc{n}", page(title=f"Document {n}", paragraphs=STORY * size))
        source = f.SourceFactory(url=url, canonical_url=url, title=f"Document {n}")
        assert source_snapshot(source=source).succeeded
        sources.append(source)
    failed = f.SourceFactory(url=site.url("/missing"), canonical_url=site.url("/missing"))
    assert not source_snapshot(source=failed).succeeded
    return sources


def test_curators_see_the_storage_report_with_the_largest_source_first(client, preserved):
    client.force_login(f.CuratorFactory())
    html = client.get(SNAPSHOTS).content.decode()

    assert "Storage use" in html
    assert "in 2 snapshots of 2 sources; 1 failed attempt on record" in html
    largest = html.index("Largest sources")
    assert html.index("Document 1", largest) < html.index("Document 0", largest)


def test_curators_see_a_sources_snapshots_on_its_page_but_cannot_change_them(client, preserved):
    curator = f.CuratorFactory()
    client.force_login(curator)
    source = preserved[0]

    html = client.get(f"/admin/controversies/source/{source.pk}/change/").content.decode()
    assert "Preservation and link health" in html and "archived copy" in html

    checks = client.get(f"/admin/archive/linkcheck/?source__id__exact={source.pk}")
    assert checks.status_code == 200

    snapshot = source.snapshots.get()
    assert client.get(f"{SNAPSHOTS}add/").status_code == 403
    assert client.post(f"{SNAPSHOTS}{snapshot.pk}/delete/", {"post": "yes"}).status_code == 403
    assert source.snapshots.count() == 1


def test_staff_without_the_view_permission_see_none_of_it(client, preserved):
    staff = f.StaffUserFactory()
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_source", "change_source"])
    )
    client.force_login(staff)

    assert client.get(SNAPSHOTS).status_code == 403
    assert client.get("/admin/archive/linkcheck/").status_code == 403
    html = client.get(f"/admin/controversies/source/{preserved[0].pk}/change/").content.decode()
    assert "Preservation and link health" not in html and "archived copy" not in html


def test_even_a_superuser_cannot_add_a_snapshot_by_hand(client, preserved):
    client.force_login(f.UserFactory(is_staff=True, is_superuser=True))
    assert client.get(f"{SNAPSHOTS}add/").status_code == 403
    assert client.get(SNAPSHOTS).status_code == 200


def test_a_source_saves_without_the_read_only_rows_in_its_form(client, preserved):
    client.force_login(f.CuratorFactory())
    source = preserved[0]
    response = client.post(
        f"/admin/controversies/source/{source.pk}/change/",
        {"url": source.url, "canonical_url": source.canonical_url, "title": "Renamed"},
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.title == "Renamed"
