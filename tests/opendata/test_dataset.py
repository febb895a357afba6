from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from controversies.models import Controversy, Event, Organization, Source, VoteResult
from opendata.dataset import TABLES
from tests import factories


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def _awkward_values(world) -> None:
    """Text that tests the formatting: quotes, commas, line breaks, non-ASCII, and both
    null and empty values."""
    factories.SourceFactory(
        url="https://example.org/ü?a=1",
        title='Quotes "inside", commas, and a line\nbreak — ünïcödé ✓',
        published_on=None,
        aiid_report_number=77,
    )
    parent = Organization.objects.get(slug="amazon")
    factories.CompanyFactory(name="Amazon Web Services", slug="aws", parent=parent)
    VoteResult.objects.update(reported_support_pct=Decimal("2.40"), passed=None)


@pytest.mark.django_db(transaction=True)
def test_it_round_trips_byte_identically(world, tmp_path):
    # GIVEN a database with every kind of record, WHEN it is exported, loaded into an
    # empty database and exported again, THEN every file is byte-identical.
    _awkward_values(world)
    on = list(Controversy.objects.order_by("pk")[:2])
    assert len(on) == 2
    shared = factories.EventFactory(controversy=on, title="A letter to two companies")
    first, second = tmp_path / "first", tmp_path / "second"
    call_command("export_dataset", str(first))

    call_command("flush", interactive=False)
    assert Controversy.objects.count() == 0
    call_command("import_dataset", str(first))
    call_command("export_dataset", str(second))

    before, after = _files(first), _files(second)
    assert shared.title.encode() in before["events.json"]
    assert set(before) == {f"{t.name}.{s}" for t in TABLES for s in ("csv", "json")} | {
        "VERSION",
        "LICENSE",
        "datapackage.json",
    }
    assert before == after
    # And the data really is back, not just the files.
    rekognition = Controversy.objects.get(slug="amazon-rekognition")
    assert rekognition.aiid_incident_id == 42
    assert rekognition.last_event_on == dt.date(2018, 7, 26)
    assert [c.slug for c in rekognition.companies.all()] == ["amazon"]
    assert Organization.objects.get(slug="aws").parent.slug == "amazon"
    assert VoteResult.objects.get().reported_support_pct == Decimal("2.40")
    shared_back = Event.objects.get(title=shared.title)
    assert sorted(shared_back.controversies.values_list("slug", flat=True)) == sorted(
        c.slug for c in on
    ), "an event on two controversies comes back on both"
    # New rows get fresh ids after an import (sequences were moved past imported ids).
    factories.ControversyFactory(title="After import")


@pytest.mark.django_db
def test_it_writes_a_data_dictionary_version_and_licence(world, tmp_path):
    call_command("export_dataset", str(tmp_path))
    package = json.loads((tmp_path / "datapackage.json").read_text())
    version = (tmp_path / "VERSION").read_text().strip()
    assert package["version"] == version
    assert version.startswith("2+")
    assert package["licenses"][0]["name"] == "ODbL-1.0"
    assert "Open Database License" in (tmp_path / "LICENSE").read_text()
    names = [r["name"] for r in package["resources"]]
    assert names == [t.name for t in TABLES]
    controversies = package["resources"][names.index("controversies")]
    fields = {f["name"]: f for f in controversies["schema"]["fields"]}
    assert fields["aiid_incident_id"]["type"] == "integer"
    assert fields["started_on"]["type"] == "date"
    assert "created_at" not in fields
    links = package["resources"][names.index("event_controversies")]
    assert {
        "fields": "controversy_id",
        "reference": {"resource": "controversies", "fields": "id"},
    } in links["schema"]["foreignKeys"]
    assert {
        "fields": "event_id",
        "reference": {"resource": "events", "fields": "id"},
    } in links["schema"]["foreignKeys"]
    # Each CSV's header is exactly the dictionary's columns.
    for resource in package["resources"]:
        with open(tmp_path / resource["path"], newline="", encoding="utf-8") as csv_file:
            header = next(csv.reader(csv_file))
        assert header == [f["name"] for f in resource["schema"]["fields"]]


@pytest.mark.django_db
def test_it_exports_external_ids(world, tmp_path):
    call_command("export_dataset", str(tmp_path))
    organizations = json.loads((tmp_path / "organizations.json").read_text())
    amazon = next(o for o in organizations if o["slug"] == "amazon")
    assert amazon["sec_cik"] == "0001018724"
    controversies = json.loads((tmp_path / "controversies.json").read_text())
    assert {c["slug"]: c["aiaaic_id"] for c in controversies}["project-maven"] == "AIAAIC0123"


@pytest.mark.django_db
def test_it_gives_the_same_version_to_the_same_data(world, tmp_path):
    call_command("export_dataset", str(tmp_path / "a"))
    call_command("export_dataset", str(tmp_path / "b"))
    assert (tmp_path / "a" / "VERSION").read_text() == (tmp_path / "b" / "VERSION").read_text()
    factories.SourceFactory()
    call_command("export_dataset", str(tmp_path / "c"))
    assert (tmp_path / "a" / "VERSION").read_text() != (tmp_path / "c" / "VERSION").read_text()


@pytest.mark.django_db
def test_it_refuses_to_import_into_a_database_with_data(world, tmp_path):
    call_command("export_dataset", str(tmp_path))
    with pytest.raises(CommandError, match="already holds data"):
        call_command("import_dataset", str(tmp_path))


@pytest.mark.django_db(transaction=True)
def test_it_imports_all_or_nothing(world, tmp_path):
    # GIVEN a release whose votes file refers to a resolution that is not in it,
    # WHEN it is imported, THEN it fails with a clear message and nothing is loaded.
    call_command("export_dataset", str(tmp_path))
    votes = json.loads((tmp_path / "votes.json").read_text())
    votes[0]["resolution_id"] = 999_999
    (tmp_path / "votes.json").write_text(json.dumps(votes))
    call_command("flush", interactive=False)
    with pytest.raises(CommandError, match="votes.json row 1, resolution_id: refers to"):
        call_command("import_dataset", str(tmp_path))
    assert Organization.objects.count() == 0
    assert Source.objects.count() == 0


@pytest.mark.django_db
def test_it_refuses_a_directory_that_is_not_a_release(tmp_path):
    with pytest.raises(CommandError, match="not a dataset release"):
        call_command("import_dataset", str(tmp_path))


@pytest.mark.django_db(transaction=True)
def test_it_reports_a_malformed_value_without_a_traceback(world, tmp_path):
    call_command("export_dataset", str(tmp_path))
    events = json.loads((tmp_path / "events.json").read_text())
    events[0]["occurred_on"] = "22/05/2018"
    (tmp_path / "events.json").write_text(json.dumps(events))
    call_command("flush", interactive=False)
    with pytest.raises(CommandError, match="events.json row 1, occurred_on: .* invalid date"):
        call_command("import_dataset", str(tmp_path))
    assert Controversy.objects.count() == 0


@pytest.mark.django_db
def test_it_refuses_a_file_with_other_columns(tmp_path):
    from opendata.dataset import datapackage

    (tmp_path / "datapackage.json").write_text(json.dumps(datapackage("1+test")))
    for table in TABLES:
        (tmp_path / f"{table.name}.json").write_text("[]")
    (tmp_path / "topics.json").write_text(json.dumps([{"id": 1, "name": "x"}]))
    with pytest.raises(CommandError, match="topics.json row 1: lacks the columns slug"):
        call_command("import_dataset", str(tmp_path))
