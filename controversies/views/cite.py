"""A page's citation as a CSL-JSON file, for reference managers."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from controversies import citation


@require_safe
def cite_csl(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    obj, updated = citation.citable_get(kind, slug)
    cited = citation.page_citation(request, obj, updated=updated)
    return citation.csl_response(cited, f"{kind}-{slug}")
