"""Atom feeds of the index pages: the records a page lists (its filters included), the
most recently active first, each entry dated by its latest activity. Records with no
dated activity have nothing to announce and are left out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import dateformat
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import urlencode

from controversies import index_selectors
from controversies.index_selectors import INDEXES, Index, InvalidListing, Query
from opendata import selectors
from opendata.index_exports import refused


@dataclass(frozen=True)
class IndexListing:
    index: Index
    query: Query


def _with_query(path: str, query: Query) -> str:
    params = query.params()
    return f"{path}?{urlencode(sorted(params.items()))}" if params else path


class IndexFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Feed calls get_object, which parses the query, before reading anything; it
        # answers only a missing object itself (a 404), so a refused query is answered here.
        try:
            return super().__call__(request, *args, **kwargs)
        except InvalidListing as error:
            return refused(error)

    # The Feed instance is shared between requests: per-request state lives in the
    # object get_object returns, never on self.
    def get_object(self, request: HttpRequest, index: str) -> IndexListing:
        chosen = INDEXES[index]
        query, _ = index_selectors.query_parse(chosen, request.GET, strict=True)
        return IndexListing(chosen, query)

    def title(self, obj: IndexListing) -> str:
        words = f" matching “{obj.query.q}”" if obj.query.q else ""
        kind = index_selectors.KIND_LABELS.get(obj.query.kind)
        which = f" ({kind})" if kind else ""
        return f"{settings.SITE_NAME}: {obj.index.plural}{which}{words}"

    def link(self, obj: IndexListing) -> str:
        return _with_query(reverse(f"controversies:{obj.index.key}_index"), obj.query)

    def feed_url(self, obj: IndexListing) -> str:
        return _with_query(reverse("opendata:feed_index", args=[obj.index.key]), obj.query)

    def subtitle(self, obj: IndexListing) -> str:
        return f"The {obj.index.plural} of the index page, the most recently active first."

    def author_name(self) -> str:
        return settings.SITE_NAME

    def items(self, obj: IndexListing) -> list[Any]:
        listing = index_selectors.listing(obj.index, obj.query)
        return listing.by_activity(selectors.FEED_SIZE)

    def item_title(self, item: Any) -> str:
        return item.name

    def item_link(self, item: Any) -> str:
        return item.index_url

    def item_description(self, item: Any) -> str:
        count = item.involvement
        noun = "controversy" if count == 1 else "controversies"
        kind = f"{item.get_kind_display()}: " if hasattr(item, "get_kind_display") else ""
        latest = dateformat.format(item.latest_activity, "j F Y")
        return f"{kind}{count} {noun}, latest activity {latest}."

    def item_updateddate(self, item: Any) -> dt.datetime:
        return dt.datetime.combine(item.latest_activity, dt.time.min, tzinfo=dt.UTC)

    def item_pubdate(self, item: Any) -> dt.datetime:
        return self.item_updateddate(item)
