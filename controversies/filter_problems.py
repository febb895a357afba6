"""What is wrong with a filter's parameters, in words for a reader and in parts for a
program.

A filterset that does not validate has, per bad parameter, a ``Problem``: the value is
unknown (no record has that slug, name or alias), ambiguous (several have; the
candidates are kept), in conflict (``organisation`` and ``organization`` given with
different values) or invalid (a malformed number, a status that does not exist ...).
The list page words them as notices and drops the parameter; the feeds, exports and the
API refuse the request with ``Problem.message`` (``opendata.filters``).
"""

from __future__ import annotations

from dataclasses import dataclass

import django_filters

from controversies.filter_fields import EntityFilter
from controversies.filter_lookup import Candidate

# How much of a bad value is repeated back.
SHOWN_LENGTH = 60


@dataclass(frozen=True)
class Problem:
    param: str  # the query parameter, as the request spelt it
    value: str  # what it gave, cut to SHOWN_LENGTH characters
    kind: str  # "unknown", "ambiguous", "conflict" or "invalid"
    reason: str = ""  # for "invalid": what a valid value looks like
    candidates: tuple[Candidate, ...] = ()

    @property
    def message(self) -> str:
        """One sentence naming the parameter and the value, for an error response."""
        if self.kind == "unknown":
            return f'Unknown {self.param} "{self.value}".'
        if self.kind == "ambiguous":
            slugs = ", ".join(candidate.slug for candidate in self.candidates)
            return (
                f'Ambiguous {self.param} "{self.value}": it names more than one record '
                f"({slugs}); give one of these slugs."
            )
        if self.kind == "conflict":
            return (
                f'Conflicting {self.param} "{self.value}": give the organisation once, as '
                "organisation or as organization."
            )
        return f'Invalid {self.param} "{self.value}": {self.reason}'

    def as_dict(self) -> dict[str, object]:
        found = {"parameter": self.param, "value": self.value, "problem": self.kind}
        if self.candidates:
            found["candidates"] = [candidate.slug for candidate in self.candidates]
        return found


def _shown(raw: str) -> str:
    """The value as repeated back: cut short, control characters (a NUL ...) replaced so
    a plain-text answer stays plain text."""
    shown = raw[:SHOWN_LENGTH]
    return "".join(ch if ch.isprintable() else "\N{REPLACEMENT CHARACTER}" for ch in shown)


def is_reference(filter_: django_filters.Filter) -> bool:
    """The filter's value names a record (a company, a topic ...), as opposed to a fixed
    choice, a number, a date or free text."""
    return isinstance(filter_, django_filters.ModelChoiceFilter | EntityFilter)


def problems(filterset: django_filters.FilterSet) -> list[Problem]:
    """One ``Problem`` per parameter of ``filterset`` that did not validate, in the
    filterset's order; [] when every value is good."""
    if not filterset.is_bound or filterset.is_valid():
        return []
    found = []
    for name, errors in filterset.errors.as_data().items():
        value = _shown(str(filterset.data.get(name, "")))
        codes = {error.code for error in errors}
        if "conflict" in codes:
            found.append(Problem(name, value, "conflict"))
        elif "ambiguous" in codes:
            candidates = next(
                error.params["candidates"] for error in errors if error.code == "ambiguous"
            )
            found.append(Problem(name, value, "ambiguous", candidates=tuple(candidates)))
        elif is_reference(filterset.filters[name]):
            found.append(Problem(name, value, "unknown"))
        else:
            reason = " ".join(message for error in errors for message in error.messages)
            found.append(Problem(name, value, "invalid", reason=reason))
    return found
