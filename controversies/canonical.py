"""One canonical form per URL, so the same article is never stored twice."""

from __future__ import annotations

from urllib.parse import urldefrag

import courlan


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
    try:
        normalized = courlan.normalize_url(url)
    except ValueError as exc:
        raise InvalidURL(f"Cannot parse URL {url[:200]!r}: {exc}") from exc
    return urldefrag(normalized).url
