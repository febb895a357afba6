"""Filters for each API listing, and the query schema each declares in the OpenAPI
document. A value that does not validate is refused (``validate_filters``) with a 400:
a malformed value, the slug of no record, or a name that is unknown or ambiguous."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import django_filters
from django.db.models import Q, QuerySet
from ninja import Schema
from pydantic import Field, create_model

from controversies.filter_fields import EntityFilter
from controversies.models import (
    Campaign,
    Coalition,
    Controversy,
    Event,
    Organization,
    Product,
    Source,
)
from opendata.filters import IntegerFilter, OpenDataControversyFilter, is_reference


def _org(field_name: str | None = None, **kwargs: object) -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(), to_field_name="slug", field_name=field_name, **kwargs
    )


class ApiControversyFilter(OpenDataControversyFilter):
    aiid = IntegerFilter(field_name="aiid_incident_id")
    aiaaic = django_filters.CharFilter(field_name="aiaaic_id", lookup_expr="iexact")


class EventFilter(django_filters.FilterSet):
    controversy = django_filters.ModelChoiceFilter(
        queryset=Controversy.objects.all(), to_field_name="slug", method="filter_controversy"
    )
    kind = django_filters.ChoiceFilter(choices=Event.Kind.choices)
    actor = _org(method="filter_actor")
    since = django_filters.DateFilter(field_name="occurred_on", lookup_expr="gte")
    until = django_filters.DateFilter(field_name="occurred_on", lookup_expr="lte")

    class Meta:
        model = Event
        fields: list[str] = []

    def filter_controversy(self, qs: QuerySet, name: str, value: Controversy) -> QuerySet:
        # Through the link table, so an event shared with another case is listed once.
        return qs.on([value.pk])

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
    aiid_report = IntegerFilter(field_name="aiid_report_number")
    q = django_filters.CharFilter(method="filter_q")

    class Meta:
        model = Source
        fields: list[str] = []

    def filter_controversy(self, qs: QuerySet, name: str, value: Controversy) -> QuerySet:
        return qs.filter(pk__in=Source.objects.filter(events__controversies=value).values("pk"))

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Q(title__icontains=value) | Q(canonical_url__icontains=value))


_DESCRIPTIONS = {
    "company": "A target company: its slug, name or an alias, in any case.",
    "product": "A product: its slug, name or an alias, in any case.",
    "organisation": "An organisation that acted, organised a campaign or belongs to a "
    "coalition that did: its slug, name or an alias, in any case. A name shared by several "
    "organisations is refused with their slugs.",
    "organization": "Same as organisation.",
    "coalition": "A coalition that acted on the controversy: its slug or name.",
    "topic": "A topic: its slug or name.",
    "status": "One of the listed statuses.",
    "year_from": "In or after this year (controversies: an event; resolutions: the meeting).",
    "year_to": "In or before this year (controversies: an event; resolutions: the meeting).",
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
    "proponent": "Slug of the lead filer, a co-filer or the organiser.",
    "target": "Slug of a targeted organisation.",
    "publisher": "Publisher name.",
    "aiid_report": "AI Incident Database report number.",
}


# What a slug may hold: Django's slug characters (the pages' <slug:...> converter).
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
SLUG_MAX_LENGTH = 200
NAME_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 200
# Free text may hold anything but NUL, which PostgreSQL text cannot hold.
TEXT_PATTERN = r"^[^\x00]*$"


def _parameter(filter_: django_filters.Filter, description: str) -> tuple[Any, Any]:
    """The type and constraints of one filter's parameter, as the filter validates it, so
    the OpenAPI document promises exactly what the API accepts."""
    extra = filter_.extra
    if isinstance(filter_, django_filters.NumberFilter):
        bounds = {"ge": extra.get("min_value", 0), "le": extra.get("max_value")}
        return int | None, Field(None, description=description, **bounds)
    if isinstance(filter_, django_filters.DateFilter):
        return dt.date | None, Field(None, description=description)
    if isinstance(filter_, EntityFilter):
        # A slug, a name or an alias: any text of a name's length.
        return str | None, Field(
            None, description=description, pattern=TEXT_PATTERN, max_length=NAME_MAX_LENGTH
        )
    if is_reference(filter_):
        return str | None, Field(
            None,
            description=description,
            pattern=SLUG_PATTERN,
            max_length=SLUG_MAX_LENGTH,
        )
    if isinstance(filter_, django_filters.ChoiceFilter):
        values = tuple(value for value, _label in extra["choices"])
        return Literal[values] | None, Field(None, description=description)  # type: ignore[valid-type]
    return str | None, Field(
        None, description=description, pattern=TEXT_PATTERN, max_length=TEXT_MAX_LENGTH
    )


def query_schema(*filtersets: type[django_filters.FilterSet]) -> type[Schema]:
    """A ninja query schema listing the filters' parameters with their real constraints
    (integer ranges, dates, slug patterns, enumerations): ninja refuses a value outside
    them with a 400 before the view runs, and the OpenAPI document states them."""
    fields = {
        name: _parameter(filter_, _DESCRIPTIONS.get(name, ""))
        for filterset in filtersets
        for name, filter_ in filterset.base_filters.items()
    }
    return create_model(f"{filtersets[0].__name__}Params", __base__=Schema, **fields)
