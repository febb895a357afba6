"""Step 3, extract: main text and metadata from a page's bytes, with trafilatura.

Dates are taken in order of trust: a JSON-LD ``datePublished``, an OpenGraph
``article:published_time``, the feed entry's date, and only then trafilatura's guess.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
import trafilatura

from ingestion.models import Article
from ingestion.pipeline.fetch import Page
from ingestion.sanitize import html_to_text

HTML_TYPES = ("text/html", "application/xhtml+xml")
MIN_WORDS = 25
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
# lxml refuses a str that still carries an XML encoding declaration (XHTML pages).
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_ARTICLE_TYPES = ("Article", "NewsArticle", "BlogPosting", "ReportageNewsArticle", "Report")
# How the main text is asked of trafilatura: its metadata is asked separately, and only
# when the page's structured data leaves a field unsaid (extract_page). The bench times
# trafilatura alone with these same options (bench/ingest.py).
TRAFILATURA_OPTIONS = {"with_metadata": False, "include_comments": False, "include_tables": False}


class ExtractionError(ValueError):
    """The page cannot yield an article; the message is the reason curators see."""


@dataclass(frozen=True)
class Extracted:
    title: str
    author: str
    published_on: dt.date | None
    date_source: str
    site_name: str
    language: str
    text: str
    declared_canonical: str


def _declared_charset(content: bytes, header_charset: str | None) -> str | None:
    if header_charset:
        return header_charset
    match = _META_CHARSET.search(content[:4096])
    return match.group(1).decode("ascii") if match else None


def decode_page(content: bytes, *, charset: str | None) -> str:
    """The page as text, refusing bytes that contradict the declared encoding."""
    declared = _declared_charset(content, charset)
    if declared:
        try:
            codec = codecs.lookup(declared)
        except LookupError:
            raise ExtractionError(f"The page declares an unknown encoding {declared!r}.") from None
        try:
            return content.decode(codec.name)
        except UnicodeDecodeError as exc:
            raise ExtractionError(
                f"The page declares the encoding {declared!r} but its bytes are not valid "
                f"{declared} (at byte {exc.start})."
            ) from None
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        # No declaration and not UTF-8: the web's historical default.
        return content.decode("cp1252", errors="replace")


def _parse_date(value: object) -> dt.date | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        try:
            parsed = dt.date.fromisoformat(text[:10])
        except ValueError:
            return None
    today = dt.date.today()
    if parsed.year < 1990 or parsed > today + dt.timedelta(days=2):
        return None
    return parsed


def _json_ld_objects(tree: lxml.html.HtmlElement) -> list[dict]:
    objects: list[dict] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except (ValueError, TypeError):
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                objects.append(item)
                if isinstance(item.get("@graph"), list):
                    stack.extend(item["@graph"])
    return objects


def _names(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [name for item in value for name in _names(item)]
    return []


def _json_ld_article(tree: lxml.html.HtmlElement) -> dict:
    for obj in _json_ld_objects(tree):
        types = obj.get("@type")
        types = types if isinstance(types, list) else [types]
        if any(isinstance(t, str) and t in _ARTICLE_TYPES for t in types) or (
            "datePublished" in obj
        ):
            return obj
    return {}


MetaTags = dict[tuple[str, str], str]


def _meta_tags(tree: lxml.html.HtmlElement) -> MetaTags:
    """The first content of each <meta property=...> and <meta name=...>, in one walk
    over the page (a lookup per tag would walk a large page once each)."""
    tags: MetaTags = {}
    for meta in tree.iter("meta"):
        content = meta.get("content")
        if content is None:
            continue
        for attr in ("property", "name"):
            key = meta.get(attr)
            if key is not None:
                tags.setdefault((attr, key), content)
    return tags


def _meta(tags: MetaTags, *names: str) -> str:
    for name in names:
        for attr in ("property", "name"):
            value = tags.get((attr, name), "").strip()
            if value:
                return value
    return ""


def _same_site(url: str, reference: str) -> bool:
    def host(value: str) -> str:
        name = (urlsplit(value).hostname or "").lower()
        return name[4:] if name.startswith("www.") else name

    return bool(host(url)) and host(url) == host(reference)


def declared_canonical(
    tree: lxml.html.HtmlElement, *, page_url: str, tags: MetaTags | None = None
) -> str:
    """The page's own rel=canonical or og:url, if it stays on the same site."""
    og_url = _meta(_meta_tags(tree) if tags is None else tags, "og:url")
    candidates = tree.xpath('//link[@rel="canonical"]/@href') + [og_url]
    for href in candidates:
        href = (href or "").strip()
        if not href:
            continue
        absolute = urljoin(page_url, href)
        if absolute.startswith(("http://", "https://")) and _same_site(absolute, page_url):
            return absolute
    return ""


def _html_tree(content: bytes, *, content_type: str, charset: str | None) -> lxml.html.HtmlElement:
    """The parsed page, or ExtractionError when it is not HTML, is empty or won't parse."""
    if not isinstance(content, bytes):
        raise TypeError("extract_page takes the response body as bytes")
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type not in HTML_TYPES:
        raise ExtractionError(f"Not an HTML page (content type {media_type or 'missing'}).")
    if not content.strip():
        raise ExtractionError("The page is empty.")
    text = _XML_DECLARATION.sub("", decode_page(content, charset=charset), count=1)
    try:
        return lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ExtractionError(f"The page is not parseable HTML: {exc}") from None


def _publication_date(
    *,
    ld_date: dt.date | None,
    og_date: dt.date | None,
    feed_date: dt.date | None,
    guessed: str,
) -> tuple[dt.date | None, str]:
    """The publication date and where it came from: the page's JSON-LD first, then its
    OpenGraph tags, then the feed's date, then trafilatura's guess ("" when none)."""
    if ld_date:
        return ld_date, "json_ld"
    if og_date:
        return og_date, "opengraph"
    if feed_date:
        return feed_date, "feed"
    published_on = _parse_date(guessed)
    return published_on, "guessed" if published_on else ""


def extract_page(
    content: bytes,
    *,
    url: str,
    content_type: str = "text/html",
    charset: str | None = None,
    feed_date: dt.date | None = None,
) -> Extracted:
    """Everything the pipeline keeps from a page, or ExtractionError with the reason."""
    tree = _html_tree(content, content_type=content_type, charset=charset)

    # Everything read from the tree is read before trafilatura gets it: it may prune it.
    ld = _json_ld_article(tree)
    tags = _meta_tags(tree)
    ld_date = _parse_date(ld.get("datePublished"))
    og_date = _parse_date(_meta(tags, "article:published_time", "og:published_time"))
    canonical = declared_canonical(tree, page_url=url, tags=tags)
    html_lang = (tree.get("lang") or "").strip()
    og_title = _meta(tags, "og:title")
    og_site_name = _meta(tags, "og:site_name")
    headline = ld.get("headline") if isinstance(ld.get("headline"), str) else ""
    ld_author = ", ".join(_names(ld.get("author")))
    ld_publisher = ", ".join(_names(ld.get("publisher")))

    try:
        # trafilatura's metadata heuristics (date, title, author, site name) are only
        # asked when the page's own structured data leaves one of the four unsaid (bench
        # target "ingestion >= 70% of trafilatura alone"). The call is the one
        # bare_extraction makes with with_metadata=True, on the tree before its text is
        # extracted, so the answer is the same.
        complete = (ld_date or og_date or feed_date) and (headline or og_title)
        complete = complete and ld_author and (og_site_name or ld_publisher)
        guessed = None if complete else trafilatura.extract_metadata(tree, default_url=url)
        document = trafilatura.bare_extraction(tree, url=url, **TRAFILATURA_OPTIONS)
    except (ValueError, TypeError, lxml.etree.LxmlError) as exc:
        raise ExtractionError(f"The page's text could not be extracted: {exc}") from None
    body = (getattr(document, "text", None) or "").strip()
    if len(body.split()) < MIN_WORDS:
        raise ExtractionError("No article text found on the page.")

    def guess(name: str) -> str:
        return getattr(guessed, name, None) or ""

    published_on, date_source = _publication_date(
        ld_date=ld_date, og_date=og_date, feed_date=feed_date, guessed=guess("date")
    )
    title = headline or og_title or guess("title")
    author = ld_author or guess("author")
    site_name = og_site_name or ld_publisher or guess("sitename") or (urlsplit(url).hostname or "")
    # Only a target language makes trafilatura detect one; none is asked for.
    language = html_lang[:12]
    return Extracted(
        title=html_to_text(title, max_length=500),
        author=html_to_text(author, max_length=300),
        published_on=published_on,
        date_source=date_source,
        site_name=html_to_text(site_name, max_length=200),
        language=language,
        text=body,
        declared_canonical=canonical,
    )


def extract(article: Article, page: Page) -> Extracted:
    """The extract step: what the article's fetched page says (see extract_page), the
    feed entry's date standing in for a page without one. Raises ExtractionError with
    the reason. Writes nothing."""
    feed_date = article.feed_published_at.date() if article.feed_published_at else None
    return extract_page(
        page.result.content,
        url=page.result.final_url,
        content_type=page.result.content_type,
        charset=page.result.charset,
        feed_date=feed_date,
    )
