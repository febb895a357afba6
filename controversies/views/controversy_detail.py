from __future__ import annotations

from itertools import groupby

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.views.decorators.http import require_safe
from django_htmx.http import push_url

from controversies import charts, follow, selectors
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
    actors = {a.organization.slug: a.organization for e in all_events for a in e.actor_list}
    actor_options = sorted(actors.values(), key=lambda o: o.name.casefold())

    # One controversy's timeline is small, so it is filtered here from the events already
    # loaded for the overview: the page costs the same queries filtered or not.
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
        and (not actor or any(a.organization.slug == actor for a in e.actor_list))
    ]
    years = [(year, list(group)) for year, group in groupby(events, lambda e: e.occurred_on.year)]
    updated = max([controversy.updated_at, *(e.updated_at for e in all_events)])

    context = {
        "controversy": controversy,
        "page_url": controversy.get_absolute_url(),
        "years": years,
        "event_count": len(events),
        "total_events": len(all_events),
        "kind": kind,
        "actor": actor,
        "kind_options": [(k, kinds.get(k, k)) for k in kind_options],
        "actor_options": actor_options,
        "notices": notices,
        "overview": charts.timeline_overview(all_events),
        "last_updated": updated,
        "history_url": _history_url(request, controversy.pk),
        "follow": follow.controversy(
            controversy.slug, controversy.title, {"kind": kind, "actor": actor}
        ),
    }
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "controversies/controversy_detail.html#timeline", context)
        # The tidy address: only the filters that were applied.
        query = urlencode([(k, v) for k, v in (("kind", kind), ("actor", actor)) if v])
        push_url(response, controversy.get_absolute_url() + (f"?{query}" if query else ""))
    else:
        campaigns = list(selectors.controversy_campaigns(controversy))
        coalitions = list(selectors.controversy_coalitions(controversy))
        resolutions = list(selectors.controversy_resolutions(controversy))
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
            ),
        }
        response = render(request, "controversies/controversy_detail.html", context)
    patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request"])
    return response
