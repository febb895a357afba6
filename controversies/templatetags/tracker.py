"""Small template helpers for the public pages."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from controversies.templatetags.citations import unsourced_mark

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


@register.simple_tag
def support_bar(resolution: object) -> str:
    """A resolution's headline support as a bar and a figure, or "no vote". A tag rather
    than an included template: it is drawn once per row of long resolution tables, and
    the figure (computed from the counts) is worked out once instead of three times. It
    takes the resolution, not ``r.vote``: for a resolution without a vote that lookup
    fails, and the template engine lists every attribute of the row to report it.
    """
    vote = getattr(resolution, "vote", None)  # a missing reverse one-to-one raises
    support = getattr(vote, "headline_support", None) if vote else None
    if support is None:
        return mark_safe('<span class="muted">no vote</span>')  # noqa: S308 - constant
    # A figure no document backs yet is labelled, not stated as settled.
    return format_html(
        '<span class="support"><progress value="{}" max="100" aria-label="Support {}%">'
        "</progress> {}%{}</span>{}",
        str(support),
        localize(support),
        localize(support),
        " · passed" if vote.passed else "",
        unsourced_mark(vote),
    )
