"""Fetching a source through the project's one safe client (ingestion.fetching), with the
archive's own profile: any declared content type, up to ARCHIVE_MAX_BYTES.

A process-wide "network seems down" breaker keeps a batch of snapshots quick when the
machine is offline (the demo on a laptop without internet): after ``OFFLINE_AFTER``
different hosts in a row could not be reached at all, further fetches are not tried for
``OFFLINE_SECONDS`` and fail at once with an "offline" reason, to be retried later.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings

from ingestion.fetching import FetchError, FetchResult
from ingestion.fetching.client import Profile, fetch

OFFLINE_AFTER = 3
OFFLINE_SECONDS = 60.0
# A host name that does not resolve counts towards "gone" only if some other fetch got an
# answer this recently: otherwise it is this machine that cannot resolve anything.
NETWORK_UP_WINDOW_SECONDS = 600.0
# The client's reasons for never reaching a server (ingestion/fetching/client.py and
# addresses.py); HTTP answers, refusals and size limits are not among them.
_UNREACHABLE_PREFIXES = ("could not resolve ", "could not connect to ", "timed out connecting")


def _any_type(mime: str) -> bool:
    return bool(mime)


def document_profile() -> Profile:
    return Profile(
        kind="a document",
        max_bytes=int(settings.ARCHIVE_MAX_BYTES),
        accept="text/html, application/xhtml+xml;q=0.9, */*;q=0.5",
        accepts_type=_any_type,
    )


def is_unreachable(error: FetchError) -> bool:
    return error.status is None and error.reason.startswith(_UNREACHABLE_PREFIXES)


def is_unresolved(error: FetchError) -> bool:
    return error.status is None and error.reason.startswith("could not resolve ")


@dataclass
class NetworkState:
    """What this process has seen of the network lately (thread-safe)."""

    unreachable_hosts: list[str] = field(default_factory=list)
    offline_until: float = 0.0
    last_answer_at: float | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def offline_reason(self) -> str | None:
        with self.lock:
            if time.monotonic() < self.offline_until:
                hosts = ", ".join(self.unreachable_hosts)
                return f"offline: no network (could not reach {hosts}); will retry"
            return None

    def answered(self) -> None:
        with self.lock:
            self.unreachable_hosts.clear()
            self.offline_until = 0.0
            self.last_answer_at = time.monotonic()

    def unreachable(self, host: str) -> None:
        with self.lock:
            if host not in self.unreachable_hosts:
                self.unreachable_hosts.append(host)
            if len(self.unreachable_hosts) >= OFFLINE_AFTER:
                self.offline_until = time.monotonic() + OFFLINE_SECONDS
                del self.unreachable_hosts[:-OFFLINE_AFTER]

    def seems_up(self) -> bool:
        with self.lock:
            last = self.last_answer_at
            return last is not None and time.monotonic() - last < NETWORK_UP_WINDOW_SECONDS

    def reset(self) -> None:
        with self.lock:
            self.unreachable_hosts.clear()
            self.offline_until = 0.0
            self.last_answer_at = None


network = NetworkState()


def fetch_document(
    url: str, *, etag: str | None = None, last_modified: str | None = None
) -> FetchResult:
    """The document at ``url`` (conditionally, given validators), or FetchError."""
    offline = network.offline_reason()
    if offline:
        raise FetchError(offline, transient=True)
    try:
        result = fetch(url, profile=document_profile(), etag=etag, last_modified=last_modified)
    except FetchError as exc:
        if is_unreachable(exc):
            network.unreachable(urlsplit(url).hostname or url)
        elif exc.status is not None:
            network.answered()  # a server answered, even if with an error status
        raise
    network.answered()
    return result
