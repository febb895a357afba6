from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.views.decorators.http import require_safe
from django_htmx.http import push_url

from controversies import facets, follow, selectors
from controversies.filters import LABELS, ControversyFilter
from controversies.models import Controversy
from controversies.templatetags.tracker import filter_url
from controversies.views.tidy_query import drop_empty_parameters

PER_PAGE = 20
FACET_LIMIT = 8


def _page(paginator: Paginator, raw: str, notices: list[str]) -> Page:
    """The requested page; a malformed or out-of-range number gives a nearby page and a
    message instead of an error."""
    if not raw:
        return paginator.page(1)
    try:
        number = int(raw)
    except ValueError:
        notices.append(f"Ignored the page number “{raw[:20]}”: showing the first page.")
        return paginator.page(1)
    if number < 1:
        notices.append("Page numbers start at 1: showing the first page.")
        return paginator.page(1)
    if number > paginator.num_pages:
        pages = paginator.num_pages
        there = "There is only 1 page" if pages == 1 else f"There are only {pages} pages"
        notices.append(f"{there}: showing the last one.")
        return paginator.page(paginator.num_pages)
    return paginator.page(number)


def _ambiguities(filterset: ControversyFilter, active: dict[str, str]) -> list[dict]:
    """Each value that names several records, with a link per candidate that keeps the
    other filters and sets this one to the candidate: the reader chooses, nothing is
    guessed."""
    return [
        {
            "label": LABELS.get(problem.param, problem.param),
            "value": problem.value,
            "links": [
                (candidate, filter_url(active, problem.param, candidate.slug))
                for candidate in problem.candidates
            ],
        }
        for problem in filterset.ambiguities
    ]


@require_safe
@drop_empty_parameters(lambda: [*ControversyFilter.base_filters, "page"])
def controversy_list(request: HttpRequest) -> HttpResponse:
    filterset = ControversyFilter(request.GET, queryset=Controversy.objects.all())
    active = filterset.active
    notices = filterset.notices
    cache_key = "&".join(f"{k}={v}" for k, v in sorted(active.items()))
    counts = (
        facets.facet_counts(filterset.qs, cache_key=cache_key, limit=FACET_LIMIT)
        if active
        else facets.all_facets()
    )
    paginator = Paginator(selectors.controversy_list_rows(filterset.qs), PER_PAGE)
    page = _page(paginator, request.GET.get("page", ""), notices)
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    list_url = reverse("controversies:controversy_list")
    chips = [(name, filterset.label_for(name, value)) for name, value in active.items()]
    context = {
        "list_url": list_url,
        # A request from a link (facet, chip, page) changed the filters behind the form's
        # back: the fragment then carries an updated form too. A request from the form
        # leaves it alone, so nothing the user is typing gets replaced.
        "update_form": partial and request.htmx.trigger != "filter-form",
        "filterset": filterset,
        "form": filterset.form,
        "page_obj": page,
        "active": active,
        "chips": chips,
        "notices": notices,
        "ambiguities": _ambiguities(filterset, active),
        "organisation_param": filterset.organisation_param,
        "facets": {name: values[:FACET_LIMIT] for name, values in counts.items()},
        # Only the filters the page applied: the feed, exports and API refuse the rest.
        "follow": follow.controversy_list(active, chips),
    }
    # A history restore needs the whole page; any other HTMX request swaps #results.
    template = "controversies/controversy_list.html" + ("#results" if partial else "")
    response = render(request, template, context)
    if partial:
        # Push the tidy address (valid, non-empty filters only) rather than the raw form
        # with its empty fields, so the address bar is worth bookmarking and sharing.
        params = dict(active, page=str(page.number)) if page.number > 1 else active
        query = urlencode(sorted(params.items()))
        push_url(response, list_url + (f"?{query}" if query else ""))
    patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request"])
    return response
