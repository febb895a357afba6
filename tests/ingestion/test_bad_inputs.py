"""Hostile or broken servers end as a failed article or feed with a reason, and the next
article still goes through. (The fetcher's own tests cover how each is refused; these
check what the pipeline records.)"""

from __future__ import annotations

import gzip

import pytest

from ingestion.models import Article, Feed
from ingestion.pipeline import article_advance, article_queue, feed_poll
from tests.ingestion.documents import STORY, page

pytestmark = pytest.mark.django_db

GZIP_BOMB = gzip.compress(b"\0" * (20 * 1024 * 1024))  # ~20 KB that inflates to 20 MB


def serve_bad(server, kind: str, path: str, content_type: str) -> None:
    if kind == "huge-body":
        server.stream(path, total=50 * 1024 * 1024, headers={"Content-Type": content_type})
    elif kind == "gzip-bomb":
        server.reply(
            path, GZIP_BOMB, content_type=content_type, headers={"Content-Encoding": "gzip"}
        )
    elif kind == "never-finishes":
        server.stream(
            path,
            total=10 * 1024 * 1024,
            chunk=b"<p>",
            pause=0.05,
            headers={"Content-Type": content_type},
        )
    elif kind == "redirect-loop":
        server.redirect(path, path + "x")
        server.redirect(path + "x", path)


REASONS = {
    "huge-body": "body is over the",
    "gzip-bomb": "decompressed body is over the",
    "never-finishes": "total time limit",
    "redirect-loop": "redirect loop",
}
KINDS = list(REASONS)


@pytest.mark.parametrize("kind", KINDS)
def test_a_hostile_page_ends_as_a_failed_article_with_a_reason(local_server, fetch_settings, kind):
    fetch_settings.INGESTION_TOTAL_TIMEOUT = 2
    serve_bad(local_server, kind, "/bad", "text/html")
    local_server.reply("/good", page(title="Fine", paragraphs=STORY))
    bad, _ = article_queue(url=local_server.url("/bad"))
    good, _ = article_queue(url=local_server.url("/good"))

    article_advance(article=bad)
    article_advance(article=good)

    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.state == Article.State.FAILED
    assert REASONS[kind] in bad.failure_reason
    assert good.state == Article.State.IN_REVIEW


@pytest.mark.parametrize("kind", KINDS)
def test_a_hostile_feed_ends_as_a_failed_feed_with_a_reason(local_server, fetch_settings, kind):
    fetch_settings.INGESTION_TOTAL_TIMEOUT = 2
    serve_bad(local_server, kind, "/feed.xml", "application/rss+xml")
    feed = Feed.objects.create(url=local_server.url("/feed.xml"))

    run, new_ids = feed_poll(feed=feed)

    feed.refresh_from_db()
    assert new_ids == []
    assert feed.last_status == Feed.Status.FAILED
    assert REASONS[kind] in feed.last_error and run.error == feed.last_error
    assert feed.consecutive_failures == 1
