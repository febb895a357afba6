"""Filters shared by the feeds, the exports and the API.

Controversies use the pages' own ``ControversyFilter`` (controversies/filters.py), so a
query string means the same thing on the list page, in a feed, in an export and in the
API; an unknown slug or a malformed value is dropped from the filter, as on the pages.
"""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

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


def filter_controversies(params: object, queryset: QuerySet | None = None) -> QuerySet:
    """Controversies matching the query parameters; bad parameters are ignored."""
    base = queryset if queryset is not None else Controversy.objects.all()
    return ControversyFilter(params, queryset=base).qs


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
    year_from = django_filters.NumberFilter(
        field_name="meeting__held_on", lookup_expr="year__gte", min_value=1900
    )
    year_to = django_filters.NumberFilter(
        field_name="meeting__held_on", lookup_expr="year__lte", max_value=2200
    )

    class Meta:
        model = ShareholderResolution
        fields: list[str] = []


def filter_resolutions(params: object, queryset: QuerySet | None = None) -> QuerySet:
    base = queryset if queryset is not None else ShareholderResolution.objects.all()
    return ResolutionFilter(params, queryset=base).qs
