"""Site search over controversies, events, organisations, products and sources.

- ``query``: reading what was typed (words, "phrases", -not, or);
- ``matching``: which controversies a query finds, shared with the controversy list;
- ``postgres``: full text over the stored vectors, ranked, highlighted by the database;
- ``sqlite``: the fallback for the SQLite demo, words as written;
- ``results`` and ``highlight``: what the page shows.
"""

from __future__ import annotations

from controversies.search.postgres import postgres_groups
from controversies.search.query import (
    MAX_QUERY_LENGTH,
    MAX_TERMS,
    ParsedQuery,
    Term,
    clean_query,
    parse_query,
    plain_terms,
)
from controversies.search.results import PER_KIND, Group, Hit, SearchResults
from controversies.search.sqlite import fallback_groups
from controversies.search.vectors import full_text

__all__ = [
    "MAX_QUERY_LENGTH",
    "MAX_TERMS",
    "PER_KIND",
    "Group",
    "Hit",
    "ParsedQuery",
    "SearchResults",
    "Term",
    "clean_query",
    "parse_query",
    "plain_terms",
    "search",
]


def search(raw: str) -> SearchResults:
    query, cut = clean_query(raw)
    results = SearchResults(query=query, cut=cut, full_text=full_text())
    parsed = parse_query(query)
    results.notices = parsed.notices
    results.words = parsed.include
    if not parsed.terms:
        return results
    search_groups = postgres_groups if full_text() else fallback_groups
    results.groups = search_groups(parsed)
    return results
