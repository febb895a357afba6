"""The text and title of a fetched document, by the project's own extraction
(ingestion.pipeline.extract, trafilatura) where it applies."""

from __future__ import annotations

import lxml.etree
import lxml.html

from ingestion.fetching import FetchResult
from ingestion.pipeline.extract import HTML_TYPES, ExtractionError, decode_page, extract_page
from ingestion.sanitize import html_to_text

TITLE_MAX = 500


def document_text(result: FetchResult) -> tuple[str, str]:
    """(title, text) of a fetched document; blanks when it has no readable text."""
    if result.content_type in HTML_TYPES:
        return _html_text(result)
    if result.content_type == "text/plain":
        try:
            return "", decode_page(result.content, charset=result.charset)
        except ExtractionError:
            return "", ""
    return "", ""  # PDFs and other formats are kept whole, without text


def _html_text(result: FetchResult) -> tuple[str, str]:
    try:
        page = decode_page(result.content, charset=result.charset)
    except ExtractionError:
        return "", ""
    title = _page_title(page)
    try:
        extracted = extract_page(
            result.content,
            url=result.final_url,
            content_type=result.content_type,
            charset=result.charset,
        )
    except ExtractionError:
        # Too short to be an article (a press notice, a form): all of its visible text.
        return title, html_to_text(page)
    return extracted.title or title, extracted.text


def _page_title(page: str) -> str:
    try:
        tree = lxml.html.document_fromstring(page.encode("utf-8"))
    except (lxml.etree.ParserError, ValueError):
        return ""
    return html_to_text(tree.findtext(".//title") or "", max_length=TITLE_MAX)
