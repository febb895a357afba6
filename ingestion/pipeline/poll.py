"""Step 1, poll: a conditional GET, strict parsing, and one queued article per new entry."""

from __future__ import annotations

import calendar
import codecs
import datetime as dt
import logging
import random
import re
import xml.sax
from dataclasses import dataclass, field
from urllib.parse import urljoin

import feedparser
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from controversies.canonical import InvalidURL, canonicalize_url
from ingestion.fetching import FetchError, fetch_feed
from ingestion.models import Article, Feed, IngestionRun
from ingestion.pipeline.errors import RetryLater, describe_fetch_error
from ingestion.sanitize import html_to_text

logger = logging.getLogger(__name__)

MAX_BACKOFF = dt.timedelta(hours=24)
MAX_URL_LENGTH = 2000  # the URL columns' size
_XML_ENCODING = re.compile(rb"""\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
# feedparser reports these when it recovered without losing anything worth refusing for.
_HARMLESS_BOZO = (feedparser.NonXMLContentType,)


class FeedParseError(ValueError):
    """The feed body cannot be trusted: not well-formed, mis-encoded, or not a feed."""


@dataclass(frozen=True)
class FeedEntry:
    link: str
    title: str
    summary: str
    published_at: dt.datetime | None


@dataclass
class ParsedFeed:
    title: str
    entries: list[FeedEntry] = field(default_factory=list)
    skipped: int = 0


def _entry_date(entry: feedparser.FeedParserDict) -> dt.datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                return dt.datetime.fromtimestamp(calendar.timegm(value), tz=dt.UTC)
            except (OverflowError, ValueError, TypeError):
                continue
    return None


def check_feed_encoding(content: bytes, *, charset: str | None) -> None:
    """Refuse bytes that contradict the encoding the server or the XML prolog declares.

    Without any declaration XML means UTF-8 (or UTF-16 with a byte-order mark). The
    media type alone is not trusted: by RFC 3023 ``text/xml`` without a charset would mean
    US-ASCII, which would refuse the many UTF-8 feeds served that way.
    """
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return
    match = _XML_ENCODING.match(content[:500])
    declared = charset or (match.group(1).decode("ascii") if match else None)
    if declared is None:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FeedParseError(
                f"The feed declares no encoding and is not valid UTF-8 (at byte {exc.start})."
            ) from None
        return
    try:
        codec = codecs.lookup(declared)
    except LookupError:
        raise FeedParseError(f"The feed declares an unknown encoding {declared!r}.") from None
    try:
        content.decode(codec.name)
    except UnicodeDecodeError as exc:
        raise FeedParseError(
            f"The feed declares the encoding {declared!r} but its bytes are not valid "
            f"{declared} (at byte {exc.start})."
        ) from None


def _bozo_error(exc: Exception) -> FeedParseError:
    """Why feedparser could not read the feed, said for a curator."""
    if isinstance(exc, feedparser.CharacterEncodingOverride):
        return FeedParseError(f"The feed's declared encoding does not match its bytes ({exc}).")
    if isinstance(exc, xml.sax.SAXException | feedparser.CharacterEncodingUnknown):
        return FeedParseError(f"The feed is not well-formed XML: {exc}")
    return FeedParseError(f"The feed could not be parsed: {exc}")


def parse_feed(
    content: bytes, *, content_type: str = "", charset: str | None = None, base_url: str = ""
) -> ParsedFeed:
    """Entries of an RSS or Atom document given as bytes (never a URL or a file name).

    A body that is not well-formed XML (truncated, an entity bomb refused by expat) or whose
    declared encoding does not match its bytes is refused with the reason rather than
    half-read by feedparser's lenient fallback.
    """
    if not isinstance(content, bytes):
        raise TypeError("parse_feed takes the response body as bytes")
    if not content.strip():
        raise FeedParseError("The feed is empty.")
    check_feed_encoding(content, charset=charset)
    # Only an explicit charset is passed on (see check_feed_encoding about media types).
    headers = {"content-type": f"application/xml; charset={charset}"} if charset else None
    try:
        parsed = feedparser.parse(content, response_headers=headers)
    except ValueError as exc:
        # feedparser's own decoding raises on some hostile input instead of reporting it
        # as bozo, e.g. a character reference to a lone surrogate (&#xD800;).
        raise FeedParseError(f"The feed could not be decoded: {exc}") from None
    if parsed.bozo and not isinstance(parsed.bozo_exception, _HARMLESS_BOZO):
        raise _bozo_error(parsed.bozo_exception)
    if not parsed.version and not parsed.entries:
        raise FeedParseError("The document is not an RSS or Atom feed.")
    result = ParsedFeed(title=html_to_text(parsed.feed.get("title", ""), max_length=300))
    for entry in parsed.entries:
        link = (entry.get("link") or "").strip()
        if link and base_url:
            link = urljoin(base_url, link)  # some feeds give site-relative links
        if not link:
            result.skipped += 1
            continue
        result.entries.append(
            FeedEntry(
                link=link,
                title=html_to_text(entry.get("title", ""), max_length=500),
                summary=html_to_text(entry.get("summary", ""), max_length=5000),
                published_at=_entry_date(entry),
            )
        )
    return result


def article_queue(
    *, url: str, feed: Feed | None = None, entry: FeedEntry | None = None
) -> tuple[Article, bool]:
    """The article for ``url``, created in the queued state if it is new.

    Raises InvalidURL for anything that is not an http(s) URL.
    """
    canonical = canonicalize_url(url)
    if len(url) > MAX_URL_LENGTH or len(canonical) > MAX_URL_LENGTH:
        raise InvalidURL(f"URL longer than {MAX_URL_LENGTH} characters: {url[:100]}…")
    existing = Article.objects.filter(
        Q(link_canonical=canonical) | Q(canonical_url=canonical)
    ).first()
    if existing:
        return existing, False
    fields = {"url": url, "link_canonical": canonical, "feed": feed}
    if entry is not None:
        fields.update(
            feed_title=entry.title,
            feed_summary=entry.summary,
            feed_published_at=entry.published_at,
        )
    try:
        with transaction.atomic():
            return Article.objects.create(canonical_url=canonical, **fields), True
    except IntegrityError:
        # Another worker queued it between the lookup and the insert.
        return Article.objects.get(canonical_url=canonical), False


def article_submit(*, url: str) -> tuple[Article, bool]:
    """Queue a URL a curator submitted, recorded as a run. Raises InvalidURL."""
    run = IngestionRun.objects.create(kind=IngestionRun.Kind.SUBMIT)
    try:
        article, created = article_queue(url=url)
    except InvalidURL as exc:
        run.failed_count = 1
        run.finish(error=str(exc))
        raise
    run.new_count, run.duplicate_count = (1, 0) if created else (0, 1)
    run.finish()
    return article, created


def _backoff(feed: Feed) -> dt.timedelta:
    """Exponential back-off for a failing feed, capped at a day, with jitter so failing
    feeds do not all come due in the same minute."""
    factor = 2 ** min(feed.consecutive_failures, 10)
    delay = min(feed.poll_interval * factor, MAX_BACKOFF)
    return delay * random.uniform(0.8, 1.0)


def _record_failure(feed: Feed, run: IngestionRun, reason: str) -> IngestionRun:
    now = timezone.now()
    feed.consecutive_failures += 1
    feed.last_status = Feed.Status.FAILED
    feed.last_error = reason[:2000]
    feed.last_polled_at = now
    feed.next_poll_at = now + _backoff(feed)
    feed.save()
    run.failed_count += 1
    run.finish(error=reason[:2000])
    logger.warning("Feed %s failed: %s", feed.url, reason)
    return run


def feed_poll(*, feed: Feed, final_attempt: bool = True) -> tuple[IngestionRun, list[int]]:
    """Poll one feed; return what the run did and the ids of newly queued articles.

    Polling the same unchanged feed again creates nothing: entries are keyed on their
    canonical URL, and a 304 answer stops before parsing.
    """
    run = IngestionRun.objects.create(kind=IngestionRun.Kind.POLL, feed=feed)
    try:
        result = fetch_feed(
            feed.url, etag=feed.etag or None, last_modified=feed.last_modified or None
        )
    except FetchError as exc:
        if exc.transient and not final_attempt:
            run.finish(error=f"{exc.reason} (will retry)")
            raise RetryLater(exc) from exc
        return _record_failure(feed, run, describe_fetch_error(exc, retried=exc.transient)), []

    now = timezone.now()
    new_ids: list[int] = []
    if result.status == 304:
        feed.last_status = Feed.Status.NOT_MODIFIED
    else:
        try:
            parsed = parse_feed(
                result.content,
                content_type=result.content_type,
                charset=result.charset,
                base_url=result.final_url,
            )
        except FeedParseError as exc:
            return _record_failure(feed, run, str(exc)), []
        for entry in parsed.entries:
            try:
                article, created = article_queue(url=entry.link, feed=feed, entry=entry)
            except InvalidURL:
                run.failed_count += 1
                continue
            if created:
                new_ids.append(article.pk)
            else:
                run.duplicate_count += 1
        run.new_count = len(new_ids)
        run.failed_count += parsed.skipped
        feed.last_status = Feed.Status.OK
        if parsed.title and not feed.title:
            feed.title = parsed.title
        feed.etag = (result.etag or "")[:500]
        feed.last_modified = (result.last_modified or "")[:100]
    feed.consecutive_failures = 0
    feed.last_error = ""
    feed.last_polled_at = now
    feed.next_poll_at = now + feed.poll_interval
    feed.save()
    run.finish()
    return run, new_ids


def feeds_claim_due(*, now: dt.datetime | None = None, limit: int = 100) -> list[int]:
    """Ids of due feeds, each claimed by moving its next poll time forward with a
    compare-and-set UPDATE, so two beat processes never poll the same feed twice."""
    now = now or timezone.now()
    lease = dt.timedelta(seconds=settings.INGESTION_FEED_LEASE_SECONDS)
    claimed = []
    due = Feed.objects.filter(active=True, next_poll_at__lte=now).order_by("next_poll_at")
    for feed_id, next_poll_at in due.values_list("pk", "next_poll_at")[:limit]:
        won = Feed.objects.filter(pk=feed_id, next_poll_at=next_poll_at).update(
            next_poll_at=now + lease
        )
        if won:
            claimed.append(feed_id)
    return claimed
