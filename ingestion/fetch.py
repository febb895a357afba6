"""TEMPORARY stand-in for the safe HTTP client built on the ``fetch`` branch.

Same interface, far fewer checks: it exists only so the pipeline can be built and tested
in parallel, and is replaced by the real module when that branch is merged.
"""

from __future__ import annotations

import ipaddress
import socket
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings

FEED_MAX_BYTES = 2 * 1024 * 1024
PAGE_MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
USER_AGENT = "AIAccountabilityTracker/0.1 (+https://example.org/about)"
FEED_TYPES = ("xml", "rss", "atom", "text/plain", "text/html")
PAGE_TYPES = ("text/html", "application/xhtml+xml")

_pool = urllib3.PoolManager(retries=False, timeout=urllib3.Timeout(connect=5, read=10))


@dataclass(frozen=True)
class FetchResult:
    url: str
    final_url: str
    status: int
    content: bytes
    content_type: str
    charset: str | None
    etag: str | None
    last_modified: str | None


class FetchError(Exception):
    def __init__(self, reason: str, *, transient: bool = False, status: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.transient = transient
        self.status = status


def _check(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"Refused URL scheme or host: {url[:200]}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if f"{parts.hostname}:{port}" in settings.INGESTION_ALLOWED_HOSTS:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise FetchError(f"Cannot resolve {parts.hostname}: {exc}", transient=True) from exc
    for info in infos:
        if not ipaddress.ip_address(info[4][0]).is_global:
            raise FetchError(f"Refused non-public address for {parts.hostname}")


def _fetch(url: str, headers: dict[str, str], max_bytes: int, types: tuple[str, ...]):
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        _check(current)
        try:
            response = _pool.request(
                "GET",
                current,
                headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip", **headers},
                redirect=False,
                preload_content=False,
                decode_content=False,
            )
        except urllib3.exceptions.HTTPError as exc:
            raise FetchError(f"Connection failed: {exc}", transient=True) from exc
        try:
            if response.status in (301, 302, 303, 307, 308):
                location = response.headers.get("Location")
                if not location:
                    raise FetchError("Redirect without a Location", status=response.status)
                current = urljoin(current, location)
                continue
            if response.status == 304:
                return response, current, b""
            if response.status != 200:
                transient = response.status >= 500 or response.status == 429
                raise FetchError(
                    f"HTTP {response.status}", transient=transient, status=response.status
                )
            content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
            if not any(t in content_type.lower() for t in types):
                raise FetchError(f"Unexpected content type {content_type or 'none'!r}")
            raw = b""
            for chunk in response.stream(65536, decode_content=False):
                raw += chunk
                if len(raw) > max_bytes:
                    raise FetchError(f"Body larger than {max_bytes} bytes")
            if response.headers.get("Content-Encoding", "").lower() == "gzip":
                decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
                raw = decoder.decompress(raw, max_bytes + 1)
                if len(raw) > max_bytes:
                    raise FetchError(f"Decompressed body larger than {max_bytes} bytes")
            return response, current, raw
        except urllib3.exceptions.HTTPError as exc:
            raise FetchError(f"Read failed: {exc}", transient=True) from exc
        finally:
            response.release_conn()
    raise FetchError(f"More than {MAX_REDIRECTS} redirects")


def _result(url: str, response, final_url: str, content: bytes) -> FetchResult:
    header = response.headers.get("Content-Type", "")
    charset = None
    for part in header.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset":
            charset = value.strip('"').lower() or None
    return FetchResult(
        url=url,
        final_url=final_url,
        status=response.status,
        content=content,
        content_type=header.split(";")[0].strip().lower(),
        charset=charset,
        etag=response.headers.get("ETag"),
        last_modified=response.headers.get("Last-Modified"),
    )


def fetch_feed(
    url: str, *, etag: str | None = None, last_modified: str | None = None
) -> FetchResult:
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    response, final_url, content = _fetch(url, headers, FEED_MAX_BYTES, FEED_TYPES)
    return _result(url, response, final_url, content)


def fetch_page(url: str) -> FetchResult:
    response, final_url, content = _fetch(url, {}, PAGE_MAX_BYTES, PAGE_TYPES)
    return _result(url, response, final_url, content)
