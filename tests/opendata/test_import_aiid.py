from __future__ import annotations

import csv
import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from controversies.models import Controversy, Event, Organization, Source
from opendata.importers import aiid as aiid_importer
from opendata.importers.aiid import INCIDENT_COLUMNS, REPORT_COLUMNS
from tests import factories

pytestmark = pytest.mark.django_db

REPORTS = [
    {
        "_id": "5d34b8c29ced494f010ed45a",
        "authors": '["Jane Doe", "John Roe"]',
        "date_published": "2018-07-26",
        "epoch_date_published": "1532563200",
        "language": "en",
        "report_number": "1",
        "source_domain": "aclu.org",
        "text": "Amazon's face surveillance technology matched 28 members of Congress.",
        "title": "Amazon's Face Recognition Falsely Matched 28 Members of Congress",
        "url": "https://www.aclu.org/news/rekognition-test?utm_source=feed",
        "tags": "[]",
    },
    {
        "_id": "5d34b8c29ced494f010ed45b",
        "authors": "Staff",
        "date_published": "",
        "epoch_date_published": "1532649600",  # 2018-07-27, used when the date is blank
        "language": "en",
        "report_number": "2",
        "source_domain": "example.org",
        "text": "",
        "title": "Lawmakers ask Amazon for answers",
        "url": "https://example.org/lawmakers",
    },
    {"report_number": "abc", "url": "https://example.org/x", "title": "Bad number"},
    {"report_number": "4", "url": "not a url", "title": "Bad URL"},
    {
        "report_number": "5",
        "url": "https://WWW.ACLU.org/news/rekognition-test#top",
        "title": "Copy",
    },
]

INCIDENTS = [
    {
        "_id": "a1",
        "incident_id": "7",
        "date": "2018-07-26",
        "reports": "[2, 1]",
        "Alleged deployer of AI system": '["amazon"]',
        "Alleged developer of AI system": '["amazon", "amazon-web-services"]',
        "Alleged harmed or nearly harmed parties": '["members-of-congress"]',
        "description": "A test of a face matcher confused lawmakers with mugshots.",
        "title": "Rekognition matched lawmakers to mugshots",
    },
    {"incident_id": "8", "date": "2019-13-45", "title": "Bad date", "reports": "[]"},
    {
        "incident_id": "9",
        "date": "2019-01-01",
        "title": "Broken list",
        "Alleged deployer of AI system": '["youtube"',
    },
    {"incident_id": "10", "date": "2019-01-01", "title": "  "},
    {
        "incident_id": "11",
        "date": "2020-02-03",
        "reports": "999",
        "Alleged deployer of AI system": '["youtube"]',
        "Alleged developer of AI system": '["google"]',
        "Alleged harmed or nearly harmed parties": "[]",
        "description": "",
        "title": "Recommendations pushed extreme videos",
    },
]


def _write(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(c, "") for c in columns])


@pytest.fixture
def snapshot(tmp_path) -> Path:
    _write(tmp_path / "reports.csv", REPORT_COLUMNS, REPORTS)
    _write(tmp_path / "incidents.csv", INCIDENT_COLUMNS, INCIDENTS)
    return tmp_path


def _run(directory: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_aiid", str(directory), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_imports_reports_as_sources(snapshot):
    _run(snapshot)
    first = Source.objects.get(aiid_report_number=1)
    assert first.canonical_url == "https://www.aclu.org/news/rekognition-test"
    assert first.author == "Jane Doe, John Roe"
    assert first.published_on == dt.date(2018, 7, 26)
    assert first.publisher == "aclu.org"
    assert len(first.text_hash) == 64
    assert Source.objects.get(aiid_report_number=2).published_on == dt.date(2018, 7, 27)
    assert Source.objects.count() == 2


def test_it_imports_incidents_as_controversies_with_a_first_event(snapshot):
    _run(snapshot)
    controversy = Controversy.objects.get(aiid_incident_id=7)
    assert controversy.title == "Rekognition matched lawmakers to mugshots"
    assert controversy.started_on == dt.date(2018, 7, 26)
    assert controversy.last_event_on == dt.date(2018, 7, 26)
    assert sorted(c.aiid_slug for c in controversy.companies.all()) == [
        "amazon",
        "amazon-web-services",
    ]
    (event,) = controversy.events.all()
    assert event.occurred_on == dt.date(2018, 7, 26)
    # Sources in the incident's report order.
    assert [c.source.aiid_report_number for c in event.citations.all()] == [2, 1]
    roles = {(a.organization.aiid_slug, a.role) for a in event.event_actors.all()}
    assert ("members-of-congress", "target") in roles
    assert ("amazon", "actor") in roles


def test_it_turns_entities_into_named_organisations(snapshot):
    _run(snapshot)
    aws = Organization.objects.get(aiid_slug="amazon-web-services")
    assert aws.name == "Amazon Web Services"
    assert aws.kind == "company"
    assert Organization.objects.get(aiid_slug="members-of-congress").kind == "other"


def test_it_links_an_organisation_curators_already_created(snapshot):
    amazon = factories.CompanyFactory(name="Amazon.com, Inc.", slug="amazon")
    _run(snapshot)
    amazon.refresh_from_db()
    assert amazon.aiid_slug == "amazon"
    assert amazon.name == "Amazon.com, Inc."
    assert Organization.objects.filter(slug__startswith="amazon").count() == 2  # + AWS


def test_it_reports_rejected_rows_and_imports_the_rest(snapshot):
    output = _run(snapshot)
    assert "reports: 2 created, 0 updated, 3 rejected" in output
    assert "row 4: report_number 'abc' is not a whole number" in output
    assert "row 5: url: Not an http(s) URL: 'not a url'" in output
    assert "row 6: url is the same article as report 1" in output
    assert "incidents: 2 created, 0 updated, 3 rejected" in output
    assert "row 3: date '2019-13-45' is not a YYYY-MM-DD date" in output
    assert "row 4: Alleged deployer of AI system is not a JSON list of entity slugs" in output
    assert "row 5: title is empty" in output
    assert set(Controversy.objects.values_list("aiid_incident_id", flat=True)) == {7, 11}
    # An unknown report number is no reason to drop the incident.
    assert Controversy.objects.get(aiid_incident_id=11).events.get().citations.count() == 0


def test_it_writes_nothing_in_a_dry_run(snapshot):
    output = _run(snapshot, "--dry-run")
    assert "incidents: 2 created, 0 updated, 3 rejected" in output
    assert "Dry run" in output
    assert Controversy.objects.count() == 0
    assert Source.objects.count() == 0
    assert Organization.objects.count() == 0


def test_it_updates_instead_of_duplicating_on_a_second_run(snapshot):
    _run(snapshot)
    counts = (Controversy.objects.count(), Event.objects.count(), Source.objects.count(),
              Organization.objects.count())  # fmt: skip
    rows = [dict(r) for r in INCIDENTS]
    rows[0]["title"] = "Rekognition matched 28 lawmakers to mugshots"
    _write(snapshot / "incidents.csv", INCIDENT_COLUMNS, rows)

    output = _run(snapshot)

    assert "incidents: 0 created, 2 updated, 3 rejected" in output
    assert "reports: 0 created, 2 updated" in output
    assert counts == (Controversy.objects.count(), Event.objects.count(),
                      Source.objects.count(), Organization.objects.count())  # fmt: skip
    controversy = Controversy.objects.get(aiid_incident_id=7)
    assert controversy.title == "Rekognition matched 28 lawmakers to mugshots"
    assert controversy.events.get().citations.count() == 2


def test_it_never_leaves_half_an_incident(snapshot, monkeypatch):
    # GIVEN a failure after the incident's controversy and organisations were written,
    # THEN that row leaves nothing behind and the other rows still import.
    original = aiid_importer.first_event_upsert

    def fail_for_youtube(**kwargs):
        if kwargs["controversy"].aiid_incident_id == 11:
            raise ValueError("simulated failure while writing the event")
        return original(**kwargs)

    monkeypatch.setattr(aiid_importer, "first_event_upsert", fail_for_youtube)
    output = _run(snapshot)
    assert "row 6: simulated failure while writing the event" in output
    assert not Controversy.objects.filter(aiid_incident_id=11).exists()
    assert not Organization.objects.filter(aiid_slug__in=["youtube", "google"]).exists()
    assert Controversy.objects.filter(aiid_incident_id=7).exists()


def test_it_refuses_a_snapshot_without_the_expected_columns(tmp_path):
    _write(tmp_path / "reports.csv", REPORT_COLUMNS, [])
    _write(tmp_path / "incidents.csv", ["incident_id", "title"], [])
    with pytest.raises(CommandError, match="incidents.csv lacks the columns _id, date"):
        _run(tmp_path)


def test_it_refuses_a_directory_without_the_files(tmp_path):
    with pytest.raises(CommandError, match="reports.csv is missing"):
        _run(tmp_path)
