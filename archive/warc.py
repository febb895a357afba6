"""A fetched document as a WARC file (warcio), and the body read back from one.

The safe client hands over the decompressed body and the headers that matter (type,
validators), so the record's HTTP headers are those, with the body's real length and
no Content-Encoding: what the record holds is exactly what the reader got.
"""

from __future__ import annotations

import io
from http import HTTPStatus

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from ingestion.fetching import FetchResult


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def warc_bytes(result: FetchResult, *, fetched_at_iso: str) -> bytes:
    """One gzipped WARC file with a ``response`` record for ``result.final_url``."""
    content_type = result.content_type or "application/octet-stream"
    if result.charset:
        content_type += f"; charset={result.charset}"
    headers = [("Content-Type", content_type), ("Content-Length", str(len(result.content)))]
    if result.etag:
        headers.append(("ETag", result.etag))
    if result.last_modified:
        headers.append(("Last-Modified", result.last_modified))
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    record = writer.create_warc_record(
        result.final_url,
        "response",
        payload=io.BytesIO(result.content),
        length=len(result.content),
        http_headers=StatusAndHeaders(_status_line(result.status), headers, protocol="HTTP/1.1"),
        warc_headers_dict={"WARC-Date": fetched_at_iso},
    )
    writer.write_record(record)
    return buffer.getvalue()


def read_response(stream: io.BufferedIOBase) -> tuple[str, bytes]:
    """(content type, body) of the first response record in a WARC stream."""
    for record in ArchiveIterator(stream):
        if record.rec_type != "response":
            continue
        content_type = record.http_headers.get_header("Content-Type") or ""
        return content_type, record.content_stream().read()
    raise ValueError("the WARC file holds no response record")
