"""Addresses of the public pages that take a slug, without a full URL reversal per link.

A long timeline or a company page links to dozens of organisations, controversies and
resolutions, and ``reverse()`` costs tens of microseconds per call (it matches every
candidate pattern for the name). Each named pattern is reversed once per script prefix
with a placeholder slug and then filled in, which gives the same address.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.urls import get_script_prefix, reverse

# A valid slug, so reverse() accepts it; it never occurs in a URL prefix of ours.
_PLACEHOLDER = "slug-placeholder-0"
# What the <slug:...> path converter accepts; anything else goes through reverse(), which
# raises NoReverseMatch exactly as before.
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


@lru_cache(maxsize=64)
def _around(name: str, script_prefix: str) -> tuple[str, str]:
    before, _placeholder, after = reverse(name, args=[_PLACEHOLDER]).partition(_PLACEHOLDER)
    return before, after


def slug_url(name: str, slug: str) -> str:
    """``reverse(name, args=[slug])`` for a URL pattern whose only argument is a slug."""
    if not _SLUG.fullmatch(slug):
        return reverse(name, args=[slug])
    before, after = _around(name, get_script_prefix())
    return f"{before}{slug}{after}"
