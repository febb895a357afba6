"""The HTTP exchange: connect to a checked address, follow redirects by hand, read safely.

Every hop is checked again by ``check_url`` (scheme, port, host, every address) before
anything is sent, and the connection goes to one of the checked addresses with the Host
header and TLS server name set from the URL, so DNS is consulted exactly once per hop.
Connect and read timeouts bound each socket operation; a watchdog shuts the socket down
when the total (wall-clock) time runs out, however slowly a server drips its response.
"""

from __future__ import annotations

import contextlib
import http.client
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

from django.conf import settings
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import (
    ConnectTimeoutError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.response import HTTPResponse

from ingestion.fetching.addresses import Target, check_url
from ingestion.fetching.body import CHUNK_SIZE, describe_size, parse_content_type, read_capped
from ingestion.fetching.errors import FetchError, FetchResult
from ingestion.fetching.ratelimit import wait_for_slot
from ingestion.fetching.watchdog import Alarm, watchdog

MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_UNUSABLE_SUCCESS = frozenset({204, 205, 206})
_HEADER_VALUE_RE = re.compile(r"[^\x00-\x1f\x7f]{1,512}")


@dataclass(frozen=True)
class Profile:
    """What one kind of fetch accepts."""

    kind: str  # "a feed", "an HTML page": used in messages
    max_bytes: int
    accept: str
    accepts_type: Callable[[str], bool]


def fetch(
    url: str, *, profile: Profile, etag: str | None = None, last_modified: str | None = None
) -> FetchResult:
    deadline = _Deadline(float(settings.INGESTION_TOTAL_TIMEOUT))
    extra_headers = {"Accept": profile.accept}
    # A stored validator that could not be sent as a header is dropped, not fatal.
    if etag and _HEADER_VALUE_RE.fullmatch(etag):
        extra_headers["If-None-Match"] = etag
    if last_modified and _HEADER_VALUE_RE.fullmatch(last_modified):
        extra_headers["If-Modified-Since"] = last_modified
    conditional = "If-None-Match" in extra_headers or "If-Modified-Since" in extra_headers

    seen: set[str] = set()
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        target = check_url(current)
        if target.url in seen:
            raise FetchError(f"redirect loop at {target.url}")
        seen.add(target.url)
        wait_for_slot(target.host, max_wait=deadline.remaining())
        with _Exchange(target, extra_headers, deadline) as exchange:
            response = exchange.response
            status = response.status
            if status in REDIRECT_STATUSES:
                location = (response.headers.get("Location") or "").strip()
                if not location:
                    raise FetchError(f"HTTP {status} redirect without a Location", status=status)
                try:
                    current = urljoin(target.url, _as_utf8(location))
                except ValueError as exc:  # urllib refuses e.g. "http://[not-an-ip/"
                    raise FetchError(
                        f"HTTP {status} redirect to an unparseable Location: {exc}", status=status
                    ) from None
                continue
            if status == 304 and conditional:
                mime, charset = parse_content_type(response.headers.get("Content-Type"))
                return FetchResult(
                    url=url,
                    final_url=target.url,
                    status=304,
                    content=b"",
                    content_type=mime,
                    charset=charset,
                    etag=response.headers.get("ETag") or extra_headers.get("If-None-Match"),
                    last_modified=response.headers.get("Last-Modified")
                    or extra_headers.get("If-Modified-Since"),
                )
            _check_status(status, response.reason)
            content = exchange.read_body(profile)
            mime, charset = parse_content_type(response.headers.get("Content-Type"))
            return FetchResult(
                url=url,
                final_url=target.url,
                status=status,
                content=content,
                content_type=mime,
                charset=charset,
                etag=response.headers.get("ETag"),
                last_modified=response.headers.get("Last-Modified"),
            )
    raise FetchError(f"more than {MAX_REDIRECTS} redirects")


@dataclass(frozen=True)
class PostResult:
    url: str
    status: int  # a 2xx status: anything else raises FetchError


def post(url: str, *, body: bytes, content_type: str, headers: dict[str, str]) -> PostResult:
    """POST ``body`` to ``url`` through the same checks as a fetch (scheme, port, every
    resolved address, timeouts, the per-host rate limit). A POST is never redirected: a
    3xx answer is a failure, so the body only ever goes to the checked address. Any 2xx
    is a success and the response body is not read."""
    deadline = _Deadline(float(settings.INGESTION_TOTAL_TIMEOUT))
    target = check_url(url)
    wait_for_slot(target.host, max_wait=deadline.remaining())
    extra_headers = {**headers, "Content-Type": content_type, "Accept": "*/*"}
    with _Exchange(target, extra_headers, deadline, method="POST", body=body) as exchange:
        status = exchange.response.status
        if status in REDIRECT_STATUSES:
            raise FetchError(f"HTTP {status}: a POST is not redirected", status=status)
        if not 200 <= status < 300:
            raise _status_error(status, exchange.response.reason)
        return PostResult(url=target.url, status=status)


def _check_status(status: int, reason: str | None) -> None:
    if not 200 <= status < 300 or status in _UNUSABLE_SUCCESS:
        raise _status_error(status, reason)


def _status_error(status: int, reason: str | None) -> FetchError:
    """A server's refusal; 429 and 5xx may pass, so they are worth another try."""
    label = f"HTTP {status} {reason or ''}".strip()
    return FetchError(label, transient=status == 429 or status >= 500, status=status)


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def remaining(self) -> float:
        return self._end - time.monotonic()

    def error(self) -> FetchError:
        return FetchError(
            f"gave up after the total time limit of {self.seconds:g} s", transient=True
        )

    def check(self) -> None:
        if self.remaining() <= 0:
            raise self.error()


class _Exchange:
    """One request and response on a fresh connection, closed on exit."""

    def __init__(
        self,
        target: Target,
        extra_headers: dict[str, str],
        deadline: _Deadline,
        *,
        method: str = "GET",
        body: bytes | None = None,
    ):
        self.target = target
        self.deadline = deadline
        self._method = method
        self._body = body
        self._headers = {
            "Host": target.host_header,
            "User-Agent": settings.INGESTION_USER_AGENT,
            "Accept-Encoding": "gzip, deflate",
            "Connection": "close",
            **extra_headers,
        }
        self._connection: HTTPConnection | None = None
        self._alarm: Alarm | None = None
        self._expired = threading.Event()
        self.response: HTTPResponse

    def __enter__(self) -> _Exchange:
        try:
            self._open()
        except BaseException:
            # Celery's soft time limit can land here too: never leak the socket or timer.
            self._close()
            raise
        return self

    def _open(self) -> None:
        try:
            self._connection = self._connect()
            self._start_watchdog(self._connection.sock)
            self._connection.request(
                self._method,
                self.target.request_target,
                body=self._body,
                headers=self._headers,
                preload_content=False,
                decode_content=False,
            )
            self.response = self._connection.getresponse()
        except (Urllib3Error, http.client.HTTPException, OSError, ValueError) as exc:
            raise self._transport_error(exc) from exc
        # A watchdog shutdown mid-headers reads as an early, clean end of them.
        if self._expired.is_set():
            raise self.deadline.error()

    def __exit__(self, *exc_info: object) -> None:
        self._close()

    def read_body(self, profile: Profile) -> bytes:
        headers = self.response.headers
        mime, _charset = parse_content_type(headers.get("Content-Type"))
        if not mime:
            raise FetchError(f"the response has no Content-Type, so it is not {profile.kind}")
        if not profile.accepts_type(mime):
            raise FetchError(f"the content type {mime[:60]} is not {profile.kind}")
        declared = _declared_length(headers.get("Content-Length"))
        if declared is not None and declared > profile.max_bytes:
            raise FetchError(
                f"the body declares {describe_size(declared)}, over the "
                f"{describe_size(profile.max_bytes)} limit"
            )
        try:
            body = read_capped(
                self._chunks(),
                content_encoding=headers.get("Content-Encoding") or "",
                limit=profile.max_bytes,
                on_chunk=self.deadline.check,
            )
        except FetchError:
            raise
        except (Urllib3Error, http.client.HTTPException, OSError) as exc:
            raise self._transport_error(exc) from exc
        # A watchdog shutdown can look like a clean end of a body without a length.
        if self._expired.is_set():
            raise self.deadline.error()
        return body

    def _chunks(self) -> Iterator[bytes]:
        while chunk := self.response.read1(CHUNK_SIZE, decode_content=False):
            yield chunk

    def _connect(self) -> HTTPConnection:
        last_error: BaseException | None = None
        for address in self.target.addresses:
            remaining = self.deadline.remaining()
            if remaining <= 0:
                raise self.deadline.error()
            timeout = min(float(settings.INGESTION_CONNECT_TIMEOUT), remaining)
            connection = self._new_connection(address, timeout)
            try:
                connection.connect()
            except (Urllib3Error, OSError) as exc:
                connection.close()
                last_error = exc
                continue
            # From here on each socket operation waits at most the read timeout.
            connection.timeout = float(settings.INGESTION_READ_TIMEOUT)
            connection.sock.settimeout(connection.timeout)
            return connection
        assert last_error is not None  # addresses is never empty
        raise self._transport_error(last_error)

    def _new_connection(self, address: str, timeout: float) -> HTTPConnection:
        if self.target.scheme == "https":
            return HTTPSConnection(
                address,
                self.target.port,
                timeout=timeout,
                server_hostname=self.target.host,
                cert_reqs="CERT_REQUIRED",
                ca_certs=settings.INGESTION_CA_BUNDLE or None,
            )
        return HTTPConnection(address, self.target.port, timeout=timeout)

    def _start_watchdog(self, sock: socket.socket) -> None:
        def expire() -> None:
            self._expired.set()
            # The plain-socket shutdown, below any TLS layer, wakes a blocked read;
            # an already closed socket has nothing left to interrupt.
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

        self._alarm = watchdog.after(self.deadline.remaining(), expire)

    def _close(self) -> None:
        if self._alarm is not None:
            self._alarm.cancel()
        if getattr(self, "response", None) is not None:
            self.response.close()
        if self._connection is not None:
            self._connection.close()

    def _transport_error(self, exc: BaseException) -> FetchError:
        if self._expired.is_set() or self.deadline.remaining() <= 0:
            return self.deadline.error()
        return _connection_error(exc, self.target.host)


def _connection_error(exc: BaseException, host: str) -> FetchError:
    """What went wrong talking to ``host``, said for a reader, and whether a retry may
    help; the first matching kind of failure wins."""
    # urllib3 files a refused connection under its connect timeouts; it is not one.
    if isinstance(exc, NewConnectionError):
        return FetchError(f"could not connect to {host}", transient=True)
    if isinstance(exc, ConnectTimeoutError):
        return FetchError(f"timed out connecting to {host}", transient=True)
    if isinstance(exc, ReadTimeoutError | TimeoutError):
        return FetchError(f"timed out waiting for {host}", transient=True)
    if isinstance(exc, ProtocolError) and isinstance(exc.__context__, TimeoutError):
        return FetchError(f"timed out waiting for {host}", transient=True)
    cert_error = isinstance(exc, ssl.SSLCertVerificationError) or (
        isinstance(exc, SSLError) and "CERTIFICATE_VERIFY_FAILED" in str(exc)
    )
    if cert_error or "doesn't match" in str(exc):
        return FetchError(f"the TLS certificate of {host} could not be verified")
    if isinstance(exc, SSLError | ssl.SSLError):
        return FetchError(f"the TLS connection to {host} failed", transient=True)
    if isinstance(exc, http.client.RemoteDisconnected | http.client.IncompleteRead):
        return FetchError(f"{host} closed the connection early", transient=True)
    if isinstance(exc, http.client.HTTPException | ValueError):
        return FetchError(f"{host} sent an invalid HTTP response")
    if isinstance(exc, ProtocolError):
        return FetchError(f"the connection to {host} broke", transient=True)
    return FetchError(f"could not connect to {host}", transient=True)


def _as_utf8(header_value: str) -> str:
    # http.client decodes header bytes as Latin-1; servers that put raw UTF-8 in a
    # Location mean UTF-8, which check_url then percent-encodes.
    try:
        return header_value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return header_value


def _declared_length(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
