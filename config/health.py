"""Liveness and readiness probes for load balancers, compose and orchestrators.

/healthz says the process answers (no database, so a database outage does not get every
web process restarted). /readyz says this process can serve real pages: the database
answers, Redis answers when REDIS_URL is set, and no migration is waiting. A failing
check answers 503 with the part named, so an operator knows where to look.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

# Working out the migration plan reads every migration file; probes come every few
# seconds, so a positive answer is reused for a short while.
MIGRATIONS_CACHE_SECONDS = 30.0
_migrations_ok_until = 0.0
_migrations_lock = threading.Lock()

PROBE_TIMEOUT_SECONDS = 2


def reset_migration_cache() -> None:
    global _migrations_ok_until
    with _migrations_lock:
        _migrations_ok_until = 0.0


def check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        logger.warning("readyz: database unreachable: %s", exc)
        return "unreachable"
    return None


def check_redis() -> str | None:
    if not settings.REDIS_URL:
        return None
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=PROBE_TIMEOUT_SECONDS,
        socket_timeout=PROBE_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    except (redis.RedisError, OSError) as exc:
        logger.warning("readyz: redis unreachable: %s", exc)
        return "unreachable"
    finally:
        client.close()
    return None


def check_migrations() -> str | None:
    global _migrations_ok_until
    if time.monotonic() < _migrations_ok_until:
        return None
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        logger.warning("readyz: cannot read migration state: %s", exc)
        return "unknown"
    if plan:
        names = [f"{m.app_label}.{m.name}" for m, _backwards in plan]
        logger.warning("readyz: %d unapplied migrations: %s", len(names), ", ".join(names))
        return f"{len(names)} unapplied"
    with _migrations_lock:
        _migrations_ok_until = time.monotonic() + MIGRATIONS_CACHE_SECONDS
    return None


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    checks: dict[str, Callable[[], str | None]] = {
        "database": check_database,
        "redis": check_redis,
        "migrations": check_migrations,
    }
    results: dict[str, str] = {}
    failing: list[str] = []
    for name, check in checks.items():
        if name == "migrations" and "database" in failing:
            results[name] = "skipped"
            continue
        problem = check()
        if name == "redis" and not settings.REDIS_URL:
            results[name] = "not configured"
        elif problem is None:
            results[name] = "ok"
        else:
            results[name] = problem
            failing.append(name)
    if failing:
        return JsonResponse(
            {"status": "unavailable", "failing": failing, "checks": results}, status=503
        )
    return JsonResponse({"status": "ok", "checks": results})


PROBES = {"/healthz": healthz, "/readyz": readyz}


class ProbeMiddleware:
    """Serve the probes before host validation and the HTTPS redirect.

    Probes come from inside the deployment (compose health checks, a load balancer) with
    whatever Host header they like and over plain HTTP; they must not be answered with a
    400 for an unlisted host or a redirect to HTTPS. Listed first in MIDDLEWARE.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is not None:
            return probe(request)
        return self.get_response(request)


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
]
