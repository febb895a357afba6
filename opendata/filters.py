"""Filters shared by the feeds, the exports and the API.

Controversies use the pages' own ``ControversyFilter`` (controversies/filters.py), so a
query string means the same thing on the list page, in a feed, in an export and in the
API. The pages (and feeds) drop an unknown slug or a malformed value and say so; the
API and the exports refuse it instead, before anything is queried or sent:
``validate_filters`` raises ``InvalidFilters`` naming every bad parameter.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet

from controversies.filters import MAX_YEAR, MIN_YEAR, EntityFilter
from controversies.filters import ControversyFilter as PagesControversyFilter
from controversies.models import (
    Controversy,
    Organization,
    ShareholderResolution,
    Topic,
)

SLUG_FILTERS = ("company", "product", "organisation", "organization", "coalition", "topic")


class ControversyFilter(PagesControversyFilter):
    """The pages' filter, plus the American spelling ``organization`` that API clients
    try; it means exactly ``organisation``."""

    organization = django_filters.ChoiceFilter(method="filter_organisation")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.filters["organization"].extra["choices"] = self.filters["organisation"].extra[
            "choices"
        ]
        # Nothing renders this filter's form, so each option list needs only the value
        # asked for (when it is a known one): building the form deep-copies every option,
        # thousands of organisations at scale, on each request.
        for name in SLUG_FILTERS:
            submitted = self.data.get(name)
            extra = self.filters[name].extra
            extra["choices"] = [choice for choice in extra["choices"] if choice[0] == submitted]


FILTER_PARAMS = tuple(ControversyFilter.base_filters)

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


def is_reference(filter_: django_filters.Filter) -> bool:
    """The filter's value names a record by its slug (a company, a topic ...), as opposed
    to a fixed choice, a number, a date or free text."""
    if isinstance(filter_, django_filters.ModelChoiceFilter | EntityFilter):
        return True
    # A choice filter declared without choices gets its options (slugs) per request.
    return isinstance(filter_, django_filters.ChoiceFilter) and not filter_.extra.get("choices")


class InvalidFilters(ValueError):
    """Query parameters a listing refuses. ``message`` names each with its reason.

    ``status_code`` is 404 when every problem is a well-formed slug of no known record
    (as for a detail page), else 400.
    """

    def __init__(self, problems: dict[str, str], *, unknown_records_only: bool) -> None:
        self.problems = problems
        self.status_code = 404 if unknown_records_only else 400
        self.message = "Invalid filter: " + "; ".join(
            f"{name}: {reason}" for name, reason in problems.items()
        )
        super().__init__(self.message)


def validate_filters(filterset: django_filters.FilterSet) -> django_filters.FilterSet:
    """Check every parameter ``filterset`` knows (slugs, choices, numbers, years, dates,
    text) and raise ``InvalidFilters`` if one does not validate. Call it before the
    response starts: after this, filtering cannot fail on the parameters' values.
    Returns the filterset, whose ``qs`` is then safe to evaluate."""
    if filterset.is_valid():
        return filterset
    problems, unknown_records_only = {}, True
    for name, errors in filterset.errors.as_data().items():
        value = str(filterset.data.get(name, ""))[:60]
        reasons = " ".join(message for error in errors for message in error.messages)
        problems[name] = f"“{value}”: {reasons}"
        codes = {error.code for error in errors}
        if not (is_reference(filterset.filters[name]) and codes <= {"invalid_choice"}):
            unknown_records_only = False
    raise InvalidFilters(problems, unknown_records_only=unknown_records_only)


def filter_controversies(
    params: object, queryset: QuerySet | None = None, *, strict: bool = False
) -> QuerySet:
    """Controversies matching the query parameters. Bad parameters are ignored, or with
    ``strict`` refused with ``InvalidFilters`` (raised here, before any query runs)."""
    base = queryset if queryset is not None else Controversy.objects.all()
    filterset = ControversyFilter(params, queryset=base)
    if strict:
        validate_filters(filterset)
    return filterset.qs


class ResolutionFilter(django_filters.FilterSet):
    """Shareholder resolutions by target company, topic, status and meeting year."""

    company = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(), to_field_name="slug", field_name="meeting__company"
    )
    topic = django_filters.ModelChoiceFilter(
        queryset=Topic.objects.all(), to_field_name="slug", field_name="topics"
    )
    controversy = django_filters.ModelChoiceFilter(
        queryset=Controversy.objects.all(), to_field_name="slug", field_name="controversy"
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


def filter_resolutions(
    params: object, queryset: QuerySet | None = None, *, strict: bool = False
) -> QuerySet:
    """Resolutions matching the query parameters; as ``filter_controversies``."""
    base = queryset if queryset is not None else ShareholderResolution.objects.all()
    filterset = ResolutionFilter(params, queryset=base)
    if strict:
        validate_filters(filterset)
    return filterset.qs
