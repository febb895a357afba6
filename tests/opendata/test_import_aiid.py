from __future__ import annotations

import csv
import datetime as dt
import hashlib
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from controversies.models import Controversy, Event, Organization, Source
from opendata.importers import aiid as aiid_importer
from opendata.importers.aiid import INCIDENT_COLUMNS, REPORT_COLUMNS
from opendata.importers.common import MAX_CELL_CHARS
from tests import factories
from tests.opendata.commands import manage_py

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
    # A harmed party is an affected group, never a company.
    assert Organization.objects.get(aiid_slug="members-of-congress").kind == "affected_group"


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
    original = aiid_importer.event_upsert

    def fail_for_youtube(**kwargs):
        if kwargs["controversy"].aiid_incident_id == 11:
            raise ValueError("simulated failure while writing the event")
        return original(**kwargs)

    monkeypatch.setattr(aiid_importer, "event_upsert", fail_for_youtube)
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


# --- A bad file or value ends in one clear line, never a traceback -----------------------


def test_it_rejects_a_report_number_too_large_for_arithmetic_and_imports_the_rest(snapshot):
    # GIVEN an incident citing report 1e999 (JSON reads it as infinity) between two good
    # ones, THEN that row is reported, the good rows on both sides are imported.
    rows = [dict(r) for r in INCIDENTS]
    rows[1] = {"incident_id": "8", "date": "2019-01-01", "title": "Huge", "reports": "[1e999]"}
    rows[2] = {"incident_id": "9", "date": "2019-01-01", "title": "Fine", "reports": "[1, 2.5]"}
    _write(snapshot / "incidents.csv", INCIDENT_COLUMNS, rows)

    output = _run(snapshot)

    assert "row 3: reports holds 'inf', which is not a report number" in output
    assert "row 4: reports holds '2.5', which is not a report number" in output
    assert set(Controversy.objects.values_list("aiid_incident_id", flat=True)) == {7, 11}


def test_it_ignores_a_report_number_no_report_can_have(snapshot):
    rows = [dict(INCIDENTS[0], reports=f"[1, {10**30}, 99999999999]")]
    _write(snapshot / "incidents.csv", INCIDENT_COLUMNS, rows)
    output = _run(snapshot)
    assert "incidents: 1 created, 0 updated, 0 rejected" in output
    event = Controversy.objects.get(aiid_incident_id=7).events.get()
    assert [c.source.aiid_report_number for c in event.citations.all()] == [1]


def test_it_imports_a_report_text_longer_than_csvs_default_cell_limit(snapshot):
    text = "A long report. " * 20_000  # 300 kB; csv refuses cells over 128 KiB by default
    rows = [dict(REPORTS[0], text=text)]
    _write(snapshot / "reports.csv", REPORT_COLUMNS, rows)
    _run(snapshot)
    source = Source.objects.get(aiid_report_number=1)
    assert source.text_hash == hashlib.sha256(text.encode()).hexdigest()


def test_it_refuses_a_cell_longer_than_any_report_before_importing_anything(snapshot):
    # An unclosed quote makes the rest of the file one cell: refused, not read whole.
    with open(snapshot / "incidents.csv", "a", encoding="utf-8") as handle:
        handle.write('12,"' + "x" * (MAX_CELL_CHARS + 10))
    with pytest.raises(CommandError, match=r"incidents.csv row 7 has a cell longer than"):
        _run(snapshot)
    assert Source.objects.count() == 0


def _latin1_incidents(directory: Path) -> None:
    rows = [dict(r) for r in INCIDENTS]
    rows[-1]["title"] = "Café recommendations"
    with open(directory / "incidents.csv", "w", newline="", encoding="latin-1") as handle:
        writer = csv.writer(handle)
        writer.writerow(INCIDENT_COLUMNS)
        writer.writerows([row.get(c, "") for c in INCIDENT_COLUMNS] for row in rows)


@pytest.mark.parametrize(
    ("spoil", "expected"),
    [
        (_latin1_incidents, r"incidents.csv line 6 is not UTF-8 text \(byte 0xe9\)"),
        (
            lambda d: (d / "reports.csv").write_text(
                (d / "reports.csv").read_text(), encoding="utf-16"
            ),
            r"reports.csv line 1 is not UTF-8 text \(UTF-16 text\): save the file as UTF-8",
        ),
        (
            lambda d: (d / "reports.csv").write_bytes(bytes(range(256)) * 10),
            "reports.csv line 1 holds a NUL byte: not a text CSV file",
        ),
        (
            lambda d: ((d / "reports.csv").unlink(), (d / "reports.csv").mkdir()),
            "reports.csv is a directory, not a CSV file",
        ),
    ],
    ids=["latin-1", "utf-16", "binary", "directory"],
)
def test_it_refuses_a_file_that_is_not_utf8_csv_before_importing_anything(
    snapshot, spoil, expected
):
    # GIVEN a snapshot one of whose files cannot be read to its end (the bad byte can be
    # in its last row), THEN the import stops with one line saying which file, where and
    # why, and nothing at all is imported.
    spoil(snapshot)
    with pytest.raises(CommandError, match=expected) as raised:
        _run(snapshot)
    assert "\n" not in str(raised.value)
    assert Source.objects.count() == 0
    assert Controversy.objects.count() == 0


def test_it_refuses_a_file_given_for_the_snapshot_directory(snapshot):
    with pytest.raises(CommandError, match="reports.csv is not a directory: give the folder"):
        _run(snapshot / "reports.csv")


@pytest.mark.django_db(transaction=True)
def test_the_command_line_prints_one_line_and_no_traceback(snapshot):
    # Through a real manage.py, as an operator runs it.
    _latin1_incidents(snapshot)
    result = manage_py("import_aiid", str(snapshot))
    assert result.returncode == 1
    # The error is the last line (before it, only the startup log line of django-axes).
    *before, last = result.stderr.splitlines()
    assert all(" INFO " in line for line in before), before
    assert last == (
        "CommandError: incidents.csv line 6 is not UTF-8 text (byte 0xe9): save the file as "
        'UTF-8 ("CSV UTF-8" in a spreadsheet).'
    )
    assert "Traceback" not in result.stdout + result.stderr
    assert Source.objects.count() == 0
