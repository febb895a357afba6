"""Imports that link instead of duplicating: an incident joins the controversy that has
its id or cites its articles, fills blanks, and never writes over a curator's value;
both AIAAIC layouts import to the same records."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from controversies import services
from controversies.models import Controversy, Event, Organization, Source
from opendata.importers.aiid import INCIDENT_COLUMNS, REPORT_COLUMNS, import_aiid
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.services]

FIXTURES = Path(__file__).parent / "fixtures"
LAYOUTS = {"current": FIXTURES / "aiaaic_current.csv", "older": FIXTURES / "aiaaic_older.csv"}

REPORTS = [
    {
        "report_number": "1",
        "url": "https://www.aclu.org/blog/rekognition-test?utm_source=feed",
        "title": "Face recognition matched 28 members of Congress",
        "source_domain": "aclu.org",
        "authors": '["Jane Doe"]',
        "date_published": "2018-07-26",
        "language": "en",
        "tags": "[]",
    },
    {
        "report_number": "2",
        "url": "https://example.org/lawmakers",
        "title": "Lawmakers ask for answers",
        "source_domain": "example.org",
        "date_published": "2018-07-27",
        "tags": '["policing"]',
    },
    {
        "report_number": "3",
        "url": "https://aws.example.com/blog/thresholds",
        "title": "Our view on confidence thresholds",
        "source_domain": "aws.example.com",
        "date_published": "2018-07-28",
        "tags": '["response", "policing"]',
    },
]
INCIDENT = {
    "_id": "a1",
    "incident_id": "7",
    "date": "2018-07-26",
    "reports": "[1, 2, 3]",
    "Alleged deployer of AI system": '["amazon"]',
    "Alleged developer of AI system": '["amazon"]',
    "Alleged harmed or nearly harmed parties": '["members-of-congress"]',
    "description": "A test of a face matcher confused lawmakers with mugshots.",
    "title": "Rekognition matched lawmakers to mugshots",
}


def _write(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows([row.get(c, "") for c in columns] for row in rows)


@pytest.fixture
def snapshot(tmp_path) -> Path:
    _write(tmp_path / "reports.csv", REPORT_COLUMNS, REPORTS)
    _write(tmp_path / "incidents.csv", INCIDENT_COLUMNS, [INCIDENT])
    return tmp_path


def _aiid(directory: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_aiid", str(directory), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _aiaaic(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_aiaaic", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _curated(title: str, *urls: str, **fields: object) -> Controversy:
    """A controversy a curator made, whose one event cites ``urls``."""
    controversy = factories.ControversyFactory(title=title, **fields)
    sources = [
        factories.SourceFactory(url=url, canonical_url=url, title=f"Curated {url}", author="")
        for url in urls
    ]
    services.event_create(
        controversy=controversy,
        occurred_on=dt.date(2018, 7, 26),
        title=f"{title}: curated event",
        kind=Event.Kind.RESEARCH,
        sources=sources,
    )
    return controversy


# --- AI Incident Database --------------------------------------------------------------


def test_it_links_an_incident_to_the_controversy_citing_its_reports(snapshot):
    # GIVEN a curated Rekognition controversy citing the article AIID's report 1 points
    # at (with a tracking parameter), and a curated publisher name on that source
    curated = _curated(
        "Amazon Rekognition sold to police", "https://www.aclu.org/blog/rekognition-test"
    )
    Source.objects.filter(canonical_url__contains="rekognition-test").update(publisher="ACLU")

    output = _aiid(snapshot)

    # THEN the incident joins it: no second controversy, the id is recorded
    assert Controversy.objects.count() == 1
    curated.refresh_from_db()
    assert curated.aiid_incident_id == 7
    assert "incidents: 0 created, 0 updated, 0 rejected, 1 linked" in output
    # the curated title, and the curated publisher, are kept and listed
    assert curated.title == "Amazon Rekognition sold to police"
    source = Source.objects.get(aiid_report_number=1)
    assert (source.publisher, source.title) == (
        "ACLU",
        "Curated https://www.aclu.org/blog/rekognition-test",
    )
    assert source.author == "Jane Doe"  # a blank is filled
    assert (
        "Source https://www.aclu.org/blog/rekognition-test publisher: kept 'ACLU', not 'aclu.org'"
        in output
    )
    assert "title: kept 'Amazon Rekognition sold to police'" in output
    # the curated event citing the article is the incident's: it gains report 2
    event = curated.events.get(kind=Event.Kind.RESEARCH)
    assert [c.source.aiid_report_number for c in event.citations.all()] == [1, 2]
    assert event.title == "Amazon Rekognition sold to police: curated event"


def test_it_links_an_incident_to_the_controversy_holding_its_id(snapshot):
    curated = factories.ControversyFactory(
        title="Face matching in Congress", aiid_incident_id=7, summary="", started_on=None
    )
    output = _aiid(snapshot)
    assert Controversy.objects.count() == 1
    curated.refresh_from_db()
    assert curated.title == "Face matching in Congress"
    # blanks are filled
    assert curated.summary == "A test of a face matcher confused lawmakers with mugshots."
    assert curated.started_on == dt.date(2018, 7, 26)
    assert "incidents: 0 created, 1 updated" in output
    assert "Controversy face-matching-in-congress" in output


def test_it_creates_a_controversy_when_nothing_matches(snapshot):
    _curated("Unrelated", "https://elsewhere.example.org/story")
    output = _aiid(snapshot, "--dry-run")
    assert "row 2 (incident 7)" not in output  # no conflict
    assert "created controversy rekognition-matched-lawmakers-to-mugshots" in output
    _aiid(snapshot)
    created = Controversy.objects.get(aiid_incident_id=7)
    assert created.title == "Rekognition matched lawmakers to mugshots"
    assert Controversy.objects.count() == 2


def test_an_incident_two_controversies_fit_equally_is_a_conflict_and_changes_nothing(snapshot):
    # GIVEN two controversies, each citing one of the incident's reports
    first = _curated("First", "https://www.aclu.org/blog/rekognition-test")
    second = _curated("Second", "https://example.org/lawmakers")

    output = _aiid(snapshot)

    assert "incidents: 0 created, 0 updated, 0 rejected, 0 linked, 1 conflicts" in output
    assert (
        f"row 2 (incident 7): not imported: controversies {first.slug}, {second.slug} each "
        "cite 1 of its sources; record its AI Incident Database id on the one it belongs to"
    ) in output
    # nothing of the row was written: no id, no organisation, no new event or citation
    assert not Controversy.objects.filter(aiid_incident_id=7).exists()
    assert not Organization.objects.filter(aiid_slug__in=["amazon", "members-of-congress"])
    assert Event.objects.count() == 2
    assert [e.citations.count() for e in Event.objects.order_by("id")] == [1, 1]

    # WHEN a curator records the id on one of them, THEN the next run links it there
    Controversy.objects.filter(pk=second.pk).update(aiid_incident_id=7)
    assert "1 updated" in _aiid(snapshot)
    assert Organization.objects.filter(aiid_slug="amazon").exists()


def test_a_rerun_updates_what_the_import_wrote_and_keeps_what_a_curator_changed(snapshot):
    _aiid(snapshot)
    controversy = Controversy.objects.get(aiid_incident_id=7)
    controversy.title = "Rekognition misidentifies members of Congress"  # a curator's edit
    controversy.save()
    source = Source.objects.get(aiid_report_number=2)
    source.publisher = "Example News"
    source.save()

    rows = [dict(INCIDENT, title="Face matcher confuses lawmakers", description="New text.")]
    _write(snapshot / "incidents.csv", INCIDENT_COLUMNS, rows)
    reports = [dict(r) for r in REPORTS]
    reports[1].update(source_domain="example.org (renamed)", title="Lawmakers demand answers")
    _write(snapshot / "reports.csv", REPORT_COLUMNS, reports)
    output = _aiid(snapshot)

    controversy.refresh_from_db()
    assert controversy.title == "Rekognition misidentifies members of Congress"
    assert controversy.summary == "New text."  # still the import's own value: updated
    source.refresh_from_db()
    assert (source.publisher, source.title) == ("Example News", "Lawmakers demand answers")
    assert (
        "row 2 (incident 7): Controversy rekognition-matched-lawmakers-to-mugshots title: "
        "kept 'Rekognition misidentifies members of Congress', not 'Face matcher confuses "
        "lawmakers'"
    ) in output
    assert "publisher: kept 'Example News', not 'example.org (renamed)'" in output
    assert Controversy.objects.count() == 1
    assert Event.objects.count() == 2  # the first event and the response, not again


def test_a_rerun_finds_the_event_an_earlier_importer_wrote_without_a_marker(snapshot):
    # GIVEN an incident imported before imports marked their writes: its event has the
    # incident's date and title but cites nothing
    legacy = factories.ControversyFactory(aiid_incident_id=7)
    factories.EventFactory(
        controversy=legacy, occurred_on=dt.date(2018, 7, 26), title=INCIDENT["title"]
    )
    _aiid(snapshot)
    # THEN that event gets the sources; only the response event is added
    assert legacy.events.count() == 2
    event = legacy.events.get(kind=Event.Kind.REPORT)
    assert [c.source.aiid_report_number for c in event.citations.all()] == [1, 2]


def test_a_dry_run_lists_links_and_conflicts_and_writes_nothing(snapshot):
    curated = _curated(
        "Amazon Rekognition sold to police", "https://www.aclu.org/blog/rekognition-test"
    )
    Source.objects.filter(canonical_url__contains="rekognition-test").update(publisher="ACLU")
    counts = [m.objects.count() for m in (Controversy, Event, Source, Organization)]

    output = _aiid(snapshot, "--dry-run")

    assert f"row 2: linked to controversy {curated.slug} (it cites 1 of its sources)" in output
    assert "publisher: kept 'ACLU', not 'aclu.org'" in output
    assert "Dry run: nothing was saved." in output
    assert counts == [m.objects.count() for m in (Controversy, Event, Source, Organization)]
    curated.refresh_from_db()
    assert curated.aiid_incident_id is None
    assert Source.objects.get(canonical_url__contains="rekognition-test").aiid_report_number is None


def test_harmed_parties_become_affected_groups_and_existing_kinds_stay(snapshot):
    union = factories.OrganizationFactory(
        name="Congressional staff union",
        kind=Organization.Kind.UNION,
        aliases="Members of Congress\nHill staff",
    )
    rows = [
        dict(
            INCIDENT,
            **{
                "Alleged harmed or nearly harmed parties": '["members-of-congress", "black-people"]'
            },
        )
    ]
    _write(snapshot / "incidents.csv", INCIDENT_COLUMNS, rows)
    _aiid(snapshot)

    controversy = Controversy.objects.get(aiid_incident_id=7)
    assert [c.aiid_slug for c in controversy.companies.all()] == ["amazon"]
    affected = Organization.objects.get(aiid_slug="black-people")
    assert (affected.name, affected.kind) == ("Black People", "affected_group")
    union.refresh_from_db()  # found by its alias: linked, its kind kept
    assert (union.aiid_slug, union.kind) == ("members-of-congress", "union")
    roles = {
        (a.organization.aiid_slug, a.role)
        for a in controversy.events.get(kind="report").event_actors.all()
    }
    assert {("black-people", "target"), ("members-of-congress", "target")} <= roles


def test_a_report_tagged_response_becomes_a_company_response_event(snapshot):
    _aiid(snapshot)
    controversy = Controversy.objects.get(aiid_incident_id=7)
    first, response = controversy.events.order_by("occurred_on")
    assert (first.kind, [c.source.aiid_report_number for c in first.citations.all()]) == (
        "report",
        [1, 2],
    )
    assert response.kind == Event.Kind.COMPANY_RESPONSE
    assert response.title == "Our view on confidence thresholds"
    assert response.occurred_on == dt.date(2018, 7, 28)
    assert [c.source.aiid_report_number for c in response.citations.all()] == [3]
    assert {(a.organization.aiid_slug, a.role) for a in response.event_actors.all()} == {
        ("amazon", "respondent")
    }
    _aiid(snapshot)
    assert controversy.events.count() == 2


def test_report_tags_are_kept(snapshot):
    result = import_aiid(snapshot)
    assert result.report_tags == {1: (), 2: ("policing",), 3: ("response", "policing")}
    assert "report tags: policing (2), response (1)" in result.lines()
    tags = dict(Source.objects.values_list("aiid_report_number", "tags"))
    assert tags == {1: "", 2: "policing", 3: "response\npolicing"}


def test_a_rerun_adds_tags_and_keeps_a_curators(snapshot):
    import_aiid(snapshot)
    source = Source.objects.get(aiid_report_number=2)
    source.tags = "policing\nface recognition"
    source.save()

    import_aiid(snapshot)

    source.refresh_from_db()
    assert source.tags == "policing\nface recognition"


# --- AIAAIC ----------------------------------------------------------------------------


def _aiaaic_records() -> list[tuple]:
    """What a user sees of the imported rows, independent of database ids."""
    records = []
    for controversy in Controversy.objects.order_by("aiaaic_id"):
        event = controversy.events.get()
        records.append((
            controversy.aiaaic_id, controversy.title, controversy.summary, controversy.started_on,
            sorted(c.name for c in controversy.companies.all()),
            sorted(p.name for p in controversy.products.all()),
            sorted(t.name for t in controversy.topics.all()),
            event.occurred_on, event.occurred_on_precision, event.title, event.summary,
            [c.source.canonical_url for c in event.citations.all()],
        ))  # fmt: skip
    return records


EXPECTED_AIAAIC = [
    (
        "AIAAIC9001", "Face matcher flags city councillors as suspects",
        "A rights group ran the matcher against the councillors' portraits.",
        dt.date(2018, 1, 1), ["Facecorp", "Riverton Police"], ["FaceFind"],
        ["Accuracy/reliability", "Bias/discrimination", "Facial recognition"],
        dt.date(2018, 1, 1), "year", "Face matcher flags city councillors as suspects",
        "Country: USA. Sector: Govt - police. Purpose: Identify suspects. News trigger: "
        "Research study/report. Transparency: Black box.",
        ["https://rights.example.org/facefind-test", "https://news.example.com/facefind"],
    ),
    (
        "AIAAIC9002", "Voice assistant keeps recordings of private talks",
        "Reporters found that recordings were kept for years.", dt.date(2020, 3, 1),
        ["Talkbox"], ["Talkbox Home"], ["Privacy", "Speech recognition"],
        dt.date(2020, 3, 1), "month", "Voice assistant keeps recordings of private talks",
        "Country: UK, Ireland. Sector: Consumer goods. Purpose: Answer spoken questions. "
        "News trigger: Investigative report.",
        ["https://press.example.net/talkbox"],
    ),
]  # fmt: skip


@pytest.mark.parametrize("layout", ["current", "older"])
def test_both_aiaaic_layouts_import_to_the_same_records(layout):
    output = _aiaaic(LAYOUTS[layout])
    assert "AIAAIC incidents: 2 created, 0 updated, 0 rejected" in output
    assert f"the file is in the {layout} layout" in output
    assert _aiaaic_records() == EXPECTED_AIAAIC


@pytest.mark.parametrize("layout", ["current", "older"])
def test_an_aiaaic_row_links_to_the_controversy_citing_its_links_and_keeps_curated_values(layout):
    curated = _curated(
        "Councillors misidentified by FaceFind",
        "https://news.example.com/facefind",
        summary="Our own account.",
        started_on=None,
    )
    output = _aiaaic(LAYOUTS[layout])

    assert "AIAAIC incidents: 1 created, 0 updated, 0 rejected, 1 linked" in output
    curated.refresh_from_db()
    assert curated.aiaaic_id == "AIAAIC9001"
    assert (curated.title, curated.summary) == (
        "Councillors misidentified by FaceFind",
        "Our own account.",
    )
    assert curated.started_on == dt.date(2018, 1, 1)  # was blank
    assert sorted(c.name for c in curated.companies.all()) == ["Facecorp", "Riverton Police"]
    assert (
        f"row 4 (AIAAIC9001): Controversy {curated.slug} summary: kept 'Our own account.'" in output
    )
    # Its curated event is the row's: it keeps its title and gains the other link.
    event = curated.events.get()
    assert event.title == "Councillors misidentified by FaceFind: curated event"
    assert [c.source.canonical_url for c in event.citations.all()] == [
        "https://news.example.com/facefind",
        "https://rights.example.org/facefind-test",
    ]
    # A second run changes nothing and duplicates nothing.
    assert "0 created, 2 updated" in _aiaaic(LAYOUTS[layout])
    assert Controversy.objects.count() == 2


@pytest.mark.parametrize("layout", ["current", "older"])
def test_an_aiaaic_row_links_to_the_controversy_holding_its_id(layout):
    curated = factories.ControversyFactory(title="Talkbox recordings", aiaaic_id="AIAAIC9002")
    output = _aiaaic(LAYOUTS[layout])
    assert "1 created, 1 updated" in output
    curated.refresh_from_db()
    assert curated.title == "Talkbox recordings"
    assert f"Controversy {curated.slug} title: kept 'Talkbox recordings'" in output


@pytest.mark.parametrize("layout", ["current", "older"])
def test_an_ambiguous_aiaaic_row_changes_nothing(layout):
    _curated("One", "https://rights.example.org/facefind-test")
    _curated("Two", "https://news.example.com/facefind")
    output = _aiaaic(LAYOUTS[layout], "--dry-run")
    assert "row 4 (AIAAIC9001): not imported: controversies one-" in output
    output = _aiaaic(LAYOUTS[layout])
    assert "1 created, 0 updated, 0 rejected, 0 linked, 1 conflicts" in output
    assert not Controversy.objects.filter(aiaaic_id="AIAAIC9001").exists()
    assert not Organization.objects.filter(name="Facecorp").exists()


def test_a_file_in_no_known_aiaaic_layout_names_the_missing_columns(tmp_path):
    path = tmp_path / "renamed.csv"
    shutil.copy(LAYOUTS["current"], path)
    text = path.read_text().replace("Jurisdiction", "Place").replace("Deployer,", "Operator,")
    path.write_text(text)
    with pytest.raises(CommandError) as raised:
        _aiaaic(path)
    assert str(raised.value) == (
        "renamed.csv is in no AIAAIC layout this importer reads: it lacks the columns "
        "Jurisdiction or Country(ies); Deployer or Deployer(s)."
    )
    assert Controversy.objects.count() == 0
