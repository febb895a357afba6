"""What a fetch returns, and the one exception it raises."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FetchResult:
    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int  # 200, or 304 for a conditional GET that did not change
    content: bytes  # decompressed body (b"" for 304)
    content_type: str  # e.g. "text/html"
    charset: str | None  # from the Content-Type header
    etag: str | None
    last_modified: str | None


class FetchError(Exception):
    """A fetch that did not produce a usable body.

    ``reason`` is short and human-readable (at most 300 characters): it is recorded on
    the feed or article and shown to curators. ``transient`` says whether trying again
    later may help (timeouts, connection errors, 5xx, 429); refusals and other 4xx are
    never transient. ``status`` is the HTTP status when a server answered with one.
    """

    MAX_REASON_LENGTH = 300

    def __init__(self, reason: str, *, transient: bool = False, status: int | None = None):
        # Reasons quote URLs, host names and server phrases: keep them fit for a column.
        if len(reason) > self.MAX_REASON_LENGTH:
            reason = reason[: self.MAX_REASON_LENGTH - 1] + "…"
        super().__init__(reason)
        self.reason = reason
        self.transient = transient
        self.status = status

    def __repr__(self) -> str:
        return f"FetchError({self.reason!r}, transient={self.transient!r}, status={self.status!r})"
