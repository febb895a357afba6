"""The site as readers see it: every public URL, filled in with real rows.

The URL list comes from walking Django's URL resolver, so a page added later is fuzzed,
escaped-checked and CSRF-checked without anyone remembering to list it here; a new URL
with a parameter this module cannot fill in fails ``test_it_knows_every_public_url``.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Model
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from controversies.index_selectors import INDEXES
from controversies.models import (
    Campaign,
    Coalition,
    Controversy,
    Event,
    Organization,
    Product,
    ShareholderResolution,
    Source,
)
from tests.reliability.processes import REPO, base_env


@dataclass(frozen=True)
class Route:
    name: str  # namespaced URL name, e.g. "controversies:organization"
    route: str  # the pattern as written, for messages
    params: tuple[str, ...]


def _params(pattern) -> tuple[str, ...]:
    regex = pattern.pattern.regex
    return tuple(regex.groupindex)


def walk(patterns=None, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            for route in walk(entry.url_patterns, prefix + str(entry.pattern), ns):
                yield Route(route.name, route.route, _params(entry) + route.params)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or ""
            yield Route(name, prefix + str(entry.pattern), _params(entry))


def is_public(route: Route) -> bool:
    return bool(route.name) and not route.name.startswith("admin:")


def _slugs(model: type[Model], **filters) -> Callable[[], list[dict]]:
    def pick() -> list[dict]:
        return [
            {"slug": slug}
            for slug in model.objects.filter(**filters).values_list("slug", flat=True)[:3]
        ]

    return pick


def _pks(model: type[Model], param: str) -> Callable[[], list[dict]]:
    def pick() -> list[dict]:
        return [{param: pk} for pk in model.objects.values_list("pk", flat=True)[:3]]

    return pick


def _alert_token(build: str) -> Callable[[], list[dict]]:
    """A signed link of the alerts app for a reader following every controversy (made on
    first use: the demo has no subscribers)."""

    def pick() -> list[dict]:
        from alerts import tokens
        from alerts.models import Subscriber, Subscription

        subscriber, _ = Subscriber.objects.get_or_create(email="reader@example.org")
        subscription, _ = Subscription.objects.get_or_create(
            subscriber=subscriber, kind=Subscription.Kind.FILTER, query=""
        )
        record = subscriber if build in ("manage_token", "unsubscribe_all_token") else subscription
        return [{"token": getattr(tokens, build)(record)}]

    return pick


# Writes an anonymous visitor may make on purpose, none of them behind a login: the
# alerts' follow form (CSRF-protected, and it only mails a confirm link: double opt-in),
# the signed links mailed to an address, whose token is the authorisation, and the mail
# relay's bounce report, authorised by its bearer token. Their refusals (400/401/404/410)
# are tested in tests/alerts/.
ANONYMOUS_WRITE_ROUTES = {
    "alerts:follow",
    "alerts:confirm",
    "alerts:manage",
    "alerts:unsubscribe",
    "alerts:unsubscribe_all",
    "alerts:bounces",
}
# Taken without a CSRF token: RFC 8058 one-click unsubscribe (a mail program POSTs with
# no cookie) and the relay's bounce report (a machine, with its bearer token).
CSRF_EXEMPT_ROUTES = {"alerts:unsubscribe", "alerts:unsubscribe_all", "alerts:bounces"}


# Where each parameterised public URL gets real values from. A URL not named here (and
# not parameterless) makes test_it_knows_every_public_url fail until it is added.
FILLERS: dict[str, Callable[[], list[dict]]] = {
    "controversies:controversy": _slugs(Controversy),
    "controversies:organization": _slugs(Organization),
    "controversies:organization_votes": _slugs(Organization),
    "controversies:product": _slugs(Product),
    "controversies:coalition": _slugs(Coalition),
    "controversies:campaign": _slugs(Campaign),
    "controversies:resolution": _slugs(ShareholderResolution),
    "opendata:feed_controversy": _slugs(Controversy),
    "opendata:feed_company": _slugs(Organization, kind=Organization.Kind.COMPANY),
    "opendata:feed_organization": _slugs(Organization),
    "opendata:export_timeline": _slugs(Controversy),
    "api:controversy_detail": _slugs(Controversy),
    "api:organization_detail": _slugs(Organization),
    "api:product_detail": _slugs(Product),
    "api:coalition_detail": _slugs(Coalition),
    "api:campaign_detail": _slugs(Campaign),
    "api:resolution_detail": _slugs(ShareholderResolution),
    "api:event_detail": _pks(Event, "event_id"),
    "api:source_detail": _pks(Source, "source_id"),
    "controversies:cite_csl": lambda: [
        {"kind": "controversy", **_slugs(Controversy)()[0]},
        {"kind": "organization", **_slugs(Organization)()[0]},
        {"kind": "resolution", **_slugs(ShareholderResolution)()[0]},
    ],
    "opendata:feed_index": lambda: [{"index": index} for index in INDEXES],
    "opendata:export_index": lambda: [{"index": index} for index in INDEXES],
    "opendata:feed_product": _slugs(Product),
    "opendata:feed_campaign": _slugs(Campaign),
    "opendata:feed_coalition": _slugs(Coalition),
    "opendata:export_resolution": _slugs(ShareholderResolution),
    "opendata:export_campaign_controversies": _slugs(Campaign),
    "archive:archived_copy": _pks(Source, "source_id"),
    "archive:archived_text": _pks(Source, "source_id"),
    "alerts:confirm": _alert_token("confirm_token"),
    "alerts:manage": _alert_token("manage_token"),
    "alerts:download": _alert_token("manage_token"),
    "alerts:unsubscribe": _alert_token("unsubscribe_token"),
    "alerts:unsubscribe_all": _alert_token("unsubscribe_all_token"),
}
FORMATS = ("csv", "json")


def public_routes() -> list[Route]:
    return [route for route in walk() if is_public(route)]


def unfillable_routes() -> list[Route]:
    """Public URLs with a parameter this module does not know how to fill."""
    missing = []
    for route in public_routes():
        params = set(route.params) - {"fmt"}
        if params and route.name not in FILLERS:
            missing.append(route)
    return missing


def _kwargs_for(route: Route) -> list[dict]:
    params = set(route.params)
    choices = FILLERS[route.name]() if route.name in FILLERS else [{}]
    if "fmt" in params:
        choices = [{**c, "fmt": fmt} for c in choices for fmt in FORMATS]
    return choices


def public_urls() -> list[str]:
    """Every public URL, once per real row it can show (up to three of each kind)."""
    urls = []
    for route in public_routes():
        for kwargs in _kwargs_for(route):
            urls.append(reverse(route.name, kwargs=kwargs or None))
    return sorted(set(urls))


def seed_site() -> None:
    """The demo case (several controversies, companies, a coalition, a campaign, votes)."""
    from controversies.demo.loader import load_demo

    load_demo()


_static_collected = False


def collect_static() -> None:
    """gunicorn runs with DEBUG off, where static files come from collectstatic's manifest."""
    global _static_collected
    if _static_collected:
        return
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=REPO,
        env=base_env(),
        check=True,
        timeout=300,
    )
    _static_collected = True


def reader_paths() -> list[str]:
    """What readers ask for: every public page that shows something for the seeded data
    (pages, filtered lists, search, feeds, the API), checked in-process first so a load
    test counts only the server's failures. The probes are left out (they are not pages)
    and so are streamed exports (a download cut short by a database restart is a broken
    file whatever its status code said) and the alerts' signed links (one address's own
    pages, signed with this process's key, which a server under test does not share)."""
    candidates = [
        p
        for p in public_urls()
        if not p.startswith(("/exports/", "/alerts/")) and p not in ("/healthz", "/readyz")
    ]
    candidates += ["/controversies/?status=ongoing", "/search/?q=rekognition", "/search/?q=police"]
    client = Client()
    with override_settings(API_RATE_LIMIT=""):
        return [p for p in candidates if client.get(p).status_code == 200]
