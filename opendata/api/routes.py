"""The read-only JSON API: a list (filtered, cursor-paginated) and a detail endpoint for
each public record, and "is this URL tracked?"."""

from __future__ import annotations

import re
from typing import Annotated, Any

import django_filters
from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Path, Query, Schema, Swagger
from pydantic import Field

from controversies.canonical import MAX_URL_LENGTH, InvalidURL, canonicalize_url
from controversies.models import (
    Campaign,
    Coalition,
    CoalitionMembership,
    Controversy,
    Demand,
    DemandStatus,
    Event,
    Organization,
    Product,
    ProxyAdviserRecommendation,
    ShareholderResolution,
    Source,
)
from opendata import selectors
from opendata.api import filtersets, schemas
from opendata.api.errors import BadRequest, install_error_handlers
from opendata.api.pagination import (
    CURSOR_MAX_LENGTH,
    CURSOR_PATTERN,
    DEFAULT_LIMIT,
    MAX_LIMIT,
    keyset_page,
    page_schema,
)
from opendata.filters import (
    OpenDataControversyFilter,
    OpenDataResolutionFilter,
    validate_filters,
)

api = NinjaAPI(
    title=f"{settings.SITE_NAME} API",
    version="1",
    description=(
        "Read-only access to the tracker's controversies, timeline events, organisations, "
        "products, coalitions, campaigns, shareholder resolutions and sources. Listings "
        "take the same filters as the pages and are paginated with an opaque cursor: "
        "follow `next` until it is null. Company, product, organisation (or organization), "
        "coalition and topic take a slug, a name or an alias. A filter value the API cannot "
        "use (malformed, unknown, or a name shared by several records) is refused with a "
        "400 naming the parameter and the value; a record that exists but is involved in "
        "nothing gives an empty list. Errors are JSON objects with a `detail` message (and, "
        "for filters, `errors`: each parameter, value, problem and candidates)."
    ),
    urls_namespace="api",
    # Swagger UI comes from django-ninja's bundled static files; no validator badge,
    # which would call out to a third-party service.
    # No deep links: Swagger UI would put each one inside the operation's toggle button,
    # a link inside a button that keyboards and screen readers cannot tell apart.
    docs=Swagger(settings={"validatorUrl": None, "deepLinking": False}),
    docs_url="/docs",
)
install_error_handlers(api)

ERRORS = {400: schemas.ErrorOut, 404: schemas.ErrorOut, 429: schemas.ErrorOut}

# Detail routes match slugs with Django's <slug:...> converter, as the pages do: any other
# path segment (NUL, a space, a lone surrogate escape) is a 404 before a view runs, and so
# is a slug of no record, however long. The annotation states the rule in the OpenAPI
# document.
SlugPath = Annotated[str, Path(description="The record's slug.", pattern=filtersets.SLUG_PATTERN)]


class PageParams(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Rows per page.")
    cursor: str | None = Field(
        None,
        description="The next_cursor of the previous page. One this listing did not give "
        "out (or from another listing) answers 404.",
        pattern=CURSOR_PATTERN,
        max_length=CURSOR_MAX_LENGTH,
    )


def _listing(
    request: HttpRequest,
    queryset: QuerySet,
    filterset: type[django_filters.FilterSet],
    page: PageParams,
    *,
    scope: str,
    ordering: tuple[str, ...] = ("id",),
) -> dict[str, Any]:
    # Without any of its parameters a filterset filters nothing, so it is not built.
    if any(name in request.GET for name in filterset.base_filters):
        queryset = validate_filters(filterset(request.GET, queryset=queryset)).qs
    return keyset_page(
        request, queryset, ordering=ordering, limit=page.limit, cursor=page.cursor, scope=scope
    )


def _controversies() -> QuerySet[Controversy]:
    return Controversy.objects.prefetch_related("companies", "products", "topics")


def _events() -> QuerySet[Event]:
    return selectors.events_with_sources(Event.objects.all())


def _coalitions() -> QuerySet[Coalition]:
    return Coalition.objects.prefetch_related(
        Prefetch(
            "memberships",
            queryset=CoalitionMembership.objects.select_related("organization", "source").order_by(
                "organization__name", "id"
            ),
        )
    )


def _campaigns() -> QuerySet[Campaign]:
    statuses = DemandStatus.objects.select_related("source")
    return Campaign.objects.select_related("organising_coalition", "source").prefetch_related(
        "organisers",
        "targets",
        "controversies",
        Prefetch(
            "demands",
            queryset=Demand.objects.prefetch_related(Prefetch("statuses", queryset=statuses)),
        ),
    )


def _resolutions() -> QuerySet[ShareholderResolution]:
    recommendations = ProxyAdviserRecommendation.objects.select_related("adviser", "source")
    return ShareholderResolution.objects.select_related(
        "meeting__company", "lead_filer", "organiser", "controversy", "campaign", "vote__source"
    ).prefetch_related(
        "co_filers",
        "topics",
        Prefetch("adviser_recommendations", queryset=recommendations),
    )


# --- Controversies -------------------------------------------------------------------------


@api.get(
    "/controversies",
    response={200: page_schema(schemas.ControversyOut), **ERRORS},
    tags=["controversies"],
)
def controversy_list(
    request: HttpRequest,
    filters: Query[filtersets.query_schema(filtersets.ApiControversyFilter)],  # type: ignore[valid-type]
    page: Query[PageParams],
) -> dict[str, Any]:
    """Controversies, oldest record first, with the pages' filters and external ids."""
    return _listing(
        request, _controversies(), filtersets.ApiControversyFilter, page, scope="controversies"
    )


@api.get(
    "/controversies/{slug:slug}",
    response={200: schemas.ControversyDetailOut, **ERRORS},
    tags=["controversies"],
)
def controversy_detail(request: HttpRequest, slug: SlugPath) -> Controversy:
    """One controversy with its whole timeline and every event's sources."""
    queryset = _controversies().prefetch_related(
        Prefetch(
            "events",
            queryset=selectors.events_with_sources(Event.objects.order_by("occurred_on", "id")),
        )
    )
    return get_object_or_404(queryset, slug=slug)


# --- Events ----------------------------------------------------------------------------------


@api.get("/events", response={200: page_schema(schemas.EventOut), **ERRORS}, tags=["events"])
def event_list(
    request: HttpRequest,
    filters: Query[filtersets.query_schema(filtersets.EventFilter, OpenDataControversyFilter)],  # type: ignore[valid-type]
    page: Query[PageParams],
) -> dict[str, Any]:
    """Timeline events, newest first. The controversy filters (company, topic, year...)
    select the controversies whose events are listed."""
    events = _events()
    if any(name in request.GET for name in OpenDataControversyFilter.base_filters):
        chosen = validate_filters(
            OpenDataControversyFilter(request.GET, queryset=Controversy.objects.all())
        ).qs
        events = events.on(chosen.values("pk"))
    return _listing(
        request,
        events,
        filtersets.EventFilter,
        page,
        scope="events",
        ordering=("-occurred_on", "-id"),
    )


@api.get("/events/{int:event_id}", response={200: schemas.EventOut, **ERRORS}, tags=["events"])
def event_detail(request: HttpRequest, event_id: int) -> Event:
    return get_object_or_404(_events(), pk=event_id)


# --- Organisations, products ---------------------------------------------------------------


@api.get(
    "/organizations",
    response={200: page_schema(schemas.OrganizationOut), **ERRORS},
    tags=["organizations"],
)
def organization_list(
    request: HttpRequest,
    filters: Query[filtersets.query_schema(filtersets.OrganizationFilter)],  # type: ignore[valid-type]
    page: Query[PageParams],
) -> dict[str, Any]:
    """Companies, advocacy groups, investors and every other organisation."""
    queryset = Organization.objects.select_related("parent")
    return _listing(request, queryset, filtersets.OrganizationFilter, page, scope="organizations")


@api.get(
    "/organizations/{slug:slug}",
    response={200: schemas.OrganizationOut, **ERRORS},
    tags=["organizations"],
)
def organization_detail(request: HttpRequest, slug: SlugPath) -> Organization:
    return get_object_or_404(Organization.objects.select_related("parent"), slug=slug)


@api.get("/products", response={200: page_schema(schemas.ProductOut), **ERRORS}, tags=["products"])
def product_list(
    request: HttpRequest,
    filters: Query[filtersets.query_schema(filtersets.ProductFilter)],  # type: ignore[valid-type]
    page: Query[PageParams],
) -> dict[str, Any]:
    queryset = Product.objects.select_related("developer")
    return _listing(request, queryset, filtersets.ProductFilter, page, scope="products")


@api.get("/products/{slug:slug}", response={200: schemas.ProductOut, **ERRORS}, tags=["products"])
def product_detail(request: HttpRequest, slug: SlugPath) -> Product:
    return get_object_or_404(Product.objects.select_related("developer"), slug=slug)


# --- Coalitions, campaigns -----------------------------------------------------------------


@api.get(
    "/coalitions",
    response={200: page_schema(schemas.CoalitionOut), **ERRORS},
    tags=["coalitions"],
)
def coalition_list(
    request: HttpRequest,
    filters: Query[filtersets.query_schema(filtersets.CoalitionFilter)],  # type: ignore[valid-type]
    page: Query[PageParams],
) -> dict[str, Any]:
    return _listing(request, _coalitions(), filtersets.CoalitionFilter, page, scope="coalitions")


@api.get(
    "/coalitions/{slug:slug}", response={200: schemas.CoalitionOut, **ERRORS}, tags=["coalitions"]
)
def coalition_detail(request: HttpRequest, slug: SlugPath) -> Coalition:
    return get_object_or_404(_coalitions(), slug=slug)


@api.get(
    "/campaigns", response={200: page_schema(schemas.CampaignOut), **ERRORS}, tags=["campaigns"]
)
def campaign_list(
    request: HttpRequest,
    filters: Query[filtersets.query_schema(filtersets.CampaignFilter)],  # type: ignore[valid-type]
    page: Query[PageParams],
) -> dict[str, Any]:
    return _listing(request, _campaigns(), filtersets.CampaignFilter, page, scope="campaigns")


@api.get(
    "/campaigns/{slug:slug}", response={200: schemas.CampaignOut, **ERRORS}, tags=["campaigns"]
)
def campaign_detail(request: HttpRequest, slug: SlugPath) -> Campaign:
    return get_object_or_404(_campaigns(), slug=slug)


# --- Shareholder resolutions ---------------------------------------------------------------


@api.get(
    "/resolutions",
    response={200: page_schema(schemas.ResolutionOut), **ERRORS},
    tags=["resolutions"],
)
def resolution_list(
    request: HttpRequest,
    filters: Query[filtersets.query_schema(OpenDataResolutionFilter)],  # type: ignore[valid-type]
    page: Query[PageParams],
) -> dict[str, Any]:
    """Shareholder resolutions with their vote results and proxy-adviser recommendations."""
    return _listing(request, _resolutions(), OpenDataResolutionFilter, page, scope="resolutions")


@api.get(
    "/resolutions/{slug:slug}",
    response={200: schemas.ResolutionOut, **ERRORS},
    tags=["resolutions"],
)
def resolution_detail(request: HttpRequest, slug: SlugPath) -> ShareholderResolution:
    return get_object_or_404(_resolutions(), slug=slug)


# --- Sources -------------------------------------------------------------------------------


@api.get("/sources", response={200: page_schema(schemas.SourceOut), **ERRORS}, tags=["sources"])
def source_list(
    request: HttpRequest,
    filters: Query[filtersets.query_schema(filtersets.SourceFilter)],  # type: ignore[valid-type]
    page: Query[PageParams],
) -> dict[str, Any]:
    return _listing(request, Source.objects.all(), filtersets.SourceFilter, page, scope="sources")


@api.get("/sources/{int:source_id}", response={200: schemas.SourceOut, **ERRORS}, tags=["sources"])
def source_detail(request: HttpRequest, source_id: int) -> Source:
    return get_object_or_404(Source, pk=source_id)


# --- Is this URL tracked? ------------------------------------------------------------------


# An absolute http(s) URL in RFC 3986's characters (anything else percent-encoded): the
# OpenAPI document promises exactly this, "format: uri" included, and the view enforces it.
_URL_CHARACTER = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})"
TRACKED_URL_PATTERN = (
    r"^[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9.\-]+(?::[0-9]{1,5})?"
    rf"(?:/{_URL_CHARACTER}*)*(?:\?(?:{_URL_CHARACTER}|[/?])*)?(?:#(?:{_URL_CHARACTER}|[/?])*)?$"
)
TRACKED_URL_MIN_LENGTH = len("http://a")


class TrackedParams(Schema):
    url: str = Field(
        ...,
        description="An absolute http:// or https:// URL, other characters than RFC "
        "3986's percent-encoded.",
        json_schema_extra={
            "format": "uri",
            "pattern": TRACKED_URL_PATTERN,
            "minLength": TRACKED_URL_MIN_LENGTH,
            "maxLength": MAX_URL_LENGTH,
        },
    )


@api.get("/tracked", response={200: schemas.TrackedOut, **ERRORS}, tags=["sources"])
def tracked(request: HttpRequest, params: Query[TrackedParams]) -> dict[str, Any]:
    """Whether the tracker cites this URL: it is canonicalised first (tracking parameters
    and fragments dropped, host lower-cased), then matched against every source."""
    url = params.url
    if not TRACKED_URL_MIN_LENGTH <= len(url) <= MAX_URL_LENGTH:
        raise BadRequest(
            f"Give an absolute http:// or https:// URL of at most {MAX_URL_LENGTH} characters."
        )
    if not re.fullmatch(TRACKED_URL_PATTERN, url):
        raise BadRequest(
            "Give an absolute http:// or https:// URL, with any character outside RFC 3986 "
            "(spaces, accents, quotes) percent-encoded."
        )
    try:
        canonical = canonicalize_url(url)
    except InvalidURL as exc:
        raise BadRequest(f"{exc}. Give an absolute http:// or https:// URL.") from None
    source = Source.objects.filter(canonical_url=canonical).first()
    events: list[Event] = []
    controversies: list[Controversy] = []
    if source is not None:
        events = list(_events().filter(citations__source=source).order_by("occurred_on", "id"))
        controversies = list(
            Controversy.objects.filter(events__citations__source=source)
            .distinct()
            .order_by("title")
        )
    return {
        "url": url,
        "canonical_url": canonical,
        "tracked": source is not None,
        "source": source,
        "controversies": controversies,
        "events": events,
    }
