"""Every API error is JSON with a "detail" message and the right status code."""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from opendata.filters import InvalidFilters

logger = logging.getLogger(__name__)


class BadRequest(HttpError):
    def __init__(self, message: str) -> None:
        super().__init__(400, message)


def api_not_found(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {"detail": f"No API endpoint at {request.path}. The endpoints are listed at /api/docs."},
        status=404,
    )


def _describe(request: HttpRequest, error: dict) -> str:
    """The parameter, the value it was given and what is wrong, e.g.
    ``year_from "abc": Input should be a valid integer``."""
    loc = [str(part) for part in error.get("loc", ())]
    where = ".".join(loc[1:]) or "request"
    if len(loc) == 2 and loc[0] == "query" and loc[1] in request.GET:
        where += f' "{request.GET[loc[1]][:60]}"'
    return f"{where}: {error.get('msg', 'invalid')}"


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        message = "; ".join(_describe(request, e) for e in exc.errors) or "Invalid request."
        return api.create_response(
            request, {"detail": f"Invalid request: {message}", "errors": exc.errors}, status=400
        )

    @api.exception_handler(InvalidFilters)
    def invalid_filters(request: HttpRequest, exc: InvalidFilters) -> HttpResponse:
        # The message for people; each problem in parts (parameter, value, what is wrong,
        # the candidates of an ambiguous name) for programs.
        body = {"detail": exc.message, "errors": [problem.as_dict() for problem in exc.problems]}
        return api.create_response(request, body, status=exc.status_code)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        message = str(exc) or "Not found."
        return api.create_response(request, {"detail": message}, status=404)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)

    @api.exception_handler(OperationalError)
    @api.exception_handler(InterfaceError)
    def database_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
        # A database restart or failover is temporary: say so, as the pages' 503 does,
        # instead of an "internal error" that clients would not retry.
        logger.error("API: database unavailable on %s: %s", request.get_full_path(), exc)
        response = api.create_response(
            request,
            {"detail": "The tracker cannot reach its database at the moment; try again shortly."},
            status=503,
        )
        response["Retry-After"] = "30"
        return response

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s", request.get_full_path())
        return api.create_response(
            request, {"detail": "Internal error; it has been logged."}, status=500
        )
