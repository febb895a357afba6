"""The API's URLs. Included at the top level (no app namespace) because django-ninja
reverses its own "api:..." names for the docs page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path, re_path

from opendata.api.errors import api_not_found
from opendata.api.routes import api


def _json_method_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """django-ninja answers a POST on a GET route with an empty HTML 405; say it in JSON."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            allowed = response.get("Allow", "GET")
            json_response = JsonResponse(
                {
                    "detail": f"{request.method} is not allowed here: the API is read-only "
                    f"(allowed: {allowed})."
                },
                status=405,
            )
            json_response["Allow"] = allowed
            return json_response
        return response

    return wrapped


# (Not unpacked into module names: a module-level ``app_name`` would namespace this file.)
_ninja = api.urls
for _pattern in _ninja[0]:
    _pattern.callback = _json_method_not_allowed(_pattern.callback)

urlpatterns = [
    path("", _ninja),
    # Anything else under /api/ answers in JSON too, never with the HTML 404 page.
    re_path(r"^", api_not_found),
]
