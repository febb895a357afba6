"""A whole-page cache for anonymous visitors of the public pages.

A visitor without a session gets the same bytes as every other such visitor, so those
responses are rendered once and kept in the cache for ``PAGE_CACHE_SECONDS`` (0 turns the
cache off).

Freshness: every entry records the generation it was rendered under, and any write to a
curated model (the ``controversies`` app, sources and votes included) starts a new
generation, so an edit in the admin shows on the next request. The facet cache's own
generation (``controversies.facets``) is not enough here: it deliberately ignores sources
and votes, which pages show. The time limit bounds how stale anything else can be (counts
that ingestion changes, "n days ago").

One render per page after an edit: an entry is stored under a key without the
generation, so the copy from before the edit stays readable. The first request to find
it out of date takes the page's render lock (``controversies.rebuild.claim``: a Redis
key added only if absent, with a timeout, so it holds across gunicorn workers) and
renders; every request for that page meanwhile is served the previous copy, marked
``X-Page-Cache: stale``, at most one render behind the edit. A request that comes once
the render is stored, as a curator reloading the page does, gets the new page. A page
with no copy at all is rendered by whoever asks (there is nothing else to show). Without
the cache (unreachable: generation None) nothing is locked and every request renders.

An edit in a transaction starts a new generation at its first write and again once it
commits, and marks itself pending in between: meanwhile nothing is stored (a page
rendered then could show rows from before the commit under the new generation) and other
visitors are served the copy from before the edit, so each page is rendered once per
edit, after the commit. The writer's own requests render, seeing its edit.

Re-renders of pages that have a previous copy also take one of
``PAGE_CACHE_RENDER_SLOTS`` site-wide turns: an edit makes every cached page out of date
at once, and without a limit every gunicorn worker would be busy re-rendering a
different page while visitors queue behind them. With the turns taken, the previous
copy is served and the page re-rendered by a later request.

Privacy: a request that carries a session or messages cookie, credentials, or is not a GET
or HEAD never reads or fills the cache. A response is stored only when it cannot be
specific to its visitor: status 200, no cookie set, no CSRF token or CSP nonce used, no
message shown, no ``Vary`` other than the headers the key already includes, not marked
private or no-store. A page that varies on Cookie (its view looked at ``request.user``)
is stored only when rendered for a request without any cookie, and served only to such
requests.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils.cache import cc_delim_re, has_vary_header

from config.cache import cache_recovered
from controversies import rebuild

GENERATION_KEY = "pagecache:generation"
# Set while a transaction that wrote curated rows has not committed yet (its writer's
# process and thread); lapses by itself if the transaction is rolled back.
PENDING_KEY = "pagecache:pending"
PENDING_SECONDS = 30
# Longer than any page takes to render; a worker killed mid-render leaves its page served
# from the previous copy for at most this long.
RENDER_LOCK_SECONDS = 10
# Request headers that change what a view renders (HTMX partials, CORS headers on the API);
# each is part of the key.
KEY_HEADERS = ("HX-Request", "HX-History-Restore-Request", "HX-Target", "HX-Trigger", "Origin")
_KEYED = frozenset(h.lower() for h in KEY_HEADERS)
# Apps whose rows the public pages show: a write to any of their models is a new generation.
CURATED_APPS = frozenset({"controversies"})


def generation() -> int | None:
    """The current generation; a missing key (evicted, new cache) starts from the clock so
    entries stored under an earlier one can never match again. None while the cache is
    unreachable (config/cache.py)."""
    current = cache.get(GENERATION_KEY)
    if current is None:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        current = cache.get(GENERATION_KEY)
    return current


def invalidate() -> None:
    cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


def _writer() -> str:
    return f"{os.getpid()}:{threading.get_ident()}"


def _may_roll_back(connection: object) -> bool:
    """Whether a write made now is not committed yet: it is inside an atomic block other
    than the one a test case wraps each test in (Django's own ``durable`` check reads
    the same marker), which stands for committed data."""
    return any(not block._from_testcase for block in connection.atomic_blocks)


def _after_commit() -> None:
    invalidate()
    cache.delete(PENDING_KEY)


def _on_write(sender: type, **kwargs: object) -> None:
    meta = getattr(sender, "_meta", None)
    if meta is None or meta.app_label not in CURATED_APPS:
        return
    connection = transaction.get_connection()
    if not _may_roll_back(connection):
        invalidate()
        return
    if any(func is _after_commit for _ids, func, _robust in connection.run_on_commit):
        return  # this transaction has marked its edit already
    cache.set(PENDING_KEY, _writer(), PENDING_SECONDS)
    invalidate()  # the writer's own later reads must not be served the old copy
    transaction.on_commit(_after_commit, robust=True)


def _on_cache_recovered(sender: type, **kwargs: object) -> None:
    # An edit made while the cache was unreachable could not bump the generation.
    invalidate()


def connect_signals() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_on_write, dispatch_uid=f"config.page_cache.{signal}")
    cache_recovered.connect(_on_cache_recovered, dispatch_uid="config.page_cache.recovered")


def _cache_key(request: HttpRequest) -> str:
    # Parameters in a canonical order (values of one name keep theirs: order can matter).
    query = urlencode(sorted(request.GET.lists()), doseq=True)
    headers = "\n".join(request.headers.get(name, "") for name in KEY_HEADERS)
    raw = f"{request.scheme}://{request.get_host()}{request.path}?{query}\n{headers}"
    return "pagecache:" + hashlib.sha256(raw.encode()).hexdigest()


def _may_use_cache(request: HttpRequest) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and "Authorization" not in request.headers
        and request.resolver_match is not None
        and request.resolver_match.namespace in settings.PAGE_CACHE_NAMESPACES
    )


def _is_shareable(request: HttpRequest, response: HttpResponse) -> bool:
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if response.cookies or request.META.get("CSRF_COOKIE_USED"):
        return False
    if getattr(request, "_csp_nonce", None):  # a nonce must differ on every response
        return False
    storage = messages.get_messages(request)  # a plain list without the messages app
    if getattr(storage, "used", False) or len(storage):
        return False
    cache_control = set(cc_delim_re.split(response.get("Cache-Control", "").lower()))
    if cache_control & {"private", "no-store", "no-cache"}:
        return False
    vary = {h.strip().lower() for h in cc_delim_re.split(response.get("Vary", "")) if h.strip()}
    # A view that looks at request.user varies on Cookie; rendered for a request without
    # any cookie, it is the page every cookie-less visitor gets (see _serves).
    if "cookie" in vary and request.COOKIES:
        return False
    return vary - {"cookie"} <= _KEYED


def _serves(entry_response: HttpResponse, request: HttpRequest) -> bool:
    """A stored page that varies on Cookie was rendered without cookies; it is served
    only to requests that carry none either."""
    return not (request.COOKIES and has_vary_header(entry_response, "Cookie"))


def _take_render_slot() -> str | None:
    """One of the ``PAGE_CACHE_RENDER_SLOTS`` site-wide turns to re-render a page that
    has a previous copy, or None if all are taken."""
    for number in range(settings.PAGE_CACHE_RENDER_SLOTS):
        slot = f"pagecache:render-slot:{number}"
        if cache.add(slot, 1, RENDER_LOCK_SECONDS):
            return slot
    return None


def _served(response: HttpResponse, how: str) -> HttpResponse:
    response["X-Page-Cache"] = how
    return response


class PageCacheMiddleware:
    """Place before SessionMiddleware: it must see the Set-Cookie and ``Vary: Cookie`` that
    the session, CSRF and messages middleware add. The lookup happens in ``process_view``,
    once the URL is resolved, so only the namespaces in ``PAGE_CACHE_NAMESPACES`` pay for
    it and every middleware's request checks (rate limits, hosts) have already run."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            response = self.get_response(request)
            pending = getattr(request, "_page_cache_pending", None)
            if pending and _is_shareable(request, response):
                key, current = pending
                cache.set(key, (current, response), settings.PAGE_CACHE_SECONDS)
        finally:
            claimed = getattr(request, "_page_cache_claimed", None)
            if claimed:
                key, current, slot = claimed
                rebuild.release(key, current)
                cache.delete(slot)
        return response

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args: tuple, view_kwargs: dict
    ) -> HttpResponse | None:
        if not _may_use_cache(request):
            return None
        key = _cache_key(request)
        # One round trip for the entry, the generation it must match and any edit that
        # has not committed yet.
        found = cache.get_many([key, GENERATION_KEY, PENDING_KEY])
        current = found.get(GENERATION_KEY) or generation()
        if current is None:  # the cache is unreachable: render, store nothing
            return None
        entry = found.get(key)
        if entry is not None and not _serves(entry[1], request):
            entry = None
        pending = found.get(PENDING_KEY)
        if pending is not None:
            # The rows may still change or roll back: store nothing. Its writer sees its
            # own edit; everyone else the copy from before it, which is what committed.
            if entry is None or pending == _writer():
                return None
            return _served(entry[1], "stale")
        if entry is not None and entry[0] == current:
            return _served(entry[1], "hit")
        if entry is not None:  # from before the last edit: render it once, site-wide
            slot = _take_render_slot()
            if slot is None:
                return _served(entry[1], "stale")
            if not rebuild.claim(key, current, RENDER_LOCK_SECONDS):
                cache.delete(slot)
                return _served(entry[1], "stale")
            request._page_cache_claimed = (key, current, slot)  # type: ignore[attr-defined]
        request._page_cache_pending = (key, current)  # type: ignore[attr-defined]
        return None
