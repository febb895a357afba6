"""The "Cite this page" box on the pages of a controversy, an organisation and a resolution."""

from __future__ import annotations

import datetime as dt

from django import template

from controversies.citation import Citable, page_citation

register = template.Library()


@register.inclusion_tag("controversies/_cite.html", takes_context=True)
def cite_this_page(
    context: template.Context, obj: Citable, updated: dt.datetime | None = None
) -> dict[str, object]:
    return {"cite": page_citation(context["request"], obj, updated=updated)}
