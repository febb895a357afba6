"""Optionally ask a public web archive to save a source (settings.ARCHIVE_SAVE_URL).

The setting is a URL template with ``{url}``, e.g. ``https://web.archive.org/save/{url}``.
The request goes through the safe client like every other fetch; the address the archive
redirects to is its copy, which becomes the source's ``archive_url`` when that is still
blank. A failure is logged and changes nothing: the local snapshot is what counts.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from django.conf import settings

from archive.fetching import fetch_document
from controversies.canonical import InvalidURL, canonicalize_url
from controversies.models import Source
from ingestion.fetching import FetchError

logger = logging.getLogger(__name__)


def save_request_url(source_url: str) -> str:
    return settings.ARCHIVE_SAVE_URL.replace("{url}", quote(source_url, safe=":/?&=%#~+,;@!$'()*"))


def ask_to_save(*, source: Source) -> str | None:
    """The archived copy's address, recorded on the source if it had none; None on failure."""
    request_url = save_request_url(source.url)
    try:
        result = fetch_document(request_url)
    except FetchError as exc:
        logger.warning("The web archive did not save source %s: %s", source.pk, exc.reason)
        return None
    archived = result.final_url
    if archived == request_url:
        logger.warning("The web archive answered source %s without a copy's address", source.pk)
        return None
    try:
        canonicalize_url(archived)  # the rule every URL a source stores follows
    except InvalidURL:
        return None
    # Filled only where blank: a curator's own archive link stays.
    Source.objects.filter(pk=source.pk, archive_url="").update(archive_url=archived[:2000])
    return archived
