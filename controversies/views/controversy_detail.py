from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.views.decorators.http import require_safe
from django_htmx.http import push_url

from controversies import charts, follow, glance, selectors, timeline_pages
from controversies.glance import case_glance
from controversies.models import Event


def _history_url(request: HttpRequest, pk: int) -> str | None:
    if not request.user.is_staff:
        return None
    try:
        return reverse("admin:controversies_controversy_history", args=[pk])
    except NoReverseMatch:  # admin not registered for this model
        return None


@require_safe
def controversy_detail(request: HttpRequest, slug: str) -> HttpResponse:
    controversy = selectors.controversy_get(slug)
    all_events = list(selectors.timeline_events(controversy))
    kinds = dict(Event.Kind.choices)
    kind_options = sorted({e.kind for e in all_events}, key=lambda k: kinds.get(k, k))
    acted = selectors.timeline_actors(controversy)
    actors = {a.slug: a for pairs in acted.values() for a in pairs}
    actor_options = sorted(actors.values(), key=lambda o: o.name.casefold())

    # The filters run here on the events already loaded for the overview and the year
    # navigation (a few hundred rows at most): the same queries filtered or not.
    notices = []
    kind = request.GET.get("kind", "").strip()
    if kind and kind not in kind_options:
        notices.append(f"Ignored the unknown event kind “{kind[:40]}”.")
        kind = ""
    actor = request.GET.get("actor", "").strip()
    if actor and actor not in actors:
        notices.append(f"Ignored the unknown actor “{actor[:40]}”.")
        actor = ""
    events = [
        e
        for e in all_events
        if (not kind or e.kind == kind)
        and (not actor or any(a.slug == actor for a in acted.get(e.pk, ())))
    ]
    part = timeline_pages.choose(
        events,
        year=request.GET.get("year", ""),
        page=request.GET.get("page", ""),
        event=request.GET.get("event", ""),
    )
    notices += part.notices
    # Only the events shown need their sources: the page costs the same queries however
    # long the timeline.
    selectors.timeline_details(controversy, part.events)
    updated = max([controversy.updated_at, *(e.updated_at for e in all_events)])
    page_url = controversy.get_absolute_url()

    def part_url(year: int | None = None, page: int = 1) -> str:
        params = [("kind", kind), ("actor", actor), ("year", year), ("page", page)]
        query = urlencode([(k, v) for k, v in params if v and not (k == "page" and v == 1)])
        return page_url + (f"?{query}" if query else "")

    earlier, later = part.neighbours()
    overview = charts.timeline_overview(all_events)
    overview_links, overview_dots = charts.overview_links(
        overview, {e.pk for e in part.events} if part.paged else None
    )
    context = {
        "controversy": controversy,
        "earlier": earlier and (*earlier, part_url(*earlier)),
        "later": later and (*later, part_url(*later)),
        "page_url": page_url,
        "part": part,
        "years": part.by_year,
        "part_url": part_url(part.year, part.page) if part.paged else page_url,
        "year_links": [(y, part_url(y.year)) for y in part.years] if part.paged else [],
        "page_links": [(n, part_url(part.year, n)) for n in part.page_numbers],
        "long_timeline": len(all_events) > timeline_pages.WHOLE_TIMELINE,
        "event_count": len(events),
        "total_events": len(all_events),
        "kind": kind,
        "actor": actor,
        "kind_options": [(k, kinds.get(k, k)) for k in kind_options],
        "actor_options": actor_options,
        "notices": notices,
        "overview": overview,
        "linked": part.paged,
        "overview_links": overview_links,
        "overview_dots": overview_dots,
        "last_updated": updated,
        "history_url": _history_url(request, controversy.pk),
        "follow": follow.controversy(
            controversy.slug, controversy.title, {"kind": kind, "actor": actor}
        ),
    }
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "controversies/controversy_detail.html#swap", context)
        # The tidy address: only the filters applied and the part shown.
        push_url(response, context["part_url"] if part.paged else part_url())
    else:
        campaigns = list(selectors.controversy_campaigns(controversy))
        coalitions = list(selectors.controversy_coalitions(controversy))
        resolutions = list(selectors.controversy_resolutions(controversy))
        sources, source_count = selectors.case_sources(controversy, glance.SOURCES_SHOWN)
        context |= {
            "campaigns": campaigns,
            "coalitions": coalitions,
            "resolutions": resolutions,
            "glance": case_glance(
                controversy,
                events=all_events,
                resolutions=resolutions,
                campaigns=campaigns,
                coalitions=coalitions,
                sources=sources,
                source_count=source_count,
            ),
        }
        response = render(request, "controversies/controversy_detail.html", context)
    patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request"])
    return response
