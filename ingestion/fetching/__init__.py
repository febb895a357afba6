"""The one safe HTTP client for ingestion (and the archive, and the alerts' webhooks):
every feed and page is fetched, and every webhook payload posted, through here.

``fetch_feed`` and ``fetch_page`` return a ``FetchResult`` with the (decompressed) body
or raise ``FetchError`` with a short reason and whether a retry may help. What is
refused, and why, is described in ``addresses`` (where a URL may lead), ``client``
(redirects, timeouts), ``body`` (size and type) and ``ratelimit`` (politeness). Parsers
such as feedparser and trafilatura only ever receive the bytes returned here, never a
URL.
"""

from __future__ import annotations

from ingestion.fetching.client import PostResult, Profile, fetch, post
from ingestion.fetching.errors import FetchError, FetchResult

__all__ = [
    "FEED_MAX_BYTES",
    "PAGE_MAX_BYTES",
    "FetchError",
    "FetchResult",
    "PostResult",
    "fetch_feed",
    "fetch_page",
    "post",
]

FEED_MAX_BYTES = 2 * 1024 * 1024
PAGE_MAX_BYTES = 5 * 1024 * 1024

_FEED_SUBTYPE_WORDS = ("xml", "rss", "atom", "rdf")
_PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def _is_feed_type(mime: str) -> bool:
    # Feeds are served under many names (application/rss+xml, text/xml, application/
    # rdf+xml...) and sometimes as text/plain; feedparser decides what they really are.
    major, _, subtype = mime.partition("/")
    if mime in ("text/plain", "application/feed+json"):
        return True
    return major in ("application", "text") and any(w in subtype for w in _FEED_SUBTYPE_WORDS)


FEED = Profile(
    kind="a feed",
    max_bytes=FEED_MAX_BYTES,
    accept=(
        "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
        "application/xml;q=0.8, text/xml;q=0.8, text/plain;q=0.1"
    ),
    accepts_type=_is_feed_type,
)
PAGE = Profile(
    kind="an HTML page",
    max_bytes=PAGE_MAX_BYTES,
    accept="text/html, application/xhtml+xml;q=0.9",
    accepts_type=_PAGE_TYPES.__contains__,
)


def fetch_feed(
    url: str, *, etag: str | None = None, last_modified: str | None = None
) -> FetchResult:
    """Fetch a feed, conditionally when a stored ETag or Last-Modified is given (-> 304)."""
    return fetch(url, profile=FEED, etag=etag, last_modified=last_modified)


def fetch_page(url: str) -> FetchResult:
    """Fetch an HTML page."""
    return fetch(url, profile=PAGE)
