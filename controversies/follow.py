"""The "Follow / download" links of a public page: its Atom feed, CSV and JSON downloads
and the API query that give exactly what the page shows.

A view puts a ``FollowLinks`` in its context as ``follow``; ``templates/base.html`` then
announces the feed in the head and ``controversies/_follow.html`` shows the box. Every
address is built with ``reverse`` and ``urlencode`` from values the view already holds,
so the links cost no query. The open-data app (or the alerts app) may be left out of a
site's URLs: a link whose route is missing is left empty and the template leaves it out.

``alert_url`` opens the alerts app's "Follow by email" form for the same target: a
filter (as the list applied it, even when empty: every controversy), or a controversy,
company, organisation as actor, campaign or coalition by slug.

A list's filters go in as the filterset's cleaned active values (``filterset.active``),
never the raw query string: the page ignores an unknown value with a notice, whereas the
feed, exports and API refuse it, so only the values the page applied are passed on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

Params = Mapping[str, str] | Iterable[tuple[str, str]]

# How a box's label names a filter, where its parameter name would not read well.
FILTER_NAMES = {
    "q": "words",
    "year_from": "from year",
    "year_to": "to year",
    "organization": "organisation",
}


@dataclass(frozen=True)
class FollowLinks:
    """What the box says it follows (``label``, e.g. "Controversies involving Amazon")
    and the four addresses; an empty address is not shown."""

    label: str
    feed_url: str = ""
    csv_url: str = ""
    json_url: str = ""
    api_url: str = ""
    alert_url: str = ""

    def __bool__(self) -> bool:
        return bool(
            self.feed_url or self.csv_url or self.json_url or self.api_url or self.alert_url
        )


def url(name: str, *args: object, params: Params = ()) -> str:
    """The path of the named route with ``params`` as its query string (sorted, empty
    values dropped), or "" when the route is not installed."""
    try:
        path = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    items = params.items() if isinstance(params, Mapping) else params
    query = urlencode(sorted((key, str(value)) for key, value in items if value not in ("", None)))
    return f"{path}?{query}" if query else path


def alert(**target: str) -> str:
    """The "Follow by email" form for one target (``filter=<query>`` or ``<kind>=<slug>``),
    or "" when the alerts app is not installed. Unlike ``url``, an empty filter is kept:
    it means every controversy."""
    try:
        path = reverse("alerts:follow")
    except NoReverseMatch:
        return ""
    return f"{path}?{urlencode(target)}"


def _filter_alert(params: Mapping[str, str]) -> str:
    return alert(filter=urlencode(sorted(params.items())))


def _export(name: str, *args: object, params: Params = ()) -> tuple[str, str]:
    return url(name, *args, "csv", params=params), url(name, *args, "json", params=params)


def _dict(params: Params) -> dict[str, str]:
    items = params.items() if isinstance(params, Mapping) else params
    return {key: str(value) for key, value in items if value not in ("", None)}


def controversies(label: str, params: Params = ()) -> FollowLinks:
    """The controversies a filter selects (the list page's filter parameters): the
    events of those controversies as a feed, the controversies as CSV/JSON and from the
    API."""
    params = _dict(params)
    csv_url, json_url = _export("opendata:export_controversies", params=params)
    return FollowLinks(
        label=label,
        feed_url=url("opendata:feed_filtered", params=params),
        csv_url=csv_url,
        json_url=json_url,
        api_url=url("api:controversy_list", params=params),
        alert_url=_filter_alert(params),
    )


def describe(noun: str, described: Iterable[tuple[str, str]]) -> str:
    """ "Controversies filtered by company “Amazon”, topic “Policing”" from the filters'
    (name, shown value) pairs, or "All controversies"."""
    parts = [f"{FILTER_NAMES.get(name, name)} “{value}”" for name, value in described]
    return f"{noun} filtered by {', '.join(parts)}" if parts else f"All {noun.lower()}"


def controversy_list(
    active: Mapping[str, str], described: Iterable[tuple[str, str]] = ()
) -> FollowLinks:
    """The list page: ``active`` its applied filters, ``described`` the same as the page
    names them (its chips)."""
    return controversies(describe("Controversies", described or active.items()), active)


def search(q: str) -> FollowLinks:
    """A search page: the controversies its words find (the list filter's ``q``)."""
    return controversies(f"Controversies matching “{q}”", {"q": q}) if q else FollowLinks("")


def controversy(slug: str, title: str, timeline_filters: Params = ()) -> FollowLinks:
    """A case page: its timeline (narrowed by the page's ``kind`` and ``actor`` when
    applied) as a feed and as CSV/JSON, and the same events from the API."""
    params = _dict(timeline_filters)
    csv_url, json_url = _export("opendata:export_timeline", slug, params=params)
    return FollowLinks(
        label=f"Timeline of {title}",
        feed_url=url("opendata:feed_controversy", slug, params=params),
        csv_url=csv_url,
        json_url=json_url,
        api_url=url("api:event_list", params={**params, "controversy": slug}),
        alert_url=alert(controversy=slug),
    )


def organization(slug: str, name: str, *, is_company: bool = False) -> FollowLinks:
    """An organisation page: the controversies it is involved in (a company: that target
    it, as the company filter reads; anyone else: in which it acted)."""
    key = "company" if is_company else "organisation"
    links = controversies(f"Controversies involving {name}", {key: slug})
    feed = "opendata:feed_company" if is_company else "opendata:feed_organization"
    alert_url = alert(company=slug) if is_company else alert(actor=slug)
    return replace(links, feed_url=url(feed, slug), alert_url=alert_url)


def product(slug: str, name: str) -> FollowLinks:
    links = controversies(f"Controversies about {name}", {"product": slug})
    return replace(links, feed_url=url("opendata:feed_product", slug) or links.feed_url)


def coalition(slug: str, name: str) -> FollowLinks:
    links = controversies(f"Controversies {name} acted on", {"coalition": slug})
    feed_url = url("opendata:feed_coalition", slug) or links.feed_url
    return replace(links, feed_url=feed_url, alert_url=alert(coalition=slug))


def campaign(slug: str, name: str) -> FollowLinks:
    """A campaign page: the events of the controversies it is part of, those
    controversies as CSV/JSON, and the campaign (demands, targets, controversies) from
    the API."""
    csv_url, json_url = _export("opendata:export_campaign_controversies", slug)
    return FollowLinks(
        label=f"Controversies of the campaign {name}",
        feed_url=url("opendata:feed_campaign", slug),
        csv_url=csv_url,
        json_url=json_url,
        api_url=url("api:campaign_detail", slug),
        alert_url=alert(campaign=slug),
    )


def resolutions(label: str, params: Params = ()) -> FollowLinks:
    """The shareholder resolutions a filter selects (the open-data parameters)."""
    params = _dict(params)
    csv_url, json_url = _export("opendata:export_resolutions", params=params)
    return FollowLinks(
        label=label,
        feed_url=url("opendata:feed_resolutions", params=params),
        csv_url=csv_url,
        json_url=json_url,
        api_url=url("api:resolution_list", params=params),
    )


def resolution_list(
    active: Mapping[str, object], described: Iterable[tuple[str, str]] = ()
) -> FollowLinks:
    """The resolution table's filters in force. Its single ``year`` is the open-data
    filters' ``year_from`` and ``year_to`` of that year."""
    params = {name: str(value) for name, value in active.items() if name != "year"}
    if active.get("year"):
        params["year_from"] = params["year_to"] = str(active["year"])
    label = describe("Shareholder resolutions", described or active.items())
    return resolutions(label, params)


def resolution(slug: str, title: str, company_slug: str) -> FollowLinks:
    """A resolution page: the resolution as CSV/JSON (one row) and from the API, and the
    feed of the resolutions at the same company, where its status and vote show up."""
    csv_url, json_url = _export("opendata:export_resolution", slug)
    return FollowLinks(
        label=f"The resolution “{title}”",
        feed_url=url("opendata:feed_resolutions", params={"company": company_slug}),
        csv_url=csv_url,
        json_url=json_url,
        api_url=url("api:resolution_detail", slug),
    )


def organization_votes(slug: str, name: str, *, is_company: bool) -> FollowLinks:
    """An organisation's shareholder record: the resolutions at a company's meetings, or
    the resolutions any other organisation filed, co-filed or organised."""
    if is_company:
        return resolutions(f"Shareholder resolutions at {name}", {"company": slug})
    return resolutions(f"Shareholder resolutions filed by {name}", {"proponent": slug})
