"""Atom feeds of timeline events: site-wide, per controversy, per company, per
organisation, product, campaign and coalition, and for any filtered controversy list;
and a feed of shareholder resolutions for any filter of the resolution table.

Each entry links to the event on its controversy's page and carries every source of the
event as an Atom ``<link rel="related">`` with the source's title, so feed readers (and
feedparser) see the citations without opening the page.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.xmlutils import SimplerXMLGenerator

from controversies.models import (
    Campaign,
    Coalition,
    Controversy,
    Event,
    Organization,
    Product,
    ShareholderResolution,
)
from opendata import selectors
from opendata.filters import InvalidFilters, filter_controversies, filter_resolutions
from opendata.links import page_url


class EventAtomFeed(Atom1Feed):
    def add_item_elements(self, handler: SimplerXMLGenerator, item: dict) -> None:
        super().add_item_elements(handler, item)
        for source in item.get("sources", ()):
            attrs = {"rel": "related", "href": source["url"]}
            if source["title"]:
                attrs["title"] = source["title"]
            handler.addQuickElement("link", "", attrs)


_EVENT_QUERY = re.compile(r"\?event=\d+#")


class _EventFeed(Feed):
    feed_type = EventAtomFeed

    def events(self, obj: object) -> QuerySet[Event]:
        raise NotImplementedError

    def author_name(self) -> str:
        # Atom requires an author for the feed or for every entry.
        return settings.SITE_NAME

    def items(self, obj: object) -> list[Event]:
        return list(self.events(obj)[: selectors.FEED_SIZE])

    def item_title(self, item: Event) -> str:
        on = "; ".join(c.title for c in item.controversies.all())
        return f"{on}: {item.title}"

    def item_description(self, item: Event) -> str:
        """The date and summary, then the sources as links, for readers that do not show
        related links."""
        text = format_html("<p>{}. {}</p>", item.display_date, item.summary)
        links = format_html_join(
            "",
            '<li><a href="{}">{}</a></li>',
            ((c.source.url, c.source.title or c.source.url) for c in item.citations.all()),
        )
        return text + format_html("<p>Sources:</p><ul>{}</ul>", links) if links else text

    def item_link(self, item: Event) -> str:
        # On a controversy's own feed an entry links to that controversy's timeline;
        # elsewhere to the event's home (Event.home).
        return item.url_on(getattr(item, "feed_controversy", None))

    # No item_guid: the entry's <id> is its absolute link, which is unique per event (Atom
    # wants an IRI there, not a bare token), less the ``?event=`` query that links gained
    # for long timelines, so the ids readers already hold stay the same.
    def get_feed(self, obj: object, request: HttpRequest) -> EventAtomFeed:
        feed = super().get_feed(obj, request)
        for entry in feed.items:
            entry["unique_id"] = _EVENT_QUERY.sub("#", entry["unique_id"])
        return feed

    def item_pubdate(self, item: Event) -> dt.datetime:
        return dt.datetime.combine(item.occurred_on, dt.time.min, tzinfo=dt.UTC)

    def item_updateddate(self, item: Event) -> dt.datetime:
        return item.updated_at

    def item_categories(self, item: Event) -> list[str]:
        return [item.get_kind_display()]

    def item_extra_kwargs(self, item: Event) -> dict:
        return {
            "sources": [
                {"url": c.source.url, "title": c.source.title} for c in item.citations.all()
            ]
        }


class LatestEventsFeed(_EventFeed):
    def title(self) -> str:
        return f"{settings.SITE_NAME}: latest events"

    def link(self) -> str:
        return page_url("controversies:home")

    def subtitle(self) -> str:
        return "The newest dated events on every controversy, with their sources."

    def events(self, obj: None) -> QuerySet[Event]:
        return selectors.latest_events()


class _RefusingFeed(Feed):
    """A feed whose filters are checked before anything is read: a value it cannot use
    is answered with a plain-text 400 naming the parameter and the value, never a feed
    of something else."""

    def __call__(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        try:
            return super().__call__(request, *args, **kwargs)
        except InvalidFilters as error:
            return HttpResponse(
                error.message, status=error.status_code, content_type="text/plain; charset=utf-8"
            )


def _with_query(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path


class ControversyFeed(_RefusingFeed, _EventFeed):
    """A controversy's timeline, narrowed like its page by ``kind`` and ``actor``."""

    def get_object(self, request: HttpRequest, slug: str) -> Controversy:
        controversy = get_object_or_404(Controversy, slug=slug)
        # Per-request state rides on the fetched row (the Feed instance is shared).
        controversy.feed_events = selectors.timeline_filtered(controversy, request.GET)
        controversy.feed_query = urlencode(
            sorted((k, request.GET[k]) for k in selectors.TIMELINE_FILTERS if request.GET.get(k))
        )
        return controversy

    def title(self, obj: Controversy) -> str:
        return f"{settings.SITE_NAME}: {obj.title}"

    def link(self, obj: Controversy) -> str:
        return _with_query(obj.get_absolute_url(), obj.feed_query)

    def feed_url(self, obj: Controversy) -> str:
        return _with_query(reverse("opendata:feed_controversy", args=[obj.slug]), obj.feed_query)

    def subtitle(self, obj: Controversy) -> str:
        return obj.summary or f"Timeline events of {obj.title}."

    def events(self, obj: Controversy) -> QuerySet[Event]:
        return selectors.events_with_sources(obj.feed_events.order_by("-occurred_on", "-id"))

    def items(self, obj: Controversy) -> list[Event]:
        events = super().items(obj)
        for event in events:
            event.feed_controversy = obj
        return events


class CompanyFeed(_EventFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Organization:
        return get_object_or_404(Organization.objects.companies(), slug=slug)

    def title(self, obj: Organization) -> str:
        return f"{settings.SITE_NAME}: controversies involving {obj.name}"

    def link(self, obj: Organization) -> str:
        return page_url("controversies:organization", obj.slug)

    def subtitle(self, obj: Organization) -> str:
        return f"Events on every controversy that targets {obj.name}."

    def events(self, obj: Organization) -> QuerySet[Event]:
        return selectors.company_events(obj)


class OrganizationFeed(_EventFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Organization:
        return get_object_or_404(Organization, slug=slug)

    def title(self, obj: Organization) -> str:
        return f"{settings.SITE_NAME}: {obj.name}"

    def link(self, obj: Organization) -> str:
        return page_url("controversies:organization", obj.slug)

    def subtitle(self, obj: Organization) -> str:
        return f"Events {obj.name} took part in, and events on controversies that target it."

    def events(self, obj: Organization) -> QuerySet[Event]:
        return selectors.organization_events(obj)


@dataclass(frozen=True)
class FilteredList:
    controversies: QuerySet[Controversy]
    query_string: str


class FilteredControversiesFeed(_RefusingFeed, _EventFeed):
    """The events of the controversies a filter selects (the list page's query string)."""

    # The Feed instance is shared between requests, so per-request state lives in the
    # object get_object returns, never on self.
    def get_object(self, request: HttpRequest) -> FilteredList:
        controversies = filter_controversies(request.GET, strict=True)
        return FilteredList(controversies, request.GET.urlencode())

    def title(self, obj: FilteredList) -> str:
        return f"{settings.SITE_NAME}: filtered controversies"

    def link(self, obj: FilteredList) -> str:
        base = page_url("controversies:controversy_list")
        return f"{base}?{obj.query_string}" if obj.query_string else base

    def feed_url(self, obj: FilteredList) -> str:
        base = reverse("opendata:feed_filtered")
        return f"{base}?{obj.query_string}" if obj.query_string else base

    def subtitle(self, obj: FilteredList) -> str:
        return "Events on the controversies that match the filter."

    def events(self, obj: FilteredList) -> QuerySet[Event]:
        return selectors.latest_events(controversies=obj.controversies)


class ProductFeed(_EventFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Product:
        return get_object_or_404(Product, slug=slug)

    def title(self, obj: Product) -> str:
        return f"{settings.SITE_NAME}: controversies about {obj.name}"

    def link(self, obj: Product) -> str:
        return page_url("controversies:product", obj.slug)

    def subtitle(self, obj: Product) -> str:
        return f"Events on every controversy about {obj.name}."

    def events(self, obj: Product) -> QuerySet[Event]:
        return selectors.latest_events(controversies=Controversy.objects.filter(products=obj))


class CampaignFeed(_EventFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Campaign:
        return get_object_or_404(Campaign, slug=slug)

    def title(self, obj: Campaign) -> str:
        return f"{settings.SITE_NAME}: {obj.name}"

    def link(self, obj: Campaign) -> str:
        return page_url("controversies:campaign", obj.slug)

    def subtitle(self, obj: Campaign) -> str:
        return f"Events on the controversies of the campaign {obj.name}."

    def events(self, obj: Campaign) -> QuerySet[Event]:
        return selectors.latest_events(controversies=obj.controversies.all())


class CoalitionFeed(_EventFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Coalition:
        return get_object_or_404(Coalition, slug=slug)

    def title(self, obj: Coalition) -> str:
        return f"{settings.SITE_NAME}: {obj.name}"

    def link(self, obj: Coalition) -> str:
        return page_url("controversies:coalition", obj.slug)

    def subtitle(self, obj: Coalition) -> str:
        return f"Events on the controversies {obj.name} acted on."

    def events(self, obj: Coalition) -> QuerySet[Event]:
        return selectors.latest_events(controversies=selectors.coalition_controversies(obj))


@dataclass(frozen=True)
class FilteredResolutions:
    resolutions: QuerySet[ShareholderResolution]
    query_string: str


class ResolutionsFeed(_RefusingFeed):
    """Shareholder resolutions the resolution table's filters select, newest meeting
    first; an entry is updated whenever its record (its status, its vote) is."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest) -> FilteredResolutions:
        params = {k: v for k, v in request.GET.items() if v}
        return FilteredResolutions(
            filter_resolutions(params, strict=True), urlencode(sorted(params.items()))
        )

    def author_name(self) -> str:
        return settings.SITE_NAME

    def title(self, obj: FilteredResolutions) -> str:
        suffix = " (filtered)" if obj.query_string else ""
        return f"{settings.SITE_NAME}: shareholder resolutions{suffix}"

    def link(self, obj: FilteredResolutions) -> str:
        return page_url("controversies:resolution_list")

    def feed_url(self, obj: FilteredResolutions) -> str:
        return _with_query(reverse("opendata:feed_resolutions"), obj.query_string)

    def subtitle(self, obj: FilteredResolutions) -> str:
        return "Shareholder resolutions on AI, newest meeting first, with their status and vote."

    def items(self, obj: FilteredResolutions) -> list[ShareholderResolution]:
        return list(selectors.resolutions_for_feed(obj.resolutions)[: selectors.FEED_SIZE])

    def item_title(self, item: ShareholderResolution) -> str:
        return f"{item.meeting.company.name}: {item.title}"

    def item_description(self, item: ShareholderResolution) -> str:
        vote = getattr(item, "vote", None)
        support = vote.headline_support if vote is not None else None
        result = f" Support: {support.normalize():f}%." if support is not None else ""
        return format_html(
            "<p>{} meeting of {}. {}.{}</p>",
            item.meeting.held_on.isoformat(),
            item.meeting.company.name,
            item.get_status_display(),
            result,
        )

    def item_link(self, item: ShareholderResolution) -> str:
        return page_url("controversies:resolution", item.slug)

    def item_pubdate(self, item: ShareholderResolution) -> dt.datetime:
        return dt.datetime.combine(item.meeting.held_on, dt.time.min, tzinfo=dt.UTC)

    def item_updateddate(self, item: ShareholderResolution) -> dt.datetime:
        return item.changed_at

    def item_categories(self, item: ShareholderResolution) -> list[str]:
        return [item.get_status_display()]
