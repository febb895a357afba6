"""Addresses without empty filter fields.

A form submitted without JavaScript sends every field, so picking one company gives
``?company=amazon&topic=&q=``. Pages wrapped here answer such a request with a redirect to
the same address minus the empty known parameters, keeping the others in their order, so
the address in the bar is the one worth bookmarking and sharing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from urllib.parse import parse_qsl, urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

View = Callable[..., HttpResponse]


def drop_empty_parameters(names: Callable[[], Iterable[str]]) -> Callable[[View], View]:
    """Redirect (302) a GET or HEAD whose query has an empty parameter among ``names()``.

    ``names`` is called per request so a filter set that gains a field is covered without
    editing the list here. Unknown parameters, empty or not, pass through untouched: the
    view decides what they mean. HTMX requests are left alone; site.js drops their empty
    fields before sending, and a redirect would only add a round trip.
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            query = request.META.get("QUERY_STRING", "")
            if query and request.method in ("GET", "HEAD") and not getattr(request, "htmx", False):
                known = set(names())
                pairs = parse_qsl(query, keep_blank_values=True)
                kept = [(k, v) for k, v in pairs if not (k in known and not v.strip())]
                if len(kept) != len(pairs):
                    tidy = urlencode(kept)
                    return HttpResponseRedirect(request.path + (f"?{tidy}" if tidy else ""))
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
