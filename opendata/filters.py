"""Controversy filters shared by the feeds, the exports and the API.

A stand-in with the same parameter names as the dashboard's ``ControversyFilter``
(company, product, organization, coalition, topic, status, year_from, year_to, q); an
unknown slug or a malformed value fails its field's validation, and django-filter then
leaves that filter out, so bad parameters are ignored exactly as on the pages.
"""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from controversies.models import (
    Coalition,
    Controversy,
    Organization,
    Product,
    ShareholderResolution,
    Topic,
)


class ControversyFilter(django_filters.FilterSet):
    company = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(), to_field_name="slug", field_name="companies"
    )
    product = django_filters.ModelChoiceFilter(
        queryset=Product.objects.all(), to_field_name="slug", field_name="products"
    )
    organization = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(), to_field_name="slug", method="filter_organization"
    )
    coalition = django_filters.ModelChoiceFilter(
        queryset=Coalition.objects.all(), to_field_name="slug", method="filter_coalition"
    )
    topic = django_filters.ModelChoiceFilter(
        queryset=Topic.objects.all(), to_field_name="slug", field_name="topics"
    )
    status = django_filters.ChoiceFilter(choices=Controversy.Status.choices)
    year_from = django_filters.NumberFilter(method="filter_year_from", min_value=1900)
    year_to = django_filters.NumberFilter(method="filter_year_to", max_value=2200)
    q = django_filters.CharFilter(method="filter_q")

    class Meta:
        model = Controversy
        fields: list[str] = []

    def filter_organization(self, qs: QuerySet, name: str, value: Organization) -> QuerySet:
        # Any involvement: targeted, acting in an event, or organising a campaign.
        ids = (
            Controversy.objects.filter(
                Q(companies=value) | Q(events__actors=value) | Q(campaigns__organisers=value)
            )
            .values("pk")
            .distinct()
        )
        return qs.filter(pk__in=ids)

    def filter_coalition(self, qs: QuerySet, name: str, value: Coalition) -> QuerySet:
        ids = (
            Controversy.objects.filter(
                Q(events__coalitions=value) | Q(campaigns__organising_coalition=value)
            )
            .values("pk")
            .distinct()
        )
        return qs.filter(pk__in=ids)

    # A controversy belongs to a year range when its active span (start to latest event)
    # overlaps it.
    def filter_year_from(self, qs: QuerySet, name: str, value: float) -> QuerySet:
        year = int(value)
        return qs.filter(
            Q(last_event_on__year__gte=year)
            | Q(last_event_on__isnull=True, started_on__year__gte=year)
        )

    def filter_year_to(self, qs: QuerySet, name: str, value: float) -> QuerySet:
        year = int(value)
        return qs.filter(
            Q(started_on__year__lte=year)
            | Q(started_on__isnull=True, last_event_on__year__lte=year)
        )

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return qs
        ids = (
            Controversy.objects.filter(
                Q(title__icontains=value)
                | Q(summary__icontains=value)
                | Q(aiaaic_id__iexact=value)
                | Q(companies__name__icontains=value)
                | Q(products__name__icontains=value)
            )
            .values("pk")
            .distinct()
        )
        return qs.filter(pk__in=ids)


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
