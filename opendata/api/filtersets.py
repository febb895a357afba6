"""Filters for each API listing. They follow the pages' rule: a value that does not
validate (an unknown slug, a malformed number) is ignored rather than refused."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from ninja import Schema
from pydantic import Field, create_model

from controversies.models import (
    Campaign,
    Coalition,
    Controversy,
    Event,
    Organization,
    Product,
    Source,
)
from opendata.filters import ControversyFilter


def _org(field_name: str | None = None, **kwargs: object) -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(), to_field_name="slug", field_name=field_name, **kwargs
    )


class ApiControversyFilter(ControversyFilter):
    aiid = django_filters.NumberFilter(field_name="aiid_incident_id")
    aiaaic = django_filters.CharFilter(field_name="aiaaic_id", lookup_expr="iexact")


class EventFilter(django_filters.FilterSet):
    controversy = django_filters.ModelChoiceFilter(
        queryset=Controversy.objects.all(), to_field_name="slug"
    )
    kind = django_filters.ChoiceFilter(choices=Event.Kind.choices)
    actor = _org(method="filter_actor")
    since = django_filters.DateFilter(field_name="occurred_on", lookup_expr="gte")
    until = django_filters.DateFilter(field_name="occurred_on", lookup_expr="lte")

    class Meta:
        model = Event
        fields: list[str] = []

    def filter_actor(self, qs: QuerySet, name: str, value: Organization) -> QuerySet:
        return qs.filter(event_actors__organization=value).distinct()


class OrganizationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Organization.Kind.choices)
    q = django_filters.CharFilter(method="filter_q")
    aiid = django_filters.CharFilter(field_name="aiid_slug", lookup_expr="iexact")
    sec_cik = django_filters.CharFilter(method="filter_cik")
    wikidata = django_filters.CharFilter(field_name="wikidata_id", lookup_expr="iexact")
    ticker = django_filters.CharFilter(field_name="ticker", lookup_expr="iexact")

    class Meta:
        model = Organization
        fields: list[str] = []

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Q(name__icontains=value) | Q(aliases__icontains=value))

    def filter_cik(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        # CIKs are written with and without their leading zeros.
        value = value.strip()
        return qs.filter(
            Q(sec_cik=value) | Q(sec_cik=value.lstrip("0")) | Q(sec_cik=value.zfill(10))
        )


class ProductFilter(django_filters.FilterSet):
    developer = _org(field_name="developer")
    q = django_filters.CharFilter(method="filter_q")

    class Meta:
        model = Product
        fields: list[str] = []

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Q(name__icontains=value) | Q(aliases__icontains=value))


class CoalitionFilter(django_filters.FilterSet):
    member = _org(field_name="members")
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = Coalition
        fields: list[str] = []


class CampaignFilter(django_filters.FilterSet):
    organiser = _org(field_name="organisers")
    target = _org(field_name="targets")
    controversy = django_filters.ModelChoiceFilter(
        queryset=Controversy.objects.all(), to_field_name="slug", field_name="controversies"
    )
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = Campaign
        fields: list[str] = []


class SourceFilter(django_filters.FilterSet):
    controversy = django_filters.ModelChoiceFilter(
        queryset=Controversy.objects.all(), to_field_name="slug", method="filter_controversy"
    )
    publisher = django_filters.CharFilter(field_name="publisher", lookup_expr="iexact")
    aiid_report = django_filters.NumberFilter(field_name="aiid_report_number")
    q = django_filters.CharFilter(method="filter_q")

    class Meta:
        model = Source
        fields: list[str] = []

    def filter_controversy(self, qs: QuerySet, name: str, value: Controversy) -> QuerySet:
        return qs.filter(pk__in=Source.objects.filter(events__controversy=value).values("pk"))

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Q(title__icontains=value) | Q(canonical_url__icontains=value))


_DESCRIPTIONS = {
    "company": "Slug of a target company.",
    "product": "Slug of a product.",
    "organisation": "Slug of an organisation that acted, organised a campaign or belongs "
    "to a coalition that did.",
    "organization": "Same as organisation.",
    "coalition": "Slug of a coalition that acted on the controversy.",
    "topic": "Slug of a topic.",
    "status": "ongoing, resolved or dormant.",
    "year_from": "Has an event in or after this year.",
    "year_to": "Has an event in or before this year.",
    "q": "Words to look for in the title or summary.",
    "aiid": "AI Incident Database id.",
    "aiaaic": "AIAAIC id, e.g. AIAAIC0123.",
    "controversy": "Slug of a controversy.",
    "kind": "Kind of record.",
    "actor": "Slug of an organisation that took part.",
    "since": "On or after this date (YYYY-MM-DD).",
    "until": "On or before this date (YYYY-MM-DD).",
    "sec_cik": "SEC Central Index Key.",
    "wikidata": "Wikidata id, e.g. Q3884.",
    "ticker": "Stock ticker.",
    "developer": "Slug of the developing organisation.",
    "member": "Slug of a member organisation.",
    "organiser": "Slug of an organising organisation.",
    "target": "Slug of a targeted organisation.",
    "publisher": "Publisher name.",
    "aiid_report": "AI Incident Database report number.",
}


def query_schema(*filtersets: type[django_filters.FilterSet]) -> type[Schema]:
    """A ninja query schema listing the filter's parameters, for the OpenAPI document.

    Every parameter is a plain optional string here; the FilterSet does the parsing, so
    a malformed value is ignored (as on the pages) instead of answered with an error.
    """
    fields = {
        name: (str | None, Field(None, description=_DESCRIPTIONS.get(name, "")))
        for filterset in filtersets
        for name in filterset.base_filters
    }
    return create_model(f"{filtersets[0].__name__}Params", __base__=Schema, **fields)
