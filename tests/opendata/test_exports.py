from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from django.db import DataError, connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext

from controversies.models import Controversy, Event
from opendata import exports
from tests import factories
from tests.opendata.formulas import PAYLOADS, check_csv_against_json, plant_formulas

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


def test_it_ignores_unknown_parameters_in_exports(client, world):
    rows = _csv(client, "/exports/controversies.csv?unknown=1&utm_source=x")
    assert len(rows) == 3


@pytest.mark.parametrize(
    ("path", "named"),
    [
        ("/exports/resolutions.csv?year_to=0", "year_to"),
        ("/exports/resolutions.json?year_from=99999", "year_from"),
        ("/exports/resolutions.csv?status=nope", "status"),
        ("/exports/controversies.csv?status=nope&year_to=soon", "year_to"),
        ("/exports/controversies.json?year_from=0", "year_from"),
    ],
)
def test_it_refuses_bad_filters_before_the_export_starts(client, world, path, named):
    # Before the fix year_to=0 answered 200 and a body cut short after the header row.
    response = client.get(path)
    assert response.status_code == 400
    assert not response.streaming
    assert "attachment" not in response.get("Content-Disposition", "")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    message = response.content.decode()
    assert f'Invalid {named} "' in message


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
    # Any parameter (this one is ignored) streams: a bare full export is sent from a file.
    response = client.get("/exports/controversies.csv?utm_source=x")
    assert isinstance(response, StreamingHttpResponse)
    pieces = iter(response.streaming_content)
    with CaptureQueriesContext(connection):
        header, row = next(pieces), next(pieces)
    with CaptureQueriesContext(connection) as rest:
        remainder = list(pieces)
    assert header.startswith(b'"slug","title"')
    assert row.startswith(b'"amazon-rekognition",')
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


def test_it_quotes_every_cell_and_defuses_every_formula_in_every_csv_export(client, world):
    # GIVEN formulas planted in every free-text column, WHEN each export is downloaded as
    # CSV and as JSON, THEN every CSV cell is quoted, none runs as a formula, each gives
    # back the JSON's value once the apostrophe is stripped, and the JSON holds the
    # planted text unchanged.
    # Enough events that every payload lands in a timeline's title column.
    factories.EventFactory.create_batch(len(PAYLOADS), controversy=world.rekognition)
    plant_formulas()
    exported: set[str] = set()
    paths = ["/exports/controversies", "/exports/resolutions"] + [
        f"/exports/controversies/{slug}/timeline"
        for slug in Controversy.objects.values_list("slug", flat=True)
    ]
    for path in paths:
        response = client.get(path + ".csv")
        exported |= check_csv_against_json(_body(response), _json(client, path + ".json"))
    assert set(PAYLOADS) <= exported


def _break_last_event(controversy: Controversy) -> None:
    """A date PostgreSQL stores but Python cannot load (year 10000): reading the row
    raises, as any row that cannot be rendered would."""
    last = controversy.events.order_by("occurred_on", "id").last()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Event._meta.db_table} SET occurred_on = '10000-01-01' WHERE id = %s",
            [last.pk],
        )


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_it_ends_a_stream_that_fails_midway_so_the_file_cannot_pass_for_whole(
    client, world, caplog, monkeypatch, fmt
):
    # GIVEN one row per chunk and a timeline whose second event cannot be read, WHEN the
    # export streams, THEN the first row goes out, then the failure marker, then the
    # error (the server aborts the connection), and the log says which export failed.
    monkeypatch.setattr(exports, "CHUNK_SIZE", 1)
    _break_last_event(world.rekognition)
    response = client.get(f"/exports/controversies/amazon-rekognition/timeline.{fmt}")
    assert response.status_code == 200
    received = []
    with pytest.raises(DataError):
        for chunk in response.streaming_content:
            received.append(chunk.decode())
    body = "".join(received)
    assert "ACLU reveals sales to police" in body
    assert body.endswith(exports.FAILURE_TEXT)
    if fmt == "csv":
        with pytest.raises(csv.Error):
            list(csv.reader(io.StringIO(body), strict=True))
    else:
        with pytest.raises(json.JSONDecodeError):
            json.loads(body)
    assert f"export amazon-rekognition-timeline.{fmt} failed after 1 rows" in caplog.text
