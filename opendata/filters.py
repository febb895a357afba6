"""Controversy filters shared by the feeds, the exports and the API.

A stand-in with the same parameter names as the dashboard's ``ControversyFilter``
(company, product, organisation, coalition, topic, status, year_from, year_to, q); an
unknown slug or a malformed value fails its field's validation, and django-filter then
leaves that filter out, so bad parameters are ignored exactly as on the pages.
"""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet

from controversies.models import (
    Campaign,
    Coalition,
    Controversy,
    Event,
    Organization,
    Product,
    ShareholderResolution,
    Topic,
)

MIN_YEAR, MAX_YEAR = 1900, 2100
Q_MAX_LENGTH = 200


class ControversyFilter(django_filters.FilterSet):
    company = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(), to_field_name="slug", field_name="companies"
    )
    product = django_filters.ModelChoiceFilter(
        queryset=Product.objects.all(), to_field_name="slug", field_name="products"
    )
    organisation = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(), to_field_name="slug", method="filter_organisation"
    )
    # The American spelling is accepted too: API clients will try it.
    organization = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(), to_field_name="slug", method="filter_organisation"
    )
    coalition = django_filters.ModelChoiceFilter(
        queryset=Coalition.objects.all(), to_field_name="slug", method="filter_coalition"
    )
    topic = django_filters.ModelChoiceFilter(
        queryset=Topic.objects.all(), to_field_name="slug", field_name="topics"
    )
    status = django_filters.ChoiceFilter(choices=Controversy.Status.choices)
    year_from = django_filters.NumberFilter(
        method="filter_years", min_value=MIN_YEAR, max_value=MAX_YEAR
    )
    year_to = django_filters.NumberFilter(
        method="filter_years", min_value=MIN_YEAR, max_value=MAX_YEAR
    )
    q = django_filters.CharFilter(method="filter_q")

    class Meta:
        model = Controversy
        fields: list[str] = []

    def filter_organisation(self, qs: QuerySet, name: str, value: Organization) -> QuerySet:
        # Acted in one of its events, organised one of its campaigns, or belongs to a
        # coalition that signed one of its events or organised one of its campaigns.
        coalitions = Coalition.objects.filter(memberships__organization=value)
        return qs.filter(
            Q(pk__in=Event.objects.filter(event_actors__organization=value).values("controversy"))
            | Q(pk__in=Campaign.objects.filter(organisers=value).values("controversies"))
            | Q(pk__in=Event.objects.filter(coalitions__in=coalitions).values("controversy"))
            | Q(
                pk__in=Campaign.objects.filter(organising_coalition__in=coalitions).values(
                    "controversies"
                )
            )
        )

    def filter_coalition(self, qs: QuerySet, name: str, value: Coalition) -> QuerySet:
        return qs.filter(
            Q(pk__in=Event.objects.filter(coalitions=value).values("controversy"))
            | Q(pk__in=Campaign.objects.filter(organising_coalition=value).values("controversies"))
        )

    def filter_years(self, qs: QuerySet, name: str, value: float) -> QuerySet:
        """At least one event in the range; both ends are applied together, once, so a
        reversed range can be swapped."""
        cleaned = self.form.cleaned_data
        if name == "year_to" and cleaned.get("year_from") is not None:
            return qs  # already applied with year_from
        first, last = cleaned.get("year_from"), cleaned.get("year_to")
        if first is not None and last is not None and first > last:
            first, last = last, first
        dated = Q()
        if first is not None:
            dated &= Q(occurred_on__gte=dt.date(int(first), 1, 1))
        if last is not None:
            dated &= Q(occurred_on__lte=dt.date(int(last), 12, 31))
        return qs.filter(Exists(Event.objects.filter(dated, controversy=OuterRef("pk"))))

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()[:Q_MAX_LENGTH]
        if not value:
            return qs
        return qs.filter(Q(title__icontains=value) | Q(summary__icontains=value))


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
