"""Site search on PostgreSQL: full text with the websearch syntax, ranked, with snippets
highlighted by the database; trigram similarity catches misspelt names.

The text vectors are stored in each table's ``search_vector`` column (migration 0005,
GIN-indexed), so neither matching nor ranking parses any text. A term found in most rows
(such as "AI") stays cheap because ranking only looks at the newest ``CANDIDATES``
matches of each kind.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    TrigramSimilarity,
)
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.db.models.functions import Greatest

from controversies.models import Controversy, Event, Organization, Product, Source
from controversies.search.highlight import START, STOP, marked
from controversies.search.matching import controversy_condition, exact_name_filter
from controversies.search.query import ParsedQuery
from controversies.search.results import (
    PER_KIND,
    Group,
    build_groups,
    citing_events,
    developer_name,
    event_places,
)
from controversies.search.vectors import CONFIG, StoredVector, websearch

CANDIDATES = 200

# The newest-first orders below are those of existing btree indexes (controversy_activity_idx,
# event_latest_idx, source_published_idx), so for a term found in most rows PostgreSQL walks
# the index and stops after CANDIDATES matches instead of checking every row.
NEWEST = {
    "controversy": ("-last_event_on", "title"),
    "event": ("-occurred_on", "-id"),
    "source": ("-published_on", "-id"),
}

# The columns a hit shows besides the database's highlighted title and snippet: only
# these are read, never the long texts (summaries, excerpts, descriptions), since a term
# matches more rows the more data there is.
SHOWN = {
    "controversy": ("slug", "status", "last_event_on"),
    "event": ("occurred_on", "occurred_on_precision"),
    "organization": ("slug", "kind"),
    "product": ("slug",),
    "source": ("url", "canonical_url", "title", "publisher", "published_on"),
}


def _headline(field_name: str, query: SearchQuery, **options: Any) -> SearchHeadline:
    return SearchHeadline(
        field_name, query, config=CONFIG, start_sel=START, stop_sel=STOP, **options
    )


def _ranked(
    model: type,
    key: str,
    date_field: str,
    query: SearchQuery,
    snippet_field: str,
    condition: Q | None = None,
) -> QuerySet:
    """The best matches among the newest CANDIDATES matches, with highlighted text.
    Rows match ``query`` in their own text, or ``condition`` when given."""
    vector = StoredVector()
    if condition is None:
        matching = model.objects.annotate(document=vector).filter(document=query)
    else:
        matching = model.objects.filter(condition)
    candidates = matching.order_by(*NEWEST[key]).values("pk")[:CANDIDATES]
    return (
        model.objects.filter(pk__in=candidates)
        .annotate(
            rank=SearchRank(vector, query),
            title_hl=_headline("title", query, highlight_all=True),
            snippet_hl=_headline(snippet_field, query, max_words=35, min_words=15),
        )
        .order_by("-rank", F(date_field).desc(nulls_last=True), "-pk")[: PER_KIND + 1]
    )


def _named(model: type, query: SearchQuery, text: str, *, fuzzy: bool, **extra: Any) -> QuerySet:
    """Organisations and products: full-text on name, aliases and description, plus,
    when ``fuzzy``, trigram similarity on the name so "Rekognitoin" still finds
    Rekognition.

    Each way of matching is its own subquery, so each reads its own index (full text:
    the GIN index over the vector; trigrams: the trigram index; exact names: the indexes
    of migration 0006), and the rows are those of their UNION: an OR, of the conditions
    in one WHERE or of three subqueries, leads PostgreSQL to read every row to test it.
    As for the other kinds, only CANDIDATES
    full-text matches are ranked (a word such as "AI" is in every name).
    """
    vector = StoredVector()
    full_text = (
        model.objects.annotate(document=vector)
        .filter(document=query)
        .order_by("pk")
        .values("pk")[:CANDIDATES]
    )
    exact = model.objects.filter(exact_name_filter(text)).order_by().values("pk")
    found = [exact]
    if fuzzy:
        found.append(model.objects.filter(name__trigram_similar=text).order_by().values("pk"))
    return (
        model.objects.filter(pk__in=full_text.union(*found))
        .annotate(
            **extra,
            # The exact matches are already a (hashed) subquery: looking rows up in it is
            # cheaper than testing every matching name and alias again.
            exact=Case(When(pk__in=exact, then=Value(1)), default=Value(0)),
            score=Greatest(TrigramSimilarity("name", text), SearchRank(vector, query)),
            title_hl=_headline("name", query, highlight_all=True),
            snippet_hl=_headline("description", query, max_words=35, min_words=15),
        )
        .order_by("-exact", "-score", "name")[: PER_KIND + 1]
    )


def postgres_groups(parsed: ParsedQuery) -> list[Group]:
    query = websearch(parsed.websearch)
    # Names are compared (trigrams, exact name or alias) with the words looked for. A
    # misspelt name is looked for when it is all that was typed: when more words were,
    # every one of them has to be found.
    text = " ".join(parsed.include)
    fuzzy = len(parsed.terms) == 1
    controversies = list(
        _ranked(
            Controversy,
            "controversy",
            "last_event_on",
            query,
            "summary",
            condition=controversy_condition(parsed),
        ).only(*SHOWN["controversy"])
    )
    events = list(
        _ranked(Event, "event", "occurred_on", query, "summary")
        .annotate(**event_places())
        .only(*SHOWN["event"])
    )
    organizations = list(
        _named(Organization, query, text, fuzzy=fuzzy).only(*SHOWN["organization"])
    )
    products = list(
        _named(Product, query, text, fuzzy=fuzzy, developer_name=developer_name()).only(
            *SHOWN["product"]
        )
    )
    sources = list(
        _ranked(Source, "source", "published_on", query, "excerpt")
        .only(*SHOWN["source"])
        .prefetch_related(citing_events())
    )
    return build_groups(
        controversies,
        events,
        organizations,
        products,
        sources,
        title=lambda row: marked(row.title_hl),
        snippet=lambda row: marked(row.snippet_hl),
    )
