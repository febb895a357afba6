"""The index pages: every organisation, product, campaign, coalition and topic, searchable,
sortable by involvement or name, a page at a time (``controversies.index_selectors``)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.views.decorators.http import require_safe
from django_htmx.http import push_url

from controversies import follow, index_selectors
from controversies.index_selectors import INDEXES, SORTS, Index, Query
from controversies.views.controversy_list import _page
from controversies.views.tidy_query import drop_empty_parameters


def follow_links(index: Index, query: Query) -> follow.FollowLinks:
    """The feed and downloads of exactly the listed records (every page of them), and
    the API listing of the same records where the API has one (by kind and words)."""
    params = query.params()
    filtered = bool(query.q or query.kind)
    label = f"These {index.plural}" if filtered else f"All {index.plural}"
    api_params = {"q": query.q, "kind": query.kind} if index.has_kind else {"q": query.q}
    return follow.FollowLinks(
        label=label,
        feed_url=follow.url("opendata:feed_index", index.key, params=params),
        csv_url=follow.url("opendata:export_index", index.key, "csv", params=params),
        json_url=follow.url("opendata:export_index", index.key, "json", params=params),
        api_url=follow.url(index.api_route, params=api_params) if index.api_route else "",
    )


PARAMETERS = ("q", "kind", "sort", "page")


def _index_page(request: HttpRequest, key: str) -> HttpResponse:
    index = INDEXES[key]
    query, notices = index_selectors.query_parse(index, request.GET)
    listing = index_selectors.listing(index, query)
    paginator = Paginator(listing.ids, index_selectors.PAGE_SIZE)
    page = _page(paginator, request.GET.get("page", ""), notices)
    active = query.params()
    page_url = reverse(f"controversies:{key}_index")
    context = {
        "index": index,
        "query": query,
        "active": active,
        "notices": notices,
        "page_obj": page,
        "rows": listing.rows(list(page.object_list)),
        "kind_counts": listing.kind_counts,
        "searched_total": listing.searched_total,
        "sorts": SORTS.items(),
        "page_url": page_url,
        "follow": follow_links(index, query),
        "index_links": [(other.key, other.title) for other in INDEXES.values()],
    }
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    template = "controversies/_index_results.html" if partial else f"controversies/index_{key}.html"
    response = render(request, template, context)
    if partial:
        # The tidy address (applied values only) rather than the form's raw fields.
        params = dict(active, page=str(page.number)) if page.number > 1 else active
        query_string = urlencode(sorted(params.items()))
        push_url(response, page_url + (f"?{query_string}" if query_string else ""))
    patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request"])
    return response


@require_safe
@drop_empty_parameters(lambda: PARAMETERS)
def organization_index(request: HttpRequest) -> HttpResponse:
    return _index_page(request, "organizations")


@require_safe
@drop_empty_parameters(lambda: PARAMETERS)
def product_index(request: HttpRequest) -> HttpResponse:
    return _index_page(request, "products")


@require_safe
@drop_empty_parameters(lambda: PARAMETERS)
def campaign_index(request: HttpRequest) -> HttpResponse:
    return _index_page(request, "campaigns")


@require_safe
@drop_empty_parameters(lambda: PARAMETERS)
def coalition_index(request: HttpRequest) -> HttpResponse:
    return _index_page(request, "coalitions")


@require_safe
@drop_empty_parameters(lambda: PARAMETERS)
def topic_index(request: HttpRequest) -> HttpResponse:
    return _index_page(request, "topics")
