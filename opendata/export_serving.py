"""Sending a full export from its file: Content-Length, a strong ETag (the export, its
curated data version and format), 304 for a matching If-None-Match, and one byte range
(206, or 416 when it starts past the end).

Range follows RFC 9110 section 14: a header that is not one well-formed "bytes" range
(several ranges, another unit, junk) is ignored and the whole file sent, as is a Range
whose If-Range names another ETag; only a well-formed range that starts past the end is
refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils.http import parse_etags

from controversies.curated_version import curated_data_version
from opendata import export_files, export_slots
from opendata.export_files import Built

BLOCK = 64 * 1024
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
_RANGE = re.compile(r"^bytes=([0-9]*)-([0-9]*)$")


class Unsatisfiable(Exception):
    """A well-formed range that starts at or past the end of the file."""


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) byte, both included, of the one range asked for; None to send
    the whole file. Raises Unsatisfiable."""
    match = _RANGE.match(header.strip().replace(" ", ""))
    if match is None:
        return None
    first, last = match[1], match[2]
    if not first:
        if not last:
            return None
        length = int(last)  # a suffix: the last N bytes
        if length == 0 or size == 0:
            raise Unsatisfiable
        return max(size - length, 0), size - 1
    start = int(first)
    if last and int(last) < start:
        return None  # not a valid range: ignored
    if start >= size:
        raise Unsatisfiable
    return start, min(int(last), size - 1) if last else size - 1


def _blocks(built: Built, start: int, length: int) -> Iterator[bytes]:
    with export_files.storage().open(built.path, "rb") as handle:
        handle.seek(start)
        while length > 0:
            block = handle.read(min(BLOCK, length))
            if not block:
                return
            length -= len(block)
            yield block


def _headers(response: HttpResponseBase, built: Built) -> HttpResponseBase:
    response["ETag"] = built.etag
    response["Accept-Ranges"] = "bytes"
    return response


def _not_modified(request: HttpRequest, built: Built) -> bool:
    tags = parse_etags(request.headers.get("If-None-Match", ""))
    # If-None-Match compares weakly: W/"x" matches "x".
    return "*" in tags or built.etag in {t.removeprefix("W/") for t in tags}


def _wanted_range(request: HttpRequest, built: Built) -> tuple[int, int] | None:
    header = request.headers.get("Range")
    if not header:
        return None
    if_range = request.headers.get("If-Range")
    if if_range is not None and if_range.strip() != built.etag:
        return None  # the client holds part of another file: send this one whole
    return parse_range(header, built.size)


def from_file(request: HttpRequest, built: Built) -> HttpResponseBase:
    if _not_modified(request, built):
        return _headers(HttpResponse(status=304), built)
    try:
        wanted = _wanted_range(request, built)
    except Unsatisfiable:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{built.size}"
        return _headers(response, built)
    start, end = wanted if wanted is not None else (0, built.size - 1)
    length = end - start + 1
    response = StreamingHttpResponse(
        _blocks(built, start, length),
        status=206 if wanted is not None else 200,
        content_type=CONTENT_TYPES[built.fmt],
    )
    response["Content-Length"] = str(length)
    if wanted is not None:
        response["Content-Range"] = f"bytes {start}-{end}/{built.size}"
    response["Content-Disposition"] = f'attachment; filename="{built.name}.{built.fmt}"'
    return _headers(response, built)


def full_export(request: HttpRequest, name: str, fmt: str) -> HttpResponseBase:
    """The full export: the current version's file; while it is built the previous
    one; with neither, streamed under the concurrency limit."""
    version = curated_data_version()
    newest = export_files.newest(name, fmt)
    if version is not None and (newest is None or newest.version != version):
        newest = export_files.queue_build(name, fmt, version) or newest
    if newest is not None:
        return from_file(request, newest)
    return export_slots.limited(lambda: export_files.stream(name, fmt))
