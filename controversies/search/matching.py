"""Which controversies a query finds: the one rule behind the site search and the text box
of the controversy list, so the two always agree.

Every clause of the query must be found (see ``ParsedQuery.clauses``); a word may be found
in a different place from the next one. A controversy's places are its title and summary,
the names of its topics, the names and aliases of its products, and the names and aliases
of the organisations involved: the companies it targets and every organisation that acted
in one of its events. So "facial recognition police" finds the Rekognition case through
its topic and its title, and "ACLU" finds the cases where the ACLU acted.

On PostgreSQL a word is matched by full text (English stemming: "policing" is found by
"police") against the stored vectors, and names through their index; on SQLite it must
appear as written (case-insensitively). Each place is a subquery of controversy ids that
the database runs once for the whole query, never once per controversy.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchVectorExact
from django.db.models import Q, QuerySet

from controversies.models import Controversy, Event, EventActor, Organization, Product, Topic
from controversies.search.query import ParsedQuery, Term
from controversies.search.vectors import (
    HasNoWords,
    IdIn,
    IsAlias,
    LinkedIds,
    StoredVector,
    full_text,
    websearch,
)


def controversy_condition(parsed: ParsedQuery) -> Q:
    """The controversies ``parsed`` finds, as a condition on Controversy."""
    condition = Q()
    for clause in parsed.clauses:
        either = Q()
        for term in clause:
            found = _found(term)
            either |= ~found if term.negated else found
        condition &= either
    return condition


def _found(term: Term) -> Q:
    return _found_full_text(term) if full_text() else _found_as_written(term)


def _linked(named: dict[str, QuerySet]) -> list[QuerySet]:
    """Ids of the controversies linked to the matching topics, products and
    organisations (``named`` holds a queryset of ids for each)."""
    topics, products, organizations = named["topics"], named["products"], named["organizations"]
    acted = EventActor.objects.filter(organization_id__in=organizations).values("event_id")
    return [
        Controversy.topics.through.objects.filter(topic_id__in=topics),
        Controversy.products.through.objects.filter(product_id__in=products),
        Controversy.companies.through.objects.filter(organization_id__in=organizations),
        Event.controversies.through.objects.filter(event_id__in=acted),
    ]


def _found_full_text(term: Term) -> Q:
    query = websearch(term.quoted)
    return (
        Q(HasNoWords(query))
        | Q(SearchVectorExact(StoredVector(), query))
        | Q(IdIn(LinkedIds(term.quoted)))
    )


def _found_as_written(term: Term) -> Q:
    text = term.text

    def named(prefix: str = "") -> Q:
        return Q(**{f"{prefix}name__icontains": text}) | Q(**{f"{prefix}aliases__icontains": text})

    linked = _linked(
        {
            "topics": Topic.objects.filter(name__icontains=text).values("pk"),
            "products": Product.objects.filter(named()).values("pk"),
            "organizations": Organization.objects.filter(named()).values("pk"),
        }
    )
    condition = Q(title__icontains=text) | Q(summary__icontains=text)
    for links in linked:
        condition |= Q(pk__in=links.values("controversy_id"))
    return condition


def exact_name_filter(text: str) -> Q:
    """The text is the name or one of the aliases (one per line). On PostgreSQL both
    halves read an index of migration 0006 (name__iexact compares UPPER(name))."""
    if full_text():
        return Q(name__iexact=text) | Q(IsAlias(text))
    alias = r"(^|\n)\s*" + re.escape(text) + r"\s*(\n|$)"
    return Q(name__iexact=text) | Q(aliases__iregex=alias)
