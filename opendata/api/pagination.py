"""Keyset (cursor) pagination.

A page ends with an opaque cursor: the sort-key values of its last row, signed so that a
client cannot forge one and a cursor from one listing is refused by another. The next
page is "rows strictly after these values" in the listing's order, which stays correct
and fast however deep a client pages, unlike OFFSET.

A cursor is made of the characters of ``CURSOR_PATTERN`` (ninja refuses any other with a
400). One of that form that this listing did not sign names no page: 404, as Django's
paginator answers a page number that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Field, Func, Q, QuerySet, Value
from django.db.models.lookups import GreaterThan, LessThan, Lookup
from django.http import Http404, HttpRequest
from ninja import Schema

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_SALT = "opendata.api.cursor"
# What django.core.signing.dumps writes: URL-safe base64 parts joined by ":" (a leading
# "." marks a compressed payload).
CURSOR_PATTERN = r"^[A-Za-z0-9_.:-]+$"
CURSOR_MAX_LENGTH = 1000
UNKNOWN_CURSOR = (
    "No such page: this cursor was not given out by this listing. Pass back the "
    "next_cursor of a previous page, or start again without a cursor."
)


def _field_name(key: str) -> str:
    return key.removeprefix("-")


class Row(Func):
    """A row value, ``(a, b, ...)``: PostgreSQL and SQLite compare two of them column by
    column, in order."""

    template = "(%(expressions)s)"
    output_field = Field()


def _after(ordering: tuple[str, ...], values: list[Any]) -> Q | Lookup:
    """Rows after ``values`` in ``ordering``.

    When every key runs the same way this is one row-value comparison,
    ``(a, b) < (x, y)``, which PostgreSQL reads as a range of an index on the same
    columns in the same order (event_latest_idx for events, the primary key for ``id``)
    and starts there. Otherwise it is spelt out, (a > x) or (a = x and b > y) ..., which
    the database has to test row by row.
    """
    directions = {key.startswith("-") for key in ordering}
    if len(directions) == 1:
        compare = LessThan if directions == {True} else GreaterThan
        names = [_field_name(key) for key in ordering]
        return compare(Row(*names), Row(*(Value(value) for value in values)))
    condition = Q()
    for i, key in enumerate(ordering):
        op = "lt" if key.startswith("-") else "gt"
        step = Q(**{f"{_field_name(key)}__{op}": values[i]})
        for earlier, value in zip(ordering[:i], values[:i], strict=True):
            step &= Q(**{_field_name(earlier): value})
        condition |= step
    return condition


def _decode(queryset: QuerySet, ordering: tuple[str, ...], cursor: str, scope: str) -> list:
    try:
        payload = signing.loads(cursor, salt=f"{_SALT}:{scope}")
    except signing.BadSignature:
        raise Http404(UNKNOWN_CURSOR) from None
    if not isinstance(payload, list) or len(payload) != len(ordering):
        raise Http404(UNKNOWN_CURSOR)
    model = queryset.model
    try:
        return [
            model._meta.get_field(_field_name(key)).to_python(value)
            for key, value in zip(ordering, payload, strict=True)
        ]
    except (ValidationError, TypeError, ValueError):
        raise Http404(UNKNOWN_CURSOR) from None


def encode_cursor(obj: Any, ordering: tuple[str, ...], scope: str) -> str:
    """The cursor of the page that follows ``obj`` in ``ordering`` (a listing of ``scope``)."""
    values = []
    for key in ordering:
        value = getattr(obj, _field_name(key))
        values.append(value.isoformat() if hasattr(value, "isoformat") else value)
    return signing.dumps(values, salt=f"{_SALT}:{scope}", compress=True)


def keyset_page(
    request: HttpRequest,
    queryset: QuerySet,
    *,
    ordering: tuple[str, ...],
    limit: int,
    cursor: str | None,
    scope: str,
) -> dict[str, Any]:
    """One page of ``queryset``: ``{"results", "next_cursor", "next"}``."""
    queryset = queryset.order_by(*ordering)
    if cursor:
        queryset = queryset.filter(_after(ordering, _decode(queryset, ordering, cursor, scope)))
    rows = list(queryset[: limit + 1])
    results, more = rows[:limit], len(rows) > limit
    next_cursor = encode_cursor(results[-1], ordering, scope) if more else None
    next_url = None
    if next_cursor:
        params = request.GET.copy()
        params["cursor"] = next_cursor
        next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
    return {"results": results, "next_cursor": next_cursor, "next": next_url}


def page_schema(item: type[Schema]) -> type[Schema]:
    """The response schema of a listing of ``item``."""
    return type(
        f"{item.__name__}Page",
        (Schema,),
        {
            "__annotations__": {
                "results": list[item],
                "next_cursor": str | None,
                "next": str | None,
            },
            "__module__": __name__,
        },
    )
