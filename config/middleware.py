"""Project-wide middleware: request ids, access log lines, and a calm 503 when the
database is down."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.core.signals import request_finished
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from config.logs import request_id_var

logger = logging.getLogger("tracker.request")

# A proxy's id is reused only when it looks like one; anything else could smuggle text
# into log lines, so a fresh id replaces it.
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_PROBE_PATHS = frozenset({"/healthz", "/readyz"})
# The signed token of an alerts link (confirm, manage, unsubscribe) is a credential for
# that address's subscriptions: the access log keeps the route and drops the token.
_ALERT_TOKEN = re.compile(r"^(/alerts/(?:confirm|manage|unsubscribe|unsubscribe-all)/)[^/]+")


def logged_path(path: str) -> str:
    """The request path as the access log writes it: alert tokens replaced by "…"."""
    return _ALERT_TOKEN.sub(r"\1…", path)


class RequestIdMiddleware:
    """Give every request an id (the proxy's X-Request-ID when it sends a sane one), put it
    in the logging context and on the response, and log one line per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        # Cleared by request_finished, not here: Django logs "Not Found" and errors after
        # the middleware returns, and those lines need the id most.
        request_id_var.set(request_id)
        started = time.monotonic()
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        # Probes arrive every few seconds; keep them out of the INFO stream.
        level = logging.DEBUG if request.path_info in _PROBE_PATHS else logging.INFO
        path = logged_path(request.path)
        logger.log(
            level,
            "%s %s %s",
            request.method,
            path,
            response.status_code,
            extra={
                "method": request.method,
                "path": path,
                "status": response.status_code,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
            },
        )
        return response


def _forget_request_id(**kwargs: object) -> None:
    request_id_var.set("-")


request_finished.connect(_forget_request_id, dispatch_uid="tracker.forget_request_id")


class DatabaseUnavailableMiddleware:
    """Answer 503 with a plain explanation, not a 500 and never a traceback, when a view
    cannot reach the database (a restart, a failover, a full connection pool)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("database unavailable: %s", exception, exc_info=exception)
        # Rendered without the request: context processors may query the database.
        body = render_to_string("503.html")
        response = HttpResponse(body, status=503)
        response["Retry-After"] = "30"
        return response
