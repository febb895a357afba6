"""Site search without PostgreSQL (the SQLite demo): every word must appear, as written
and in any case, in one of the searched fields; newest first; snippets highlighted in
Python. Controversies follow the same rule as the controversy list's text box
(``matching.controversy_condition``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils.safestring import SafeString

from controversies.models import Controversy, Event, Organization, Product, Source
from controversies.search.highlight import highlighter
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
from controversies.search.vectors import VECTORS


def _words_filter(fields: tuple[str, ...], parsed: ParsedQuery) -> Q:
    """Every clause holds: one of its terms appears in one of ``fields`` (or, negated,
    in none of them)."""
    condition = Q()
    for clause in parsed.clauses:
        either = Q()
        for term in clause:
            anywhere = Q()
            for name in fields:
                anywhere |= Q(**{f"{name}__icontains": term.text})
            either |= ~anywhere if term.negated else anywhere
        condition &= either
    return condition


def _exact_name_first(text: str) -> Case:
    """1 when the query is the name or one of the aliases, so "ACLU" puts the American
    Civil Liberties Union above "ACLU of California"."""
    return Case(
        When(exact_name_filter(text), then=Value(1)), default=Value(0), output_field=IntegerField()
    )


def fallback_groups(parsed: ParsedQuery) -> list[Group]:
    def rows(model: type, key: str, order: list[Any], condition: Q | None = None) -> QuerySet:
        if condition is None:
            condition = _words_filter(tuple(name for name, _ in VECTORS[key]), parsed)
        return model.objects.filter(condition).order_by(*order)[: PER_KIND + 1]

    newest = [F("last_event_on").desc(nulls_last=True), "-pk"]
    controversies = list(
        rows(Controversy, "controversy", newest, condition=controversy_condition(parsed))
    )
    events = list(rows(Event, "event", ["-occurred_on", "-pk"]).annotate(**event_places()))
    text = " ".join(parsed.include)
    named_order = [_exact_name_first(text).desc(), "name"]
    organizations = list(rows(Organization, "organization", named_order))
    products = list(rows(Product, "product", named_order).annotate(developer_name=developer_name()))
    sources = list(
        rows(Source, "source", [F("published_on").desc(nulls_last=True), "-pk"]).prefetch_related(
            citing_events()
        )
    )
    highlight = highlighter([term.text for term in parsed.terms if not term.negated])

    def title_of(row: Any) -> SafeString:
        return highlight(getattr(row, "title", None) or getattr(row, "name", ""))

    def snippet_of(row: Any) -> SafeString:
        text = next(
            (getattr(row, n) for n in ("summary", "excerpt", "description") if hasattr(row, n)),
            "",
        )
        return highlight(text, 35)

    return build_groups(
        controversies, events, organizations, products, sources, title=title_of, snippet=snippet_of
    )
