"""Limits on sign-ups: per client address and per email address.

Counted with opendata.ratelimit's fixed windows in the shared cache (so every worker
shares them, and a cache outage degrades to per-process counts, never an error). The
per-address counter is keyed on a digest of the address, so the cache holds no address.
A sign-up is counted against its client before the form is read, and against the
address once the form is valid, so a flood of one address from many clients and a flood
of many addresses from one client are each stopped.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

from alerts.tokens import address_digest
from opendata.ratelimit import client_ip, hit, parse_rate


@dataclass(frozen=True)
class Refusal:
    limit: int
    period: int
    retry_after: int
    per: str  # "connection" or "address"


def _count(name: str, setting: str, key: str, per: str) -> Refusal | None:
    rate = parse_rate(getattr(settings, setting), setting)
    if rate is None:
        return None
    limit, period = rate
    now = time.time()
    window = int(now // period)
    if hit(f"ratelimit:{name}:{key}:{period}:{window}", period) <= limit:
        return None
    return Refusal(limit, period, max(1, math.ceil((window + 1) * period - now)), per)


def check_client(request: HttpRequest) -> Refusal | None:
    return _count("alerts-signup", "ALERTS_SIGNUP_RATE_LIMIT", client_ip(request), "connection")


def check_address(email: str) -> Refusal | None:
    return _count(
        "alerts-signup-address",
        "ALERTS_SIGNUP_PER_ADDRESS_LIMIT",
        address_digest(email),
        "address",
    )
