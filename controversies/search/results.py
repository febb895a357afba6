"""What the search page shows: hits grouped by kind, built from the rows either back-end
found."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Aggregate, JSONField, OuterRef, Prefetch, Subquery
from django.db.models.functions import JSONArray
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString

from controversies.models import Controversy, Event, EventSource, Organization, Product, Source
from controversies.models.controversy import home_controversy

PER_KIND = 10


@dataclass
class Hit:
    title: SafeString
    url: str
    snippet: SafeString
    date: str = ""
    context: str = ""
    context_url: str = ""
    external: bool = False
    # For an event: every controversy it belongs to, as (title, link to the event there).
    places: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Group:
    key: str
    label: str
    hits: list[Hit]
    more: bool = False


@dataclass
class SearchResults:
    query: str = ""
    cut: bool = False
    groups: list[Group] = field(default_factory=list)
    full_text: bool = False
    notices: list[str] = field(default_factory=list)  # how the query was simplified
    words: list[str] = field(default_factory=list)  # the words and phrases looked for


def day(value: Any) -> str:
    return date_format(value, "j M Y") if value else ""


def developer_name() -> Subquery:
    """A product's developer's name. A subquery rather than a join: PostgreSQL evaluates
    it for the shown rows only, where a join (select_related) read every organisation to
    join them to all the matching products before keeping PER_KIND + 1."""
    developer = Organization.objects.filter(pk=OuterRef("developer_id")).order_by()
    return Subquery(developer.values("name")[:1])


class _JSONList(Aggregate):
    """The aggregated values as one JSON array (JSONB on PostgreSQL, which Django reads
    as text; JSON text on SQLite)."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra)


def event_places() -> dict[str, Subquery]:
    """Annotation: each listed event's controversies as [id, slug, title] lists, read in
    the events' own query (an event is listed once, with all of them), so the page's
    query count does not depend on whether any event matched."""
    links = (
        Event.controversies.through.objects.filter(event_id=OuterRef("pk"))
        .order_by()
        .values("event_id")
        .annotate(
            places=_JSONList(JSONArray("controversy_id", "controversy__slug", "controversy__title"))
        )
        .values("places")
    )
    return {"places": Subquery(links, output_field=JSONField())}


def _places(event: Event) -> list[tuple[str, str]]:
    """(title, link to the event on that controversy's timeline), first filed first."""
    return [
        (title, _event_anchor(slug, event.pk)) for _id, slug, title in sorted(event.places or [])
    ]


def citing_events() -> Prefetch:
    return Prefetch(
        "citations",
        queryset=EventSource.objects.annotate(**home_controversy("event_id"))
        .only("source_id", "event_id")
        .order_by("id"),
    )


def _event_anchor(slug: str | None, event_id: int) -> str:
    # The query names the event so a long timeline opens on its part (timeline_pages).
    url = reverse("controversies:controversy", args=[slug]) if slug else ""
    return f"{url}?event={event_id}#event-{event_id}" if slug else ""


def _source_context(source: Source) -> tuple[str, str]:
    for citation in source.citations.all():
        return citation.home_title or "", _event_anchor(citation.home_slug, citation.event_id)
    return "", ""


def build_groups(
    controversies: list[Controversy],
    events: list[Event],
    organizations: list[Organization],
    products: list[Product],
    sources: list[Source],
    *,
    title: Callable[[Any], SafeString],
    snippet: Callable[[Any], SafeString],
) -> list[Group]:
    """The non-empty groups; each row list holds up to PER_KIND + 1 rows (the extra one
    says there are more). Events come annotated with ``event_places()``, sources with
    ``citing_events()`` prefetched, products annotated with ``developer_name``."""

    def group(key: str, label: str, rows: list[Any], make: Callable[[Any], Hit]) -> Group:
        return Group(key, label, [make(r) for r in rows[:PER_KIND]], more=len(rows) > PER_KIND)

    def source_hit(s: Source) -> Hit:
        context, context_url = _source_context(s)
        return Hit(
            title(s) if s.title else escape(s.canonical_url),
            s.url,
            snippet(s),
            day(s.published_on),
            context=" · ".join(p for p in (s.publisher, context) if p),
            context_url=context_url,
            external=True,
        )

    def event_hit(e: Event) -> Hit:
        places = _places(e)
        return Hit(
            title(e), places[0][1] if places else "", snippet(e), e.display_date, places=places
        )

    groups = [
        group(
            "controversies",
            "Controversies",
            controversies,
            lambda c: Hit(
                title(c),
                c.get_absolute_url(),
                snippet(c),
                day(c.last_event_on),
                context=c.get_status_display(),
            ),
        ),
        group("events", "Events", events, event_hit),
        group(
            "organizations",
            "Organisations",
            organizations,
            lambda o: Hit(title(o), o.get_absolute_url(), snippet(o), context=o.get_kind_display()),
        ),
        group(
            "products",
            "Products",
            products,
            lambda p: Hit(
                title(p),
                p.get_absolute_url(),
                snippet(p),
                context=f"by {p.developer_name}" if p.developer_name else "",
            ),
        ),
        group("sources", "Sources", sources, source_hit),
    ]
    return [g for g in groups if g.hits]
