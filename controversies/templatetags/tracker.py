"""Small template helpers for the public pages."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.http import urlencode

register = template.Library()


@register.simple_tag
def filter_url(active: dict[str, str], name: str, value: object = "") -> str:
    """A query string: the filters in force with ``name`` set to ``value`` (or removed
    when empty) and the page reset. ``name="year"`` picks a single year."""
    params = {k: v for k, v in active.items() if k != "page"}
    names = ("year_from", "year_to") if name == "year" else (name,)
    for key in names:
        if value in ("", None):
            params.pop(key, None)
        else:
            params[key] = str(value)
    return "?" + urlencode(sorted(params.items())) if params else ""


@register.simple_tag
def page_url(active: dict[str, str], number: int) -> str:
    params = dict(active, page=str(number))
    return "?" + urlencode(sorted(params.items()))


@register.filter
def percent(value: Decimal | None) -> str:
    """ "2.40" -> "2.4%"; None -> "–"."""
    if value is None:
        return "–"
    return f"{value.normalize():f}%"


@register.filter
def get_item(mapping: dict, key: str) -> object:
    return mapping.get(key) if mapping else None
