"""Path parameters that can name nothing are a 404, whatever the route.

Every public route matches its parameters with a converter (``<slug:...>``, ``<int:...>``)
that already refuses them, so this is the rule for the routes that take any text (the
admin's ``<path:object_id>``, a future ``<str:...>``): a path parameter holding a control
character (NUL above all, which PostgreSQL text cannot hold, so a lookup would raise) or a
lone surrogate names no record. The API answers its 404 in JSON, like its other errors.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse

_UNMATCHABLE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


def names_nothing(value: object) -> bool:
    return isinstance(value, str) and _UNMATCHABLE.search(value) is not None


class PathParameterMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., HttpResponse],
        args: tuple,
        kwargs: dict,
    ) -> HttpResponse | None:
        if not any(names_nothing(value) for value in (*args, *kwargs.values())):
            return None
        if "api" in request.resolver_match.namespaces:
            return JsonResponse({"detail": "Not found."}, status=404)
        raise Http404("No page at this address.")
