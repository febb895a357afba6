"""Fixed-window request counters per client IP for the open data: the JSON API, the
exports and the feeds, each with its own limit (``RATE_LIMITS``).

The counts live in the Django cache (Redis when REDIS_URL is set), so every gunicorn
worker shares them. While Redis is unreachable (``config.cache``) each process counts on
its own: a client then gets at most the limit per process, never an unlimited door to
the expensive requests, and never an error.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import BaseCache, cache
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, JsonResponse

from config import security
from config.cache import is_unreachable

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*([smhd])\s*$")

# Path prefix -> (counter name, the setting that holds its limit). Each is counted apart:
# a script reading the API does not use up its owner's downloads.
RATE_LIMITS = {
    "/api/": ("api", "API_RATE_LIMIT"),
    "/exports/": ("exports", "EXPORT_RATE_LIMIT"),
    "/feeds/": ("feeds", "FEED_RATE_LIMIT"),
}

# Used only while the shared cache is unreachable; bounded like any LocMemCache.
_process_counts = LocMemCache("opendata-ratelimit", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


def parse_rate(rate: str, setting: str = "API_RATE_LIMIT") -> tuple[int, int] | None:
    """ "120/m" -> (120, 60); "" -> None (no limit)."""
    if not rate:
        return None
    match = _RATE.match(rate)
    if not match:
        raise ImproperlyConfigured(f"{setting}={rate!r}: write it like 120/m or 1000/h")
    return int(match[1]), PERIODS[match[2]]


def client_ip(request: HttpRequest) -> str:
    # One definition of "the client behind our proxies" for login throttling and the API.
    return security.client_ip(request) or "unknown"


def _count(counter: BaseCache, key: str, period: int) -> int:
    # add() is a no-op when the key exists; incr() is atomic on Redis and in LocMemCache.
    counter.add(key, 0, timeout=period + 1)
    try:
        return counter.incr(key)
    except ValueError:  # the key expired between add() and incr(), or Redis is away
        counter.add(key, 1, timeout=period + 1)
        return 1


def hit(key: str, period: int) -> int:
    """Count one request in the window and return the window's total so far."""
    count = _count(cache, key, period)
    if is_unreachable(cache):
        count = _count(_process_counts, key, period)
    return count


def limit_for(path: str) -> tuple[str, str] | None:
    """(counter name, setting name) for a rate-limited path, else None."""
    for prefix, limit in RATE_LIMITS.items():
        if path.startswith(prefix):
            return limit
    return None


def _too_many(request: HttpRequest, limit: int, period: int, retry_after: int) -> HttpResponse:
    detail = (
        f"Too many requests: the limit is {limit} per {period} seconds per client. "
        f"Try again in {retry_after} seconds."
    )
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": detail}, status=429)
    else:
        response = HttpResponse(detail, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    return response


class RateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        scope = limit_for(request.path)
        if scope is None:
            return self.get_response(request)
        counter, setting = scope
        rate = parse_rate(getattr(settings, setting), setting)
        if rate is None:
            return self.get_response(request)
        limit, period = rate
        now = time.time()
        window = int(now // period)
        count = hit(f"ratelimit:{counter}:{client_ip(request)}:{period}:{window}", period)
        if count > limit:
            retry_after = max(1, math.ceil((window + 1) * period - now))
            return _too_many(request, limit, period, retry_after)
        return self.get_response(request)
