"""Atom feeds of timeline events: site-wide, per controversy, per company, per
organisation, and for any filtered controversy list.

Each entry links to the event on its controversy's page and carries every source of the
event as an Atom ``<link rel="related">`` with the source's title, so feed readers (and
feedparser) see the citations without opening the page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join
from django.utils.xmlutils import SimplerXMLGenerator

from controversies.models import Controversy, Event, Organization
from opendata import selectors
from opendata.filters import filter_controversies
from opendata.links import page_url


class EventAtomFeed(Atom1Feed):
    def add_item_elements(self, handler: SimplerXMLGenerator, item: dict) -> None:
        super().add_item_elements(handler, item)
        for source in item.get("sources", ()):
            attrs = {"rel": "related", "href": source["url"]}
            if source["title"]:
                attrs["title"] = source["title"]
            handler.addQuickElement("link", "", attrs)


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

    # No item_guid: the entry's <id> is then its absolute link, which is unique per event
    # (Atom wants an IRI there, not a bare token).

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


class ControversyFeed(_EventFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Controversy:
        return get_object_or_404(Controversy, slug=slug)

    def title(self, obj: Controversy) -> str:
        return f"{settings.SITE_NAME}: {obj.title}"

    def link(self, obj: Controversy) -> str:
        return obj.get_absolute_url()

    def subtitle(self, obj: Controversy) -> str:
        return obj.summary or f"Timeline events of {obj.title}."

    def events(self, obj: Controversy) -> QuerySet[Event]:
        return selectors.latest_events(controversies=Controversy.objects.filter(pk=obj.pk))

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


class FilteredControversiesFeed(_EventFeed):
    """The events of the controversies a filter selects (the list page's query string)."""

    # The Feed instance is shared between requests, so per-request state lives in the
    # object get_object returns, never on self.
    def get_object(self, request: HttpRequest) -> FilteredList:
        return FilteredList(filter_controversies(request.GET), request.GET.urlencode())

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
