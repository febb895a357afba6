"""Which facet values each controversy has, held in memory: the counts for any set of
controversies are then a tally over its ids, with no count query however broad the set.

The index is built from one query over every controversy (controversies.facets) once per
generation of curated data, and shared through the cache like the counts it replaced.
"""

from __future__ import annotations

import heapq
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain

FACETS = ("company", "product", "organisation", "coalition", "topic", "status", "year")


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class FacetIndex:
    # (facet, value, label) of every facet value, by position.
    values: tuple[tuple[str, str, str], ...]
    # Controversy id -> positions of its values (each once).
    of: dict[int, array]
    # Position -> how many controversies have the value.
    totals: array

    @classmethod
    def from_values(cls, rows: Iterable[tuple[str, str, str, Iterable[int]]]) -> FacetIndex:
        """From (facet, value, label, ids of the controversies that have it) rows, one
        per value, each id once."""
        values: list[tuple[str, str, str]] = []
        of: dict[int, array] = defaultdict(lambda: array("I"))
        totals = array("I")
        for position, (facet, value, label, members) in enumerate(rows):
            values.append((facet, value, label))
            count = 0
            for controversy in members:
                of[controversy].append(position)
                count += 1
            totals.append(count)
        return cls(values=tuple(values), of=dict(of), totals=totals)

    def counts(
        self, ids: Iterable[int] | None = None, *, limit: int | None = None
    ) -> dict[str, list[FacetValue]]:
        """Each facet's values with how many of the controversies ``ids`` (None: all of
        them) have it, most involved first (years newest first); with ``limit``, only
        the first ``limit`` of each facet but every status (their counts add up to the
        number of results). A controversy the index does not know yet (created since it
        was built) counts in no facet."""
        tally = self._tally(ids)
        by_facet: dict[str, list[int]] = defaultdict(list)
        for position in tally:
            by_facet[self.values[position][0]].append(position)
        result: dict[str, list[FacetValue]] = {}
        for facet in FACETS:
            kept = limit if facet != "status" else None
            result[facet] = [
                FacetValue(value=self.values[p][1], label=self.values[p][2], count=tally[p])
                for p in self._first(facet, by_facet[facet], tally, kept)
            ]
        return result

    def _tally(self, ids: Iterable[int] | None) -> dict[int, int]:
        """Position -> count over ``ids``. A set holding most controversies is counted
        as every controversy's totals less the others', the smaller tally."""
        if ids is None:
            return {p: n for p, n in enumerate(self.totals) if n}
        chosen = set(ids)
        if len(chosen) * 2 <= len(self.of):
            return Counter(chain.from_iterable(filter(None, map(self.of.get, chosen))))
        others = Counter(chain.from_iterable(self.of[c] for c in self.of.keys() - chosen))
        counted = ((p, n - others.get(p, 0)) for p, n in enumerate(self.totals))
        return {p: n for p, n in counted if n}

    def _first(
        self, facet: str, positions: list[int], tally: dict[int, int], limit: int | None
    ) -> list[int]:
        if facet == "year":
            newest = sorted(positions, key=lambda p: self.values[p][1], reverse=True)
            return newest if limit is None else newest[:limit]

        def order(p: int) -> tuple[int, str]:
            return (-tally[p], self.values[p][2].casefold())

        if limit is None:
            return sorted(positions, key=order)
        return heapq.nsmallest(limit, positions, key=order)
