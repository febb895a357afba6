from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext

from opendata import exports

pytestmark = pytest.mark.django_db


def _body(response) -> str:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode()


def _csv(client, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(_body(response))))


def _json(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(_body(response))


def test_it_exports_every_controversy_as_csv(client, world):
    rows = _csv(client, "/exports/controversies.csv")
    assert [r["slug"] for r in rows] == ["amazon-rekognition", "project-maven", "old-chatbot"]
    first = rows[0]
    assert first["companies"] == "amazon"
    assert first["topics"] == "facial-recognition"
    assert first["last_event_on"] == "2018-07-26"
    assert first["aiid_incident_id"] == "42"
    assert rows[1]["aiaaic_id"] == "AIAAIC0123"


def test_it_exports_the_filtered_list_as_json(client, world):
    rows = _json(client, "/exports/controversies.json?company=google")
    assert [r["slug"] for r in rows] == ["project-maven"]
    assert rows[0]["companies"] == ["google"]
    assert rows[0]["status"] == "resolved"


def test_it_ignores_bad_filters_in_exports(client, world):
    rows = _csv(client, "/exports/controversies.csv?status=nope&year_to=soon&unknown=1")
    assert len(rows) == 3


def test_it_searches_in_exports(client, world):
    assert [r["slug"] for r in _json(client, "/exports/controversies.json?q=maven")] == [
        "project-maven"
    ]


def test_it_exports_a_timeline_with_sources(client, world):
    rows = _csv(client, "/exports/controversies/amazon-rekognition/timeline.csv")
    assert [r["title"] for r in rows] == [
        "ACLU reveals sales to police",
        "Test misidentifies 28 members of Congress",
    ]
    assert rows[1]["source_urls"].splitlines() == [
        "https://www.aclu.org/blog/rekognition-test",
        "https://www.aclu.org/letter",
    ]
    assert rows[0]["actors"].splitlines() == ["aclu:author", "amazon:target"]
    data = _json(client, "/exports/controversies/amazon-rekognition/timeline.json")
    assert data[1]["source_titles"] == ["28 members of Congress", "ACLU letter to Amazon"]
    assert data[0]["display_date"] == "22 May 2018"


def test_it_answers_404_for_the_timeline_of_an_unknown_controversy(client, world):
    assert client.get("/exports/controversies/nope/timeline.csv").status_code == 404


def test_it_exports_resolutions_with_votes(client, world):
    rows = _json(client, "/exports/resolutions.json")
    assert [r["slug"] for r in rows] == ["google-2021-ai", "amazon-2019-rekognition"]
    amazon = rows[1]
    assert amazon["votes_for"] == 10_000_000
    assert amazon["support_for_against_pct"] == "2.50"
    assert amazon["support_with_abstentions_pct"] == "2.49"
    assert amazon["co_filers"] == ["aclu"]
    assert amazon["passed"] is False
    csv_rows = _csv(client, "/exports/resolutions.csv?company=amazon")
    assert [r["slug"] for r in csv_rows] == ["amazon-2019-rekognition"]
    assert csv_rows[0]["passed"] == "false"


def test_it_filters_resolutions_by_year(client, world):
    assert [r["slug"] for r in _json(client, "/exports/resolutions.json?year_from=2020")] == [
        "google-2021-ai"
    ]


def test_it_streams_rows_chunk_by_chunk(client, world, monkeypatch):
    # GIVEN chunks of one row, WHEN the export is read a piece at a time, THEN the later
    # rows (and their prefetches) are only queried when the client reaches them.
    monkeypatch.setattr(exports, "CHUNK_SIZE", 1)
    response = client.get("/exports/controversies.csv")
    assert isinstance(response, StreamingHttpResponse)
    pieces = iter(response.streaming_content)
    with CaptureQueriesContext(connection):
        header, row = next(pieces), next(pieces)
    with CaptureQueriesContext(connection) as rest:
        remainder = list(pieces)
    assert header.startswith(b"slug,title")
    assert row.startswith(b"amazon-rekognition,")
    assert len(remainder) == 2
    assert len(rest) >= 2 * 3  # three prefetches for each of the two later chunks


def test_it_documents_every_export_column():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "data-dictionary.md").read_text()
    documented = set(re.findall(r"^\| `(\w+)` \|", doc, flags=re.MULTILINE))
    for columns in (
        exports.CONTROVERSY_COLUMNS,
        exports.TIMELINE_COLUMNS,
        exports.RESOLUTION_COLUMNS,
    ):
        missing = {c.name for c in columns} - documented
        assert not missing, f"undocumented export columns: {sorted(missing)}"


def test_it_defuses_spreadsheet_formulas_in_csv_but_not_json(client, world):
    world.maven.title = '=HYPERLINK("https://evil.example","click")'
    world.maven.save()
    rows = _csv(client, "/exports/controversies.csv?status=resolved")
    assert rows[0]["title"] == "'" + world.maven.title
    assert _json(client, "/exports/controversies.json?status=resolved")[0]["title"] == (
        world.maven.title
    )
