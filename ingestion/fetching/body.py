"""Read a response body within limits: declared type, raw size and decompressed size.

The body is read in small pieces and decompressed as it arrives, so a 50 MB response or a
gzip bomb is refused once it passes the cap, without holding more than the cap in memory.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable
from email.message import Message

from ingestion.fetching.errors import FetchError

CHUNK_SIZE = 64 * 1024


def parse_content_type(header: str | None) -> tuple[str, str | None]:
    """``"text/HTML; charset=UTF-8"`` -> ``("text/html", "UTF-8")``; ``("", None)`` if absent."""
    if not header or not header.strip():
        return "", None
    message = Message()
    message["content-type"] = header
    mime = header.split(";", 1)[0].strip().lower()
    charset = message.get_param("charset")
    if isinstance(charset, tuple):  # RFC 2231 form
        charset = charset[2]
    charset = str(charset).strip().strip("'\"") if charset else None
    return mime, charset or None


def describe_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    return f"{size / 1024:g} KB"


class _Decoder:
    """Incremental gzip/deflate decoding with a ceiling on the output."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.limit = limit
        self.encoding = encoding
        self.size = 0
        if encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        else:  # deflate: zlib-wrapped as the RFC says, raw as some servers send it
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS)
        self._started = False

    def feed(self, data: bytes) -> bytes:
        out = []
        try:
            while data:
                piece = self._decompress(data)
                data = self._zlib.unconsumed_tail
                self._take(piece, out)
                if self._zlib.eof:
                    break  # trailing bytes after the stream end are ignored
        except zlib.error:
            raise FetchError(f"the {self.encoding} body is corrupt") from None
        return b"".join(out)

    def finish(self) -> bytes:
        out: list[bytes] = []
        try:
            self._take(self._zlib.flush(), out)
        except zlib.error:
            raise FetchError(f"the {self.encoding} body is corrupt") from None
        if not self._zlib.eof:
            raise FetchError(f"the {self.encoding} body is truncated")
        return b"".join(out)

    def _decompress(self, data: bytes) -> bytes:
        # One byte more than the room left is enough to know the cap is passed.
        room = self.limit - self.size + 1
        if not self._started and self.encoding == "deflate":
            self._started = True
            try:
                return self._zlib.decompress(data, room)
            except zlib.error:
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
        self._started = True
        return self._zlib.decompress(data, room)

    def _take(self, piece: bytes, out: list[bytes]) -> None:
        self.size += len(piece)
        if self.size > self.limit:
            raise FetchError(f"the decompressed body is over the {describe_size(self.limit)} limit")
        out.append(piece)


def read_capped(
    chunks: Iterable[bytes], *, content_encoding: str, limit: int, on_chunk: Callable[[], None]
) -> bytes:
    """Join ``chunks`` (raw body pieces), decoding ``content_encoding``, within ``limit``.

    ``on_chunk`` runs before each piece is used, so the caller can enforce its deadline.
    """
    encoding = content_encoding.strip().lower()
    if encoding in ("", "identity"):
        decoder = None
    elif encoding in ("gzip", "x-gzip", "deflate"):
        decoder = _Decoder(encoding, limit)
    else:
        raise FetchError(f"unsupported Content-Encoding {encoding[:30]!r}")
    raw_size = 0
    body: list[bytes] = []
    for chunk in chunks:
        on_chunk()
        raw_size += len(chunk)
        if raw_size > limit:
            raise FetchError(f"the body is over the {describe_size(limit)} limit")
        body.append(decoder.feed(chunk) if decoder else chunk)
    if decoder:
        body.append(decoder.finish())
    return b"".join(body)
