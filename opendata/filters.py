"""Filters shared by the feeds, the exports and the API.

Controversies use the pages' own ``ControversyFilter`` (controversies/filters.py), so a
query string means the same thing on the list page, in a feed, in an export and in the
API: company, product, organisation (or organization), coalition and topic take a slug,
a name or an alias (the rule is in ``controversies.filter_lookup``). The page drops a
value it cannot use and says so; the feeds, exports and API refuse the request instead,
before anything is queried or sent: ``validate_filters`` raises ``InvalidFilters``, a 400
naming each bad parameter and its value (unknown, ambiguous with its candidates, or
malformed). A value naming a record that exists but is involved in nothing is no error:
it gives an empty result.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from controversies.filter_fields import EntityFilter
from controversies.filter_problems import Problem, is_reference, problems
from controversies.filters import LOOKUPS, MAX_YEAR, MIN_YEAR, ControversyFilter
from controversies.models import (
    Controversy,
    Organization,
    ShareholderResolution,
)

__all__ = [
    "InvalidFilters",
    "OpenDataControversyFilter",
    "OpenDataResolutionFilter",
    "is_reference",
]


class OpenDataControversyFilter(ControversyFilter):
    """The list page's filter for the feeds, exports and API: the same parameters, without
    the form's suggestions and options, since nothing draws it."""

    shows_form = False


FILTER_PARAMS = tuple(OpenDataControversyFilter.base_filters)

# PostgreSQL integer columns (ids, report numbers) hold at most this.
MAX_INTEGER = 2**31 - 1


class IntegerFilter(django_filters.NumberFilter):
    """A whole number within ``min_value``..``max_value`` (by default any value an integer
    column can hold): larger, fractional or non-finite values do not validate."""

    field_class = forms.IntegerField

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_INTEGER)
        super().__init__(*args, **kwargs)


class InvalidFilters(ValueError):
    """Query parameters a listing refuses: always a 400. ``problems`` says for each
    parameter what is wrong (``Problem.as_dict`` for a program), ``message`` in one
    line of text."""

    status_code = 400

    def __init__(self, found: list[Problem]) -> None:
        self.problems = found
        self.message = " ".join(problem.message for problem in found)
        super().__init__(self.message)


def validate_filters(filterset: django_filters.FilterSet) -> django_filters.FilterSet:
    """Check every parameter ``filterset`` knows (records, choices, numbers, years, dates,
    text) and raise ``InvalidFilters`` if one does not validate. Call it before the
    response starts: after this, filtering cannot fail on the parameters' values.
    Returns the filterset, whose ``qs`` is then safe to evaluate."""
    found = problems(filterset)
    if found:
        raise InvalidFilters(found)
    return filterset


def filter_controversies(
    params: object, queryset: QuerySet | None = None, *, strict: bool = False
) -> QuerySet:
    """Controversies matching the query parameters. Bad parameters are ignored, or with
    ``strict`` refused with ``InvalidFilters`` (raised here, before any query runs)."""
    base = queryset if queryset is not None else Controversy.objects.all()
    filterset = OpenDataControversyFilter(params, queryset=base)
    if strict:
        validate_filters(filterset)
    return filterset.qs


class OpenDataResolutionFilter(django_filters.FilterSet):
    """Shareholder resolutions by target company, topic, status and meeting year, for the
    feeds, exports and API (the resolution table has its own: ``ResolutionTableFilter``)."""

    company = EntityFilter(field_name="meeting__company__slug", lookup=LOOKUPS["company"][1])
    topic = EntityFilter(field_name="topics__slug", lookup=LOOKUPS["topic"][1])
    controversy = django_filters.ModelChoiceFilter(
        queryset=Controversy.objects.all(), to_field_name="slug", field_name="controversy"
    )
    # Lead filer, co-filer or organiser, as on the resolution table's proponent filter.
    proponent = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(), to_field_name="slug", method="filter_proponent"
    )
    status = django_filters.ChoiceFilter(choices=ShareholderResolution.Status.choices)
    # Both bounds on both ends: a year lookup outside the calendar (0, 99999) raises.
    year_from = IntegerFilter(
        field_name="meeting__held_on",
        lookup_expr="year__gte",
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
    )
    year_to = IntegerFilter(
        field_name="meeting__held_on",
        lookup_expr="year__lte",
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
    )

    class Meta:
        model = ShareholderResolution
        fields: list[str] = []

    def filter_proponent(self, queryset: QuerySet, name: str, value: Organization) -> QuerySet:
        filed = ShareholderResolution.objects.filter(
            Q(lead_filer=value) | Q(co_filers=value) | Q(organiser=value)
        )
        return queryset.filter(pk__in=filed.values("pk"))


def filter_resolutions(
    params: object, queryset: QuerySet | None = None, *, strict: bool = False
) -> QuerySet:
    """Resolutions matching the query parameters; as ``filter_controversies``."""
    base = queryset if queryset is not None else ShareholderResolution.objects.all()
    filterset = OpenDataResolutionFilter(params, queryset=base)
    if strict:
        validate_filters(filterset)
    return filterset.qs
