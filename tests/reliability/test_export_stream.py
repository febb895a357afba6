"""Streamed exports through a real gunicorn, read by a raw HTTP/1.1 client that checks the
chunked framing itself: a download is complete only if its terminating chunk arrived.

Bad filters must be refused before any byte is sent, and an export that fails part-way
(a row that cannot be read, the database connection killed) must not end like a whole
file: no terminating chunk, and the failure marker in place of the missing rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import psycopg
import pytest
from django.db import connection

from controversies.models import Event
from opendata.exports import CHUNK_SIZE, FAILURE_TEXT
from tests import factories
from tests.reliability import processes as running
from tests.reliability.processes import base_env, wait_until

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@dataclass
class RawAnswer:
    status: int
    headers: dict[str, str]
    body: bytes = b""
    chunked: bool = False
    terminated: bool = False  # the zero-length chunk that ends a chunked body arrived


def _decode_chunks(raw: bytes, answer: RawAnswer) -> None:
    position = 0
    while (end := raw.find(b"\r\n", position)) >= 0:
        size = int(raw[position:end].split(b";")[0], 16)
        start = end + 2
        if size == 0:
            answer.terminated = True
            return
        answer.body += raw[start : start + size]
        if len(raw) < start + size + 2:
            return  # cut off inside this chunk
        position = start + size + 2


def send_get(base: str, path: str, *, receive_buffer: int | None = None) -> socket.socket:
    """Open a connection and send an HTTP/1.1 GET for ``path``."""
    parts = urlsplit(base)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if receive_buffer:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.settimeout(60)
    sock.connect((parts.hostname, parts.port))
    request = f"GET {path} HTTP/1.1\r\nHost: {parts.hostname}\r\nConnection: close\r\n\r\n"
    sock.sendall(request.encode())
    return sock


def read_answer(sock: socket.socket, raw: bytes = b"") -> RawAnswer:
    """Read until the server closes the connection, then take the answer apart."""
    with sock:
        while piece := sock.recv(65536):
            raw += piece
    head, _, raw = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(": ")
        headers[name.lower()] = value
    answer = RawAnswer(int(status_line.split()[1]), headers)
    answer.chunked = headers.get("transfer-encoding") == "chunked"
    if answer.chunked:
        _decode_chunks(raw, answer)
    else:
        answer.body = raw
    return answer


def raw_get(base: str, path: str) -> RawAnswer:
    return read_answer(send_get(base, path))


def _timeline(events: int, *, summary: str = "One dated thing.") -> str:
    controversy = factories.ControversyFactory(slug="long-story", title="A long story")
    created = Event.objects.bulk_create(
        Event(
            occurred_on=dt.date(2000, 1, 1) + dt.timedelta(days=n),
            title=f"Event number {n}",
            summary=summary,
        )
        for n in range(events)
    )
    Event.controversies.through.objects.bulk_create(
        Event.controversies.through(event_id=event.pk, controversy_id=controversy.pk)
        for event in created
    )
    return "/exports/controversies/long-story/timeline"


def _strictly_parsed(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode(), newline=""), strict=True))


@pytest.fixture
def site(processes):
    server, base = processes.gunicorn("gunicorn", base_env(), workers=1)
    return server, base


def test_a_whole_export_ends_with_the_terminating_chunk(site):
    # The control for the tests below: the client sees the end of a complete download.
    path = _timeline(CHUNK_SIZE * 2 + 10)
    _server, base = site
    answer = raw_get(base, path + ".csv")
    assert answer.status == 200
    assert answer.chunked and answer.terminated
    rows = _strictly_parsed(answer.body)
    assert len(rows) == 1 + CHUNK_SIZE * 2 + 10
    assert rows[-1][6] == f"Event number {CHUNK_SIZE * 2 + 9}"


def test_bad_filters_are_refused_before_the_export_starts(site):
    # Before the fix ?year_to=0 answered 200 and a CSV of only the header row.
    _server, base = site
    for query in ("year_to=0", "year_from=99999", "year_to=soon", "status=nope&year_to=-1"):
        for fmt in ("csv", "json"):
            answer = raw_get(base, f"/exports/resolutions.{fmt}?{query}")
            assert answer.status == 400, (query, fmt)
            assert not answer.chunked
            assert int(answer.headers["content-length"]) == len(answer.body)
            # A download's refusal is plain text naming the parameter and its value.
            assert answer.headers["content-type"].startswith("text/plain")
            first = query.split("&")[0]
            name, value = first.split("=")
            assert answer.body.decode().startswith(f'Invalid {name} "{value}"'), answer.body


def _timeline_with_an_unreadable_last_row() -> str:
    """A timeline whose last event has a date PostgreSQL stores but Python cannot load
    (year 10000), past the first two chunks of rows."""
    path = _timeline(CHUNK_SIZE * 2 + 10)
    last = Event.objects.order_by("-occurred_on").first()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Event._meta.db_table} SET occurred_on = '10000-01-01' WHERE id = %s",
            [last.pk],
        )
    return path


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_row_that_cannot_be_read_cuts_the_download_visibly(site, fmt):
    # GIVEN a timeline whose last row cannot be read
    path = _timeline_with_an_unreadable_last_row()
    server, base = site
    # WHEN it is downloaded
    answer = raw_get(base, f"{path}.{fmt}")
    # THEN the answer started as a 200 but the chunked body never ends: the client and
    # any browser report a failed download
    assert answer.status == 200
    assert answer.chunked and not answer.terminated
    # and the rows before the fault are there, then the marker, so the file cannot pass
    # for a whole one even when saved
    text = answer.body.decode()
    assert f"Event number {CHUNK_SIZE * 2 - 1}" in text
    assert text.endswith(FAILURE_TEXT)
    if fmt == "csv":
        with pytest.raises(csv.Error):
            _strictly_parsed(answer.body)
    else:
        with pytest.raises(json.JSONDecodeError):
            json.loads(text)
    # and the server log says which export failed, after how many rows, and why
    wait_until(
        lambda: (
            f"export long-story-timeline.{fmt} failed after {CHUNK_SIZE * 2} rows"
            in server.output(tail=200_000)
        ),
        timeout=10,
        message="the failure is logged",
    )
    assert "DataError" in server.output(tail=200_000)


def test_a_cut_download_stays_cut_through_the_nginx_proxy(processes):
    # GIVEN the web tier as `make stack` runs it (nginx in front of gunicorn), WHEN an
    # export fails part-way, THEN nginx cuts the visitor's download off too. (Talking
    # HTTP/1.0 to gunicorn, nginx used to end the body with a proper last chunk.)
    path = _timeline_with_an_unreadable_last_row()
    base = processes.web_behind_nginx(base_env())
    assert raw_get(base, "/exports/resolutions.csv").terminated  # a whole one does end
    answer = raw_get(base, path + ".csv")
    assert answer.status == 200
    assert answer.chunked and not answer.terminated
    assert answer.body.decode().endswith(FAILURE_TEXT)


def _my_backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _terminate_other_backends() -> int:
    """pg_terminate_backend on every other connection to the test database: gunicorn's."""
    with psycopg.connect(running.test_database_url(), autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND pid <> %s",
            [_my_backend_pid()],
        ).fetchall()
    return len(rows)


def test_a_database_connection_killed_mid_export_cuts_the_download_visibly(site):
    # GIVEN an export many times larger than the socket buffers, so the server is still
    # reading rows from PostgreSQL while the client holds only the first ones
    events = CHUNK_SIZE * 12
    path = _timeline(events, summary="x" * 4000)
    server, base = site
    sock = send_get(base, path + ".csv", receive_buffer=65536)
    first = sock.recv(65536)
    assert first.startswith(b"HTTP/1.1 200"), first[:200]
    # WHEN the server's database connection is killed while the download is under way
    assert _terminate_other_backends() >= 1
    answer = read_answer(sock, first)
    # THEN the download ends without its terminating chunk, short of the last row, with
    # the marker at the end, and the log says why
    assert answer.status == 200
    assert answer.chunked and not answer.terminated
    text = answer.body.decode()
    assert f'"Event number {events - 1}"' not in text
    assert text.endswith(FAILURE_TEXT)
    wait_until(
        lambda: "export long-story-timeline.csv failed after" in server.output(tail=200_000),
        timeout=10,
        message="the failure is logged",
    )
    assert "terminating connection due to administrator command" in server.output(tail=200_000)
