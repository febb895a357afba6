"""The index pages: every organisation, product, campaign, coalition and topic, searchable,
sortable by involvement or name, a page at a time (``controversies.index_selectors``)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from controversies import follow, index_selectors
from controversies.index_selectors import INDEXES, SORTS, Index, Query
from controversies.views import listing
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
    records = index_selectors.listing(index, query)
    paginator = Paginator(records.ids, index_selectors.PAGE_SIZE)
    chosen = listing.choose_page(paginator, request.GET.get("page", ""))
    notices.extend(chosen.notices)
    page = chosen.page
    active = query.params()
    page_url = reverse(f"controversies:{key}_index")
    context = {
        "index": index,
        "query": query,
        "active": active,
        "notices": notices,
        "page_obj": page,
        "rows": records.rows(list(page.object_list)),
        "kind_counts": records.kind_counts,
        "searched_total": records.searched_total,
        "sorts": SORTS.items(),
        "page_url": page_url,
        "follow": follow_links(index, query),
        "index_links": [(other.key, other.title) for other in INDEXES.values()],
    }
    return listing.render_listing(
        request,
        f"controversies/index_{key}.html",
        context,
        results_template="controversies/_index_results.html",
        address=listing.tidy_address(page_url, active, page),
    )


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
