"""One canonical form per URL, so the same article is never stored twice."""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urlsplit

import courlan

# The max_length of every URL column (Source, Article); browsers cap URLs near here too.
MAX_URL_LENGTH = 2000
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


class InvalidURL(ValueError):
    """The text is not an http(s) URL we can store."""


def canonicalize_url(url: str) -> str:
    """Lower-case the host, sort the query, drop tracking parameters and the fragment.

    courlan's non-strict mode removes trackers (utm_*, fbclid, gclid...) but keeps the
    query parameters that select content, such as ``?id=123``.
    """
    url = (url or "").strip()
    if not url.lower().startswith(("http://", "https://")):
        raise InvalidURL(f"Not an http(s) URL: {url[:200]!r}")
    # Control characters (NUL above all: PostgreSQL text cannot hold it) are never part
    # of a real URL; refusing them here keeps them out of every URL column.
    if _CONTROL_CHARACTERS.search(url):
        raise InvalidURL(f"The URL contains control characters: {url[:200]!r}")
    try:
        normalized = courlan.normalize_url(url)
    except ValueError as exc:
        raise InvalidURL(f"Cannot parse URL {url[:200]!r}: {exc}") from exc
    canonical = urldefrag(normalized).url
    if not urlsplit(canonical).hostname:
        raise InvalidURL(f"The URL has no host: {url[:200]!r}")
    # URL columns hold MAX_URL_LENGTH characters; a longer URL cannot be stored whole.
    if len(canonical) > MAX_URL_LENGTH:
        raise InvalidURL(f"The URL is longer than {MAX_URL_LENGTH} characters: {url[:200]!r}")
    return canonical
