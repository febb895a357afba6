"""A fixed-window request counter per client IP for the API, kept in the Django cache
(Redis when REDIS_URL is set, so every gunicorn worker shares the count)."""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, JsonResponse

from config import security

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*([smhd])\s*$")


def parse_rate(rate: str) -> tuple[int, int] | None:
    """ "120/m" -> (120, 60); "" -> None (no limit)."""
    if not rate:
        return None
    match = _RATE.match(rate)
    if not match:
        raise ImproperlyConfigured(f"API_RATE_LIMIT={rate!r}: write it like 120/m or 1000/h")
    return int(match[1]), PERIODS[match[2]]


def client_ip(request: HttpRequest) -> str:
    # One definition of "the client behind our proxies" for login throttling and the API.
    return security.client_ip(request) or "unknown"


def hit(key: str, period: int) -> int:
    """Count one request in the window and return the window's total so far."""
    # add() is a no-op when the key exists; incr() is atomic on Redis.
    cache.add(key, 0, timeout=period + 1)
    try:
        return cache.incr(key)
    except ValueError:  # the key expired between add() and incr()
        cache.add(key, 1, timeout=period + 1)
        return 1


class RateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rate = parse_rate(settings.API_RATE_LIMIT)
        if rate is None or not request.path.startswith("/api/"):
            return self.get_response(request)
        limit, period = rate
        now = time.time()
        window = int(now // period)
        count = hit(f"ratelimit:{client_ip(request)}:{period}:{window}", period)
        if count > limit:
            retry_after = max(1, math.ceil((window + 1) * period - now))
            response = JsonResponse(
                {
                    "detail": f"Too many requests: the limit is {limit} per {period} seconds "
                    f"per client. Try again in {retry_after} seconds."
                },
                status=429,
            )
            response["Retry-After"] = str(retry_after)
            return response
        return self.get_response(request)
