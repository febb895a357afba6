"""Every fact cites a document: find the facts that cite nothing and the sources that are
not documents.

A source must be a document (an article, a filing, a letter), not a home page, a search
or a listing. Two kinds of evidence say a source is not one: the shape of its URL, and,
once the archive app has fetched it, what the page turned out to be (a redirect to the
site's front page, almost no text, a title like "Search results"). Both are heuristics:
they flag a source for a curator to look at; they never change it.

``audit_findings()`` is the one list the ``audit_sources`` command prints and the admin
work queue shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from urllib.parse import parse_qsl, urlsplit

from django.apps import apps
from django.db.models import Model, Q
from django.db.models.functions import Length
from django.urls import reverse

from controversies.models import (
    Campaign,
    Coalition,
    CoalitionMembership,
    Demand,
    DemandStatus,
    Event,
    ProxyAdviserRecommendation,
    ShareholderResolution,
    Source,
    VoteResult,
)

UNSOURCED = "unsourced fact"
UNCITED_EVENT = "uncited event"
SUSPECT_SOURCE = "suspect source"

# Query parameters that carry a search term ("s" is WordPress's).
SEARCH_PARAMETERS = frozenset({"q", "query", "s", "search", "searchterm", "keywords"})
# A path segment that names a listing of documents: the segment itself, or it plus one
# more (/tag/facial-recognition/, /company/amazon) is the listing, not an article.
LISTING_SEGMENTS = frozenset(
    {
        "tag",
        "tags",
        "topic",
        "topics",
        "category",
        "categories",
        "section",
        "sections",
        "author",
        "authors",
        "company",
        "companies",
        "archive",
        "archives",
        "search",
    }
)
# Segments a news site uses for its section fronts (/news/, /policy/technology/). A path
# made only of these is a front page of a section, not an article.
SECTION_SEGMENTS = frozenset(
    {
        "news",
        "press",
        "press-releases",
        "pressreleases",
        "newsroom",
        "media",
        "releases",
        "blog",
        "blogs",
        "articles",
        "stories",
        "latest",
        "policy",
        "technology",
        "tech",
        "business",
        "world",
        "politics",
        "opinion",
        "us",
        "en",
        "en-us",
        "en-gb",
    }
)
_HOME_FILE = re.compile(r"^(index|default|home|main)(\.[a-z]+)?$")
_DATE_SEGMENT = re.compile(r"^\d{1,4}$")
# EDGAR: the company browser, full-text search, a filing's index page, and the bare
# folders of a company or a filing (directory listings of the documents inside).
_EDGAR_LISTINGS = (
    (re.compile(r"/cgi-bin/(browse|srch)-edgar"), "an EDGAR company listing or search"),
    (re.compile(r"^/edgar/search"), "an EDGAR full-text search"),
    (re.compile(r"-index(-headers)?\.html?$"), "an EDGAR filing index page, not the filing"),
    (
        re.compile(r"^/archives/edgar/data/\d+(/\d+)?/?$"),
        "an EDGAR folder listing, not the document in it",
    ),
)
# Titles that announce a listing, a search or an error page rather than a document.
_NON_DOCUMENT_TITLES = (
    (re.compile(r"\bsearch results?\b|^search\s*($|[|\-–—:])"), "a search page"),
    (re.compile(r"\bindex (of|holding)\b|\blisting of\b"), "an index or listing"),
    (re.compile(r"\bfiling (documents|index)\b"), "an EDGAR filing index page"),
    (re.compile(r"\b(articles|posts|stories) tagged\b|^(articles|posts) by\b"), "a listing page"),
    (re.compile(r"\barchives\s*($|[|\-–—])"), "an archive listing"),
    (
        re.compile(r"^(home|homepage|home page)\s*($|[|\-–—:])|[|\-–—]\s*home( page)?$"),
        "a home page",
    ),
    (re.compile(r"\bpage not found\b|^404\b|\berror 404\b"), "a 'page not found' page"),
)
# Extracted text shorter than this is a front page, a paywall stub or an error, not a
# document (the shortest press release still runs to several sentences).
MIN_DOCUMENT_TEXT = 500
# Statuses that mean no document is at the address.
GONE_STATUSES = frozenset({404, 410})


def url_non_document_reason(url: str) -> str | None:
    """Why ``url`` looks like a home page, a search or a listing rather than a document,
    judged by its shape alone; None when it looks like a document."""
    parts = urlsplit((url or "").strip())
    host = (parts.hostname or "").lower()
    path = parts.path.lower()
    segments = [s for s in path.split("/") if s]
    query_keys = {key.lower() for key, _ in parse_qsl(parts.query, keep_blank_values=True)}

    if query_keys & SEARCH_PARAMETERS:
        return "a search page (a search term in the query)"
    if host == "sec.gov" or host.endswith(".sec.gov"):
        edgar_reason = _edgar_listing_reason(path)
        if edgar_reason:
            return edgar_reason
    if not segments:
        return None if parts.query else "a site's home page"
    return _path_non_document_reason(segments)


def _edgar_listing_reason(path: str) -> str | None:
    """Which EDGAR listing or search an sec.gov ``path`` is, if it is one."""
    for pattern, reason in _EDGAR_LISTINGS:
        if pattern.search(path):
            return reason
    return None


def _path_non_document_reason(segments: list[str]) -> str | None:
    """Why a path of one or more lower-cased ``segments`` looks like a home page, a
    search, a listing, a date archive or a section front; None otherwise."""
    if len(segments) == 1 and _HOME_FILE.match(segments[0]):
        return "a site's home page"
    for position, segment in enumerate(segments):
        if segment in LISTING_SEGMENTS or segment.startswith("search."):
            if segment == "search" or segment.startswith("search."):
                return "a search page"
            if len(segments) - position <= 2:
                return f"a listing page (/{segment}/)"
    if all(_DATE_SEGMENT.match(s) for s in segments):
        return "a date archive listing"
    if all(s in SECTION_SEGMENTS for s in segments):
        return "a news site's section front"
    return None


def title_non_document_reason(title: str) -> str | None:
    """Why a page title says it is a listing, a search or an error; None otherwise."""
    text = (title or "").strip().lower()
    for pattern, reason in _NON_DOCUMENT_TITLES:
        if pattern.search(text):
            return reason
    return None


def fetched_page_reason(
    *,
    requested_url: str,
    final_url: str,
    status_code: int | None,
    content_type: str,
    text_length: int | None,
    title: str,
) -> str | None:
    """What a fetch of the source showed that a document would not: an error status, a
    redirect to a home page or a listing, almost no text, a listing's title."""
    if status_code in GONE_STATUSES:
        return f"there is no page at this address (HTTP {status_code} when fetched)"
    if status_code is not None and status_code >= 400:
        # Refused or failing (a paywall's 403, a 503): the answer says nothing about
        # whether a document is there.
        return None
    if final_url and final_url != requested_url:
        redirected = url_non_document_reason(final_url)
        if redirected and not url_non_document_reason(requested_url):
            return f"the address redirected to {redirected}: {final_url}"
    is_html = "html" in (content_type or "").lower()
    if is_html and text_length is not None and text_length < MIN_DOCUMENT_TEXT:
        return f"the fetched page has almost no text ({text_length} characters)"
    titled = title_non_document_reason(title)
    if titled:
        return f"the fetched page's title reads like {titled}: {title.strip()[:120]}"
    return None


def source_non_document_reason(source: Source, snapshot: object | None = None) -> str | None:
    """The reason ``source`` looks like a non-document, from its URL, its title and its
    latest snapshot (an ``archive.SourceSnapshot``, when that app is installed)."""
    for url in (source.url, source.canonical_url):
        reason = url_non_document_reason(url)
        if reason:
            return f"URL looks like {reason}"
    titled = title_non_document_reason(source.title)
    if titled:
        return f"its title describes {titled}"
    if snapshot is not None:
        return fetched_page_reason(
            requested_url=snapshot.requested_url,
            final_url=snapshot.final_url,
            status_code=snapshot.status_code,
            content_type=snapshot.content_type,
            text_length=getattr(snapshot, "text_length", None),
            title=snapshot.title,
        )
    return None


def latest_snapshot(source: Source) -> object | None:
    """The source's newest fetch that got an answer, or None (also without the archive
    app)."""
    snapshots = _latest_snapshots(Q(source=source))
    return snapshots.get(source.pk)


def _latest_snapshots(condition: Q) -> dict[int, object]:
    """Newest snapshot per source that reached the server (a failed fetch, with no
    status, says nothing about the page). Empty when the archive app is not installed."""
    if not apps.is_installed("archive"):
        return {}
    try:
        snapshot_model = apps.get_model("archive", "SourceSnapshot")
    except LookupError:
        return {}
    rows = (
        snapshot_model.objects.filter(condition, status_code__isnull=False)
        .annotate(text_length=Length("text"))
        .defer("text")
        .order_by("source_id", "-fetched_at", "-pk")
    )
    latest: dict[int, object] = {}
    for row in rows.iterator():
        latest.setdefault(row.source_id, row)
    return latest


@dataclass(frozen=True)
class Finding:
    kind: str  # UNSOURCED, UNCITED_EVENT or SUSPECT_SOURCE
    record: str  # the record, described for a curator
    admin_path: str  # the admin page where a curator fixes it
    reason: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def _admin_path(model: type[Model], pk: int) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])


def unsourced_fact_findings() -> Iterator[Finding]:
    """Each vote result, adviser recommendation, demand step, coalition membership and
    dated campaign without a source. Facts edited inline point at their parent's page."""
    votes = VoteResult.objects.filter(source__isnull=True).select_related("resolution")
    for vote in votes.order_by("pk"):
        yield Finding(
            UNSOURCED,
            f"Vote result: {vote.resolution}",
            _admin_path(ShareholderResolution, vote.resolution_id),
            "the vote result has no source",
        )
    recommendations = ProxyAdviserRecommendation.objects.filter(source__isnull=True)
    for rec in recommendations.select_related("adviser", "resolution").order_by("pk"):
        yield Finding(
            UNSOURCED,
            f"Proxy adviser recommendation: {rec} on {rec.resolution}",
            _admin_path(ShareholderResolution, rec.resolution_id),
            "the proxy adviser's recommendation has no source",
        )
    steps = DemandStatus.objects.filter(source__isnull=True).select_related("demand__campaign")
    for step in steps.order_by("pk"):
        yield Finding(
            UNSOURCED,
            f"Demand status: {step} for “{step.demand}” ({step.demand.campaign})",
            _admin_path(Demand, step.demand_id),
            "the demand's status has no source",
        )
    memberships = CoalitionMembership.objects.filter(source__isnull=True)
    for membership in memberships.select_related("organization", "coalition").order_by("pk"):
        yield Finding(
            UNSOURCED,
            f"Coalition membership: {membership}",
            _admin_path(Coalition, membership.coalition_id),
            "the membership has no source",
        )
    dated = Q(started_on__isnull=False) | Q(ended_on__isnull=False)
    for campaign in Campaign.objects.filter(dated, source__isnull=True).order_by("pk"):
        yield Finding(
            UNSOURCED,
            f"Campaign dates: {campaign}",
            _admin_path(Campaign, campaign.pk),
            "the campaign's dates have no source",
        )


def uncited_event_findings() -> Iterator[Finding]:
    for event in Event.objects.filter(citations__isnull=True).order_by("pk"):
        yield Finding(
            UNCITED_EVENT, f"Event: {event}", _admin_path(Event, event.pk), "no source cited"
        )


def suspect_source_findings(sources: Iterable[Source] | None = None) -> Iterator[Finding]:
    """Sources that look like a home page, a search or a listing rather than a document."""
    if sources is None:
        sources = Source.objects.order_by("pk").only("pk", "url", "canonical_url", "title")
        snapshots = _latest_snapshots(Q())
    else:
        sources = list(sources)
        snapshots = _latest_snapshots(Q(source__in=[s.pk for s in sources]))
    for source in sources:
        reason = source_non_document_reason(source, snapshots.get(source.pk))
        if reason:
            yield Finding(
                SUSPECT_SOURCE, f"Source: {source}", _admin_path(Source, source.pk), reason
            )


def audit_findings() -> list[Finding]:
    """Everything a curator should fix for every fact to cite a document."""
    return [*unsourced_fact_findings(), *uncited_event_findings(), *suspect_source_findings()]
