"""Reads for the shareholder resolution table and the page of one resolution."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from itertools import chain

import django_filters
from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import QueryDict
from django.shortcuts import get_object_or_404

from controversies import facets
from controversies.filter_fields import EntityFilter, FilterSelect
from controversies.models import (
    Organization,
    ProxyAdviserRecommendation,
    ShareholderMeeting,
    ShareholderResolution,
    Topic,
)

PAGE_SIZE = 25


def _by_slug(field_name: str) -> Callable[[QuerySet, str, str], QuerySet]:
    """A django-filter method that keeps the rows whose ``field_name`` equals the value."""

    def apply(queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(**{field_name: value}) if value else queryset

    return apply


class ResolutionTableFilter(django_filters.FilterSet):
    """The resolution table's filters. Every filter takes a slug or a value from the
    cached option lists, so a bad value fails validation (and is ignored with a message)
    instead of reaching SQL. Company and proponent (about a thousand each at scale) are
    text boxes that take a slug or a name, with the most involved as suggestions; the
    short lists are ``<select>``s."""

    company = EntityFilter(
        label="Company", method=_by_slug("meeting__company__slug"), empty_label="Any company"
    )
    year = django_filters.ChoiceFilter(
        label="Year", method="filter_year", empty_label="Any year", widget=FilterSelect
    )
    topic = django_filters.ChoiceFilter(
        label="Topic", method=_by_slug("topics__slug"), empty_label="Any topic", widget=FilterSelect
    )
    proponent = EntityFilter(
        label="Proponent", method="filter_proponent", empty_label="Any proponent"
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=ShareholderResolution.Status.choices,
        empty_label="Any status",
        widget=FilterSelect,
    )

    class Meta:
        model = ShareholderResolution
        fields: list[str] = []

    def __init__(self, data: QueryDict | None = None, *, options: FilterOptions) -> None:
        super().__init__(data, queryset=resolution_rows())
        self.filters["company"].extra["choices"] = options.companies
        self.filters["year"].extra["choices"] = [(str(y), str(y)) for y in options.years]
        self.filters["topic"].extra["choices"] = options.topics
        self.filters["proponent"].extra["choices"] = options.proponents

    def filter_year(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # A date range (not __year) so the meeting date index serves it on every database.
        year = int(value)
        return queryset.filter(
            meeting__held_on__gte=dt.date(year, 1, 1), meeting__held_on__lt=dt.date(year + 1, 1, 1)
        )

    def filter_proponent(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(lead_filer__slug=value) | Q(co_filers__slug=value) | Q(organiser__slug=value)
        ).distinct()


@dataclass
class FilterOptions:
    companies: list[tuple[str, str]]  # (slug, name), most resolutions first
    years: list[int]
    topics: list[tuple[str, str]]
    proponents: list[tuple[str, str]]  # (slug, name), most resolutions first


def filter_options() -> FilterOptions:
    """The values each filter offers, limited to those that have resolutions. Cached until
    curated data changes (``controversies.signals`` bumps the generation on resolution and
    meeting edits too), so a page view normally costs no query for them."""
    key = f"resolution-options:{facets.generation()}"
    options = cache.get(key)
    if options is None:
        options = _load_filter_options()
        cache.set(key, options, facets.CACHE_SECONDS)
    return options


def _load_filter_options() -> FilterOptions:
    companies = (
        Organization.objects.filter(shareholder_meetings__resolutions__isnull=False)
        .annotate(n=Count("shareholder_meetings__resolutions"))
        .order_by("-n", "name")
    )
    return FilterOptions(
        companies=list(companies.values_list("slug", "name")),
        years=[
            d.year
            for d in ShareholderMeeting.objects.filter(resolutions__isnull=False).dates(
                "held_on", "year", order="DESC"
            )
        ],
        topics=list(
            Topic.objects.filter(resolutions__isnull=False)
            .distinct()
            .order_by("name")
            .values_list("slug", "name")
        ),
        proponents=_proponents(),
    )


def _proponents() -> list[tuple[str, str]]:
    """Organisations that led, co-filed or organised a resolution. Counted from each of
    the three link columns separately, never through one DISTINCT over three outer joins
    (bench target ``resolutions p95 <= 100 ms at large``)."""
    resolutions = ShareholderResolution.objects.order_by()
    involved = Counter(
        chain(
            resolutions.exclude(lead_filer=None).values_list("lead_filer_id", flat=True),
            resolutions.exclude(organiser=None).values_list("organiser_id", flat=True),
            ShareholderResolution.co_filers.through.objects.values_list(
                "organization_id", flat=True
            ),
        )
    )
    rows = Organization.objects.filter(pk__in=list(involved)).values_list("pk", "slug", "name")
    ranked = sorted(rows, key=lambda row: (-involved[row[0]], row[2].casefold(), row[1]))
    return [(slug, name) for _pk, slug, name in ranked]


def resolution_rows() -> QuerySet[ShareholderResolution]:
    return (
        ShareholderResolution.objects.select_related(
            "meeting__company", "lead_filer", "organiser", "vote"
        )
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("name")))
        .order_by("-meeting__held_on", "meeting__company__name", "item_number", "id")
    )


@dataclass(frozen=True)
class TableFilters:
    """The resolution table's filters as a request gives them: the filter set (whose
    ``qs`` is the table's rows), a message per value ignored and the values in force."""

    filterset: ResolutionTableFilter
    messages: list[str]
    active: dict[str, str]


def table_filters(params: QueryDict) -> TableFilters:
    """The table's filters: an invalid value is dropped with a message. No query once the
    filter options are cached (the rows are read when ``filterset.qs`` is)."""
    filterset = ResolutionTableFilter(params, options=filter_options())
    messages = []
    if not filterset.is_valid():
        for name in filterset.errors:
            label = filterset.filters[name].label or name
            value = params.get(name, "")[:40]
            messages.append(
                f"Ignored the {label.lower()} filter: “{value}” is not one of its values."
            )
    active = {
        name: value
        for name, value in filterset.form.cleaned_data.items()
        if value not in (None, "")
    }
    return TableFilters(filterset, messages, active)


def resolution_get(slug: str) -> ShareholderResolution:
    """One resolution with its meeting, filers, topics, vote and adviser recommendations."""
    return get_object_or_404(
        ShareholderResolution.objects.select_related(
            "meeting__company", "lead_filer", "organiser", "vote__source", "controversy", "campaign"
        ).prefetch_related(
            Prefetch("co_filers", queryset=Organization.objects.order_by("name")),
            Prefetch("topics", queryset=Topic.objects.order_by("name")),
            Prefetch(
                "adviser_recommendations",
                queryset=ProxyAdviserRecommendation.objects.select_related(
                    "adviser", "source"
                ).order_by("adviser__name"),
            ),
        ),
        slug=slug,
    )
