"""Downloads of the index pages (organisations, products, campaigns, coalitions, topics):
every record the page lists with its filters, across all its pages, in the page's order.

Unlike the page, which ignores an unknown kind or order with a notice, a download refuses
it (400) before any of the file is sent: a file must never hold a silently wider set.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.http import require_GET

from controversies import index_selectors
from controversies.index_selectors import INDEXES, Index, InvalidListing
from opendata import export_serving, export_slots, exports
from opendata.exports import Column


def columns(index: Index) -> list[Column]:
    kind = [Column("kind", lambda r: r.kind)] if index.has_kind else []
    return [
        Column("slug", lambda r: r.slug),
        Column("name", lambda r: r.name),
        *kind,
        Column("controversies", lambda r: r.involvement),
        Column("latest_activity_on", lambda r: r.latest_activity),
        Column("url", lambda r: r.index_url),
    ]


def refused(error: InvalidListing) -> HttpResponse:
    """A 400 whose plain-text body names the parameter and its value, as the other
    exports and feeds answer a bad filter (a client shows text where it expected a file)."""
    return HttpResponse(f"{error}\n", status=400, content_type="text/plain; charset=utf-8")


@require_GET
def index_export(request: HttpRequest, index: str, fmt: str) -> HttpResponseBase:
    chosen = INDEXES[index]
    if not request.GET:
        return export_serving.full_export(request, chosen.key, fmt)
    try:
        query, _ = index_selectors.query_parse(chosen, request.GET, strict=True)
    except InvalidListing as error:
        return refused(error)
    listing = index_selectors.listing(chosen, query)
    return export_slots.limited(
        lambda: exports.stream_rows(listing.iter_rows(), columns(chosen), fmt, chosen.key)
    )
