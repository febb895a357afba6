"""The site search's public names, kept at their old address.

The search itself lives in the ``controversies.search`` package, one module per concern.
"""

from __future__ import annotations

from controversies.search import (
    MAX_QUERY_LENGTH,
    MAX_TERMS,
    PER_KIND,
    SearchResults,
    clean_query,
    parse_query,
    plain_terms,
    search,
)
from controversies.search.vectors import ALIAS_LINES, VECTORS, StoredVector

__all__ = [
    "ALIAS_LINES",
    "MAX_QUERY_LENGTH",
    "MAX_TERMS",
    "PER_KIND",
    "VECTORS",
    "SearchResults",
    "StoredVector",
    "clean_query",
    "parse_query",
    "plain_terms",
    "search",
]
