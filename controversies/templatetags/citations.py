"""How a public page cites the document behind a single fact (a vote result, an adviser's
recommendation, a demand's step, a coalition membership, a campaign's dates).

A fact with a source shows it as a small citation link; a fact without one carries a
visible "unsourced" label, so the page never states it as settled. Tags rather than an
included template: they are drawn once per row of long tables.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

UNSOURCED_EXPLANATION = (
    "No document backing this has been attached yet; treat it as unconfirmed until one is."
)


def unsourced_label() -> SafeString:
    return format_html(
        '<small class="unsourced-fact" title="{}">unsourced</small>', UNSOURCED_EXPLANATION
    )


@register.simple_tag
def fact_source(fact: object) -> SafeString:
    """The fact's source as a citation link, or the "unsourced" label.

    Reads ``source_id`` first, so a fact without a source costs no query; the caller
    loads ``source`` with the fact (select_related) for the ones that have one.
    """
    if fact is None or getattr(fact, "source_id", None) is None:
        return unsourced_label()
    source = fact.source
    name = source.publisher or source.title or "source"
    return format_html(
        '<small class="fact-source">(<a href="{}" title="{}" rel="noopener noreferrer nofollow">'
        "{}</a>)</small>",
        source.url,
        source.title or source.canonical_url,
        name,
    )


@register.simple_tag
def unsourced_mark(fact: object) -> SafeString:
    """Only the "unsourced" label, for tables that link to the page citing the source."""
    if fact is None or getattr(fact, "source_id", None) is None:
        return unsourced_label()
    return SafeString("")
