"""Marking the words found in the text a hit shows, always on escaped text."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

# Markers PostgreSQL puts around matched words (ts_headline); the text is escaped first,
# then the markers become <mark> tags, so stored text can never inject HTML. The query
# cleaner removes them from what readers type.
START, STOP = "\ue000", "\ue001"


def marked(text: str) -> SafeString:
    return mark_safe(  # noqa: S308 - escaped just above; only our markers become tags
        escape(text).replace(START, "<mark>").replace(STOP, "</mark>")
    )


def highlighter(words: list[str]) -> Callable[[str, int | None], SafeString]:
    """For the fallback: marks every occurrence of ``words`` (in any case) in a text,
    cut to a number of words when given."""
    pattern = re.compile("|".join(re.escape(escape(w)) for w in words), re.IGNORECASE)

    def highlight(text: str, words: int | None = None) -> SafeString:
        shown = Truncator(text).words(words) if words else text
        return mark_safe(pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escape(shown)))  # noqa: S308

    return highlight
