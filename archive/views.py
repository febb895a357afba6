"""The preserved copy of a source, served so that it cannot act as this site.

The stored page is someone else's HTML: it is sent with a Content-Security-Policy whose
``sandbox`` makes it a unique origin without scripts, forms or plugins, and whose
directives let it load nothing but inline styles and data: images. Types other than HTML
and plain text are sent as downloads. Anyone may read the copy once the original is gone
(the public pages then link it); before that only staff who may view snapshots can.
"""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from archive.models import SourceSnapshot, SourceStatus
from archive.storage import read_warc_body

logger = logging.getLogger(__name__)

ARCHIVED_COPY_CSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"
_INLINE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


def _snapshot_for(request: HttpRequest, source_id: int) -> SourceSnapshot:
    """The latest successful snapshot the visitor may read, or a 404."""
    status = get_object_or_404(
        SourceStatus.objects.select_related("latest_snapshot"), source_id=source_id
    )
    snapshot = status.latest_snapshot
    if snapshot is None:
        raise Http404("No preserved copy of this source.")
    staff_may_view = request.user.is_staff and request.user.has_perm("archive.view_sourcesnapshot")
    if not (status.shows_archived_copy or staff_may_view):
        raise Http404("The original is still online.")
    return snapshot


def _sandboxed(response: HttpResponse) -> HttpResponse:
    response["Content-Security-Policy"] = ARCHIVED_COPY_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, noarchive"
    response["Cache-Control"] = "private, max-age=0"
    return response


@require_safe
def archived_copy(request: HttpRequest, source_id: int) -> HttpResponse:
    snapshot = _snapshot_for(request, source_id)
    try:
        content_type, body = read_warc_body(snapshot.warc_path)
    except (OSError, ValueError) as exc:
        logger.error("Snapshot %s could not be read: %s", snapshot.pk, exc)
        raise Http404("The preserved copy could not be read.") from None
    response = HttpResponse(body, content_type=content_type or "application/octet-stream")
    if snapshot.content_type not in _INLINE_TYPES:
        response["Content-Disposition"] = f'attachment; filename="source-{source_id}"'
    return _sandboxed(response)


@require_safe
def archived_text(request: HttpRequest, source_id: int) -> HttpResponse:
    snapshot = _snapshot_for(request, source_id)
    if not snapshot.text:
        raise Http404("The preserved copy has no text.")
    return _sandboxed(HttpResponse(snapshot.text, content_type="text/plain; charset=utf-8"))
