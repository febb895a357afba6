"""Streamed CSV and JSON exports.

Rows come from ``QuerySet.iterator(chunk_size=...)``, which also runs the prefetches one
chunk at a time, and are written out as they are produced, so memory stays flat however
many rows an export has. The columns are declared once here and documented in
docs/data-dictionary.md (a test keeps the two in step).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import StreamingHttpResponse

from controversies.models import Event, ShareholderResolution
from opendata import csvsafe
from opendata.links import page_url

logger = logging.getLogger(__name__)

CHUNK_SIZE = 500


@dataclass(frozen=True)
class Column:
    name: str
    get: Callable[[Any], Any]
    many: bool = False  # a list: joined with newlines in CSV, an array in JSON


def _slugs(manager: Any) -> list[str]:
    return [obj.slug for obj in manager.all()]


def _names(manager: Any) -> list[str]:
    return [obj.name for obj in manager.all()]


CONTROVERSY_COLUMNS = [
    Column("slug", lambda c: c.slug),
    Column("title", lambda c: c.title),
    Column("status", lambda c: c.status),
    Column("started_on", lambda c: c.started_on),
    Column("last_event_on", lambda c: c.last_event_on),
    Column("companies", lambda c: _slugs(c.companies), many=True),
    Column("company_names", lambda c: _names(c.companies), many=True),
    Column("products", lambda c: _slugs(c.products), many=True),
    Column("topics", lambda c: _slugs(c.topics), many=True),
    Column("summary", lambda c: c.summary),
    Column("aiid_incident_id", lambda c: c.aiid_incident_id),
    Column("aiaaic_id", lambda c: c.aiaaic_id),
    Column("url", lambda c: c.get_absolute_url()),
]


def _sources(event: Event) -> list[Any]:
    return [citation.source for citation in event.citations.all()]


TIMELINE_COLUMNS = [
    # Every controversy the event is on (a shared event lists each), home first.
    Column("controversies", lambda e: [c.slug for c in e.controversies.all()], many=True),
    Column("event_id", lambda e: e.pk),
    Column("occurred_on", lambda e: e.occurred_on),
    Column("precision", lambda e: e.occurred_on_precision),
    Column("display_date", lambda e: e.display_date),
    Column("kind", lambda e: e.kind),
    Column("title", lambda e: e.title),
    Column("summary", lambda e: e.summary),
    Column(
        "actors",
        lambda e: [f"{a.organization.slug}:{a.role}" for a in e.event_actors.all()],
        many=True,
    ),
    Column("source_urls", lambda e: [s.url for s in _sources(e)], many=True),
    Column("source_titles", lambda e: [s.title for s in _sources(e)], many=True),
    Column("source_publishers", lambda e: [s.publisher for s in _sources(e)], many=True),
    Column("source_published_on", lambda e: [s.published_on for s in _sources(e)], many=True),
    Column("source_quotes", lambda e: [c.quote for c in e.citations.all()], many=True),
]


def _vote(resolution: ShareholderResolution, attr: str) -> Any:
    vote = getattr(resolution, "vote", None)
    return getattr(vote, attr) if vote is not None else None


def _slug(obj: Any) -> str | None:
    return obj.slug if obj is not None else None


RESOLUTION_COLUMNS = [
    Column("slug", lambda r: r.slug),
    Column("company", lambda r: r.meeting.company.slug),
    Column("company_name", lambda r: r.meeting.company.name),
    Column("meeting_on", lambda r: r.meeting.held_on),
    Column("meeting_kind", lambda r: r.meeting.kind),
    Column("item_number", lambda r: r.item_number),
    Column("title", lambda r: r.title),
    Column("ask", lambda r: r.ask),
    Column("status", lambda r: r.status),
    Column("filed_on", lambda r: r.filed_on),
    Column("board_recommendation", lambda r: r.board_recommendation),
    Column("lead_filer", lambda r: _slug(r.lead_filer)),
    Column("co_filers", lambda r: _slugs(r.co_filers), many=True),
    Column("organiser", lambda r: _slug(r.organiser)),
    Column("topics", lambda r: _slugs(r.topics), many=True),
    Column("controversy", lambda r: _slug(r.controversy)),
    Column("campaign", lambda r: _slug(r.campaign)),
    Column("votes_for", lambda r: _vote(r, "votes_for")),
    Column("votes_against", lambda r: _vote(r, "votes_against")),
    Column("abstentions", lambda r: _vote(r, "abstentions")),
    Column("broker_non_votes", lambda r: _vote(r, "broker_non_votes")),
    Column("shares_outstanding", lambda r: _vote(r, "shares_outstanding")),
    Column("reported_support_pct", lambda r: _vote(r, "reported_support_pct")),
    Column("reported_basis", lambda r: _vote(r, "reported_basis")),
    Column("support_for_against_pct", lambda r: _vote(r, "support_for_against")),
    Column("support_with_abstentions_pct", lambda r: _vote(r, "support_with_abstentions")),
    Column("passed", lambda r: _vote(r, "passed")),
    Column("url", lambda r: page_url("controversies:resolution", r.slug)),
    # Added after the first columns, so it goes last: readers by position keep working.
    Column("vote_source_url", lambda r: _vote_source_url(r)),
]


def _vote_source_url(resolution: ShareholderResolution) -> str | None:
    """The document that reports the vote; None when there is no vote or no source."""
    source = _vote(resolution, "source")
    return source.url if source is not None else None


class _Echo:
    """A file-like object whose write() hands the line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(objects: Iterable[Any], columns: list[Column]) -> Iterator[str]:
    writer = csvsafe.writer(_Echo())
    yield writer.writerow([c.name for c in columns])
    for obj in objects:
        yield writer.writerow([c.get(obj) for c in columns])


def json_chunks(objects: Iterable[Any], columns: list[Column]) -> Iterator[str]:
    encoder = DjangoJSONEncoder(ensure_ascii=False)
    yield "["
    first = True
    for obj in objects:
        row = {c.name: c.get(obj) for c in columns}
        yield ("\n" if first else ",\n") + encoder.encode(row)
        first = False
    yield "\n]\n"


# Sent, when an export fails part-way, after the last complete row and before the
# connection is aborted, so even a client that ignores the broken transfer cannot take
# the file for a whole one: in CSV it opens a quoted cell that never closes (a strict
# reader refuses the file, a spreadsheet shows the text in the last row), and JSON is
# left without its closing bracket.
FAILURE_TEXT = "EXPORT FAILED: this file is incomplete; download it again."
FAILURE_MARKERS = {"csv": '"' + FAILURE_TEXT, "json": "\n" + FAILURE_TEXT}


def _ended_visibly(chunks: Iterator[str], *, fmt: str, filename: str) -> Iterator[str]:
    """Pass the chunks on; if producing one fails, log why, send the failure marker and
    re-raise. A WSGI server that has sent the headers then aborts the connection
    (gunicorn closes it without the terminating chunk of the chunked body), which
    browsers and HTTP clients report as a failed download."""
    sent = 0
    try:
        for chunk in chunks:
            yield chunk
            sent += 1
    except Exception:
        rows = max(sent - 1, 0)  # the first chunk is the CSV header or the "["
        logger.exception("export %s.%s failed after %d rows; download cut off", filename, fmt, rows)
        yield FAILURE_MARKERS[fmt]
        raise


def stream(
    queryset: QuerySet, columns: list[Column], fmt: str, filename: str
) -> StreamingHttpResponse:
    """Stream the rows. Validate the request before calling this: once the first chunk
    is out the status is 200 and an error can only cut the download short."""
    return stream_rows(queryset.iterator(chunk_size=CHUNK_SIZE), columns, fmt, filename)


def stream_rows(
    objects: Iterable[Any], columns: list[Column], fmt: str, filename: str
) -> StreamingHttpResponse:
    """``stream`` for rows that are not a queryset (produced a chunk at a time by the
    caller). The same rule: validate the request first."""
    if fmt == "csv":
        chunks, content_type = csv_chunks(objects, columns), "text/csv; charset=utf-8"
    else:
        chunks, content_type = json_chunks(objects, columns), "application/json"
    response = StreamingHttpResponse(
        _ended_visibly(chunks, fmt=fmt, filename=filename), content_type=content_type
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
