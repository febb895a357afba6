"""Which record a typed filter value names: a slug, a name or an alias.

The rule (the same for the pages, feeds, exports and the API):

1. A value equal to a record's slug names that record. Slugs are unique and every link
   the site writes uses them, so a link never turns ambiguous when a name is added.
2. Otherwise every record whose slug, name or one of its aliases equals the value,
   ignoring case and surrounding spaces, is a candidate. A name gets no precedence over
   another record's alias: "ACLU" as the national ACLU's alias and as an affiliate's
   alias (or name) is exactly the case where the reader has to choose.
3. One candidate: that record. Several: the value is ambiguous and the candidates are
   reported, never one of them guessed. None: the value is unknown.

A value is known when its record exists, whether or not any controversy involves it
(that gives an empty result, not an error). Cost: a slug already among the cached facet
options (``controversies.facets``; emptied on every curated edit) needs no query; any
other value one query on the record's table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.db.models import Case, Model, Q, Value, When

from controversies.models import split_aliases

# How many candidates an ambiguous value reports at most.
MAX_CANDIDATES = 10


@dataclass(frozen=True)
class Candidate:
    slug: str
    name: str


@dataclass(frozen=True)
class Lookup:
    """How to find the records a filter names: ``model`` (with ``slug``, ``name`` and,
    if ``aliases``, an ``aliases`` text of one name per line) and ``known``, a callable
    giving slugs known to exist, with their names, without a query."""

    model: type[Model]
    aliases: bool = False
    known: Callable[[], Mapping[str, str]] = dict

    def find(self, value: str) -> list[Candidate]:
        """The records ``value`` names under the module's rule: one, several (ambiguous)
        or none (unknown). ``value`` is already stripped and non-empty."""
        name = self.known().get(value)
        if name is not None:
            return [Candidate(value, name)]
        rows = self._rows(value)
        exact = [row for row in rows if row[0] == value]
        if exact:
            return [Candidate(exact[0][0], exact[0][1])]
        folded = value.casefold()
        return [
            Candidate(slug, name)
            for slug, name, aliases in rows
            if folded in {slug.casefold(), name.casefold()}
            or any(alias.casefold() == folded for alias in split_aliases(aliases))
        ][:MAX_CANDIDATES]

    def _rows(self, value: str) -> list[tuple[str, str, str]]:
        """One query: the records whose slug, name or an alias may equal ``value``
        (the database compares case-insensitively; ``find`` checks again), the exact
        slug first."""
        matches = Q(slug=value) | Q(slug__iexact=value) | Q(name__iexact=value)
        if self.aliases:
            # A whole line of the aliases text, spaces around it allowed.
            line = r"(^|\n)\s*" + re.escape(value) + r"\s*(\n|$)"
            matches |= Q(aliases__iregex=line)
        exact_first = Case(When(slug=value, then=Value(0)), default=Value(1))
        rows = (
            self.model._default_manager.filter(matches)
            .annotate(exact_first=exact_first)
            .order_by("exact_first", "name", "slug")
        )
        fields = ("slug", "name", "aliases") if self.aliases else ("slug", "name")
        found = rows.values_list(*fields)[: MAX_CANDIDATES + 1]
        return [(row[0], row[1], row[2] if self.aliases else "") for row in found]
