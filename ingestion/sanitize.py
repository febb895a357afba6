"""Every piece of HTML that ingestion keeps becomes plain text through nh3 first."""

from __future__ import annotations

import html
import re

import nh3

_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
# Block-level tags become line breaks, so paragraphs do not run into each other.
_BLOCK_TAGS = re.compile(r"(?i)<\s*(br|/p|/div|/li|/h[1-6]|/tr|/blockquote)\b[^>]*>")


def html_to_text(value: str, *, max_length: int | None = None) -> str:
    """Plain text from an HTML fragment (feed summaries, titles), scripts and tags gone.

    nh3 with no allowed tags drops every element (and the content of script and style)
    and leaves entity-escaped text; unescaping it gives the text a reader would see. The
    result is plain text, which templates escape again when they show it.
    """
    marked = _BLOCK_TAGS.sub("\n", value or "")
    text = html.unescape(nh3.clean(marked, tags=set()))
    text = _SPACES.sub(" ", text)
    text = _BLANK_LINES.sub("\n\n", text).strip()
    if max_length is not None and len(text) > max_length:
        text = text[: max_length - 1].rstrip() + "…"
    return text
