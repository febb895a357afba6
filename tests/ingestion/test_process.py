"""Fetch, extract, canonicalise and deduplicate, against pages served on loopback."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from ingestion.models import Article
from ingestion.pipeline import RetryLater, article_advance, article_queue
from ingestion.pipeline.dedupe import near_duplicate_index
from ingestion.pipeline.sql import lock_state
from ingestion.pipeline.write import FETCH_STATES
from tests.ingestion.documents import OTHER_STORY, STORY, page

pytestmark = pytest.mark.django_db

OG = {"og:site_name": "Example News", "article:published_time": "2024-05-02T08:00:00Z"}


def queue(url: str, **kwargs) -> Article:
    article, created = article_queue(url=url, **kwargs)
    assert created
    return article


def test_it_fetches_and_extracts_a_queued_article(site):
    url = site.add(
        "/news/rekognition", page(title="Rekognition and the police", paragraphs=STORY, og=OG)
    )
    article = queue(url)

    state = article_advance(article=article)

    article.refresh_from_db()
    assert state == Article.State.IN_REVIEW == article.state
    assert article.title == "Rekognition and the police"
    assert article.site_name == "Example News"
    assert article.published_on == dt.date(2024, 5, 2)
    assert article.date_source == "opengraph"
    assert article.final_url == url
    assert article.content_type == "text/html"
    assert len(article.content_hash) == 64
    assert article.minhash is not None  # stored so the LSH index can be rebuilt
    assert "28 members of Congress" in article.text


def test_it_adopts_the_pages_same_site_canonical_url(site):
    canonical = site.url("/2024/05/the-real-slug")
    url = site.add(
        "/amp/story?utm_campaign=x",
        page(title="AMP version", paragraphs=STORY, canonical=canonical),
    )
    article = queue(url)

    article_advance(article=article)

    article.refresh_from_db()
    assert article.canonical_url == canonical
    assert article.link_canonical == site.url("/amp/story")
    # the same link in a feed later is recognised, not queued again
    again, created = article_queue(url=url)
    assert not created and again.pk == article.pk


def test_it_links_a_syndicated_copy_with_tracking_parameters_to_the_original(site):
    original = queue(site.add("/news/rekognition", page(title="Original", paragraphs=STORY)))
    article_advance(article=original)
    copy_url = site.add(
        "/wire/amazon-face-tool?utm_source=partner&utm_medium=syndication&fbclid=abc",
        page(
            title="Wire copy",
            paragraphs=[
                *STORY,
                "This story first appeared on Example News and is republished here.",
            ],
        ),
    )
    copy = queue(copy_url)

    state = article_advance(article=copy)

    copy.refresh_from_db()
    assert state == Article.State.DUPLICATE
    assert copy.duplicate_of == original
    assert "Near-copy" in copy.duplicate_reason
    assert copy.canonical_url == site.url("/wire/amazon-face-tool")  # kept, tracking gone
    assert copy.text  # kept, never deleted
    assert list(original.duplicates.all()) == [copy]


def test_it_marks_an_exact_copy_by_its_text_hash(site):
    original = queue(site.add("/a", page(title="One", paragraphs=STORY)))
    article_advance(article=original)
    copy = queue(site.add("/b", page(title="ONE", paragraphs=[p.upper() for p in STORY])))

    article_advance(article=copy)

    copy.refresh_from_db()
    assert copy.state == Article.State.DUPLICATE
    assert copy.duplicate_of == original
    assert copy.duplicate_reason.startswith("Same text")


def test_it_marks_a_page_whose_canonical_url_is_already_known(site):
    original = queue(site.add("/story", page(title="Story", paragraphs=STORY)))
    article_advance(article=original)
    variant = queue(
        site.add(
            "/story-print",
            page(title="Printable", paragraphs=OTHER_STORY, canonical=site.url("/story")),
        )
    )

    article_advance(article=variant)

    variant.refresh_from_db()
    assert variant.state == Article.State.DUPLICATE
    assert variant.duplicate_of == original
    assert variant.duplicate_reason.startswith("Same canonical URL")


def test_it_keeps_different_stories_apart(site):
    first = queue(site.add("/one", page(title="One", paragraphs=STORY)))
    second = queue(site.add("/two", page(title="Two", paragraphs=OTHER_STORY)))

    article_advance(article=first)
    article_advance(article=second)

    assert {a.state for a in Article.objects.all()} == {Article.State.IN_REVIEW}


def test_it_finds_near_copies_from_stored_signatures_after_a_restart(site):
    original = queue(site.add("/news/rekognition", page(title="Original", paragraphs=STORY)))
    article_advance(article=original)
    near_duplicate_index.reset()  # a fresh worker process: nothing in memory
    copy = queue(site.add("/copy", page(title="Copy", paragraphs=[*STORY, "Republished."])))

    article_advance(article=copy)

    copy.refresh_from_db()
    assert copy.duplicate_of == original


def test_a_near_copy_of_an_article_stored_by_a_worker_with_a_slow_clock_is_found(site):
    article_advance(article=queue(site.add("/other", page(title="Other", paragraphs=OTHER_STORY))))
    original = queue(site.add("/news/rekognition", page(title="Original", paragraphs=STORY)))
    article_advance(article=original)
    # Written by a worker whose clock is a day behind: the index reads what was stored
    # since its last look in the order of storage, not by the time of the write.
    Article.objects.filter(pk=original.pk).update(
        updated_at=original.updated_at - dt.timedelta(days=1)
    )
    copy = queue(site.add("/copy", page(title="Copy", paragraphs=[*STORY, "Republished."])))

    article_advance(article=copy)

    copy.refresh_from_db()
    assert copy.state == Article.State.DUPLICATE
    assert copy.duplicate_of == original


def test_it_keeps_the_near_duplicate_index_bounded(site, settings):
    settings.INGESTION_LSH_MAX_ENTRIES = 2
    for n in range(4):
        paragraphs = [f"Story number {n} " + p for p in (OTHER_STORY if n % 2 else STORY)]
        paragraphs = [" ".join(f"{w}{n}" for w in p.split()) for p in paragraphs]
        article_advance(
            article=queue(site.add(f"/s{n}", page(title=f"S{n}", paragraphs=paragraphs)))
        )
    near_duplicate_index.reset()

    near_duplicate_index.refresh()

    assert Article.objects.filter(state=Article.State.IN_REVIEW).count() == 4
    assert near_duplicate_index.size == 2


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        ({"body": b"", "status": 404}, "404"),
        ({"body": b"%PDF-1.7", "content_type": "application/pdf"}, "content type"),
        ({"body": b""}, "empty"),
        ({"body": b"<html><body><nav>Home</nav></body></html>"}, "No article text"),
    ],
    ids=["404", "pdf", "empty", "no-text"],
)
def test_it_records_why_a_page_failed(site, route, reason):
    path = "/bad"
    url = site.url(path) if route.get("status") == 404 else site.add(path, **route)
    article = queue(url)

    state = article_advance(article=article, final_attempt=False)

    article.refresh_from_db()
    assert state == Article.State.FAILED
    assert reason in article.failure_reason
    assert site.hits[path] == 1  # none of these is retried


def test_a_page_without_an_article_keeps_what_its_fetch_learnt(site):
    url = site.add("/menu", b"<html><body><nav>Home</nav></body></html>")
    article = queue(url)

    article_advance(article=article)

    article.refresh_from_db()
    assert article.state == Article.State.FAILED
    assert "No article text" in article.failure_reason
    assert article.final_url == url
    assert article.content_type == "text/html"
    assert article.fetched_at is not None


def test_it_retries_a_server_error_then_records_it(site):
    article = queue(site.add("/down", b"busy", status=500, content_type="text/plain"))

    with pytest.raises(RetryLater):
        article_advance(article=article, final_attempt=False)
    article.refresh_from_db()
    assert article.state == Article.State.QUEUED

    article_advance(article=article, final_attempt=True)
    article.refresh_from_db()
    assert article.state == Article.State.FAILED
    assert "500" in article.failure_reason and "retries" in article.failure_reason


def test_it_does_nothing_when_replayed_on_a_processed_article(site):
    article = queue(site.add("/news/rekognition", page(title="Once", paragraphs=STORY)))
    article_advance(article=article)
    article.refresh_from_db()
    before = (article.state, article.title, article.content_hash, article.updated_at)

    state = article_advance(article=article)

    article.refresh_from_db()
    assert state == Article.State.IN_REVIEW
    assert (article.state, article.title, article.content_hash, article.updated_at) == before
    assert site.hits["/news/rekognition"] == 1


def test_a_failed_article_does_not_block_its_canonical_url(site):
    failed = queue(site.url("/story"))  # 404 for now
    article_advance(article=failed)
    other = queue(site.add("/story-amp", page(title="AMP", paragraphs=STORY, canonical="/story")))

    article_advance(article=other)

    other.refresh_from_db()
    assert other.state == Article.State.IN_REVIEW
    assert other.canonical_url == site.url("/story-amp")


def test_storing_an_article_reads_and_writes_its_row_in_two_round_trips(site):
    # The writer's lock and the dedupe step's reads (the URL's and the text's holders,
    # the near-duplicate index's top-up) go together; the inserts go with the UPDATE.
    article_advance(article=queue(site.add("/first", page(title="First", paragraphs=STORY))))
    article = queue(site.add("/second", page(title="Second", paragraphs=OTHER_STORY)))

    with CaptureQueriesContext(connection) as queries:
        state = article_advance(article=article)

    assert state == Article.State.IN_REVIEW
    on_articles = [q["sql"] for q in queries if "ingestion_article" in q["sql"]]
    assert len(on_articles) == 2
    assert "FOR UPDATE" in on_articles[0] and "minhash_seq >" in on_articles[0]
    assert "UPDATE" in on_articles[1]


@pytest.mark.django_db(transaction=True)
def test_two_workers_storing_at_once_dedupe_one_after_the_other():
    # Two near-copies stored at the same moment must see each other: taking an
    # article's row lock for the store step also waits for the other worker's.
    if connection.vendor != "postgresql":
        pytest.skip("the dedupe lock is PostgreSQL's; SQLite has one writer")
    first, second = (queue(f"https://news.example.test/copy-{n}") for n in (1, 2))
    held, release, second_locked = threading.Event(), threading.Event(), threading.Event()

    def store(article: Article, *, then: threading.Event, wait: threading.Event | None) -> None:
        try:
            with transaction.atomic():
                lock_state(article.pk, FETCH_STATES, serialise_dedupe=True)
                then.set()
                if wait is not None:
                    wait.wait(10)
        finally:
            connection.close()

    one = threading.Thread(target=store, args=(first,), kwargs={"then": held, "wait": release})
    two = threading.Thread(
        target=store, args=(second,), kwargs={"then": second_locked, "wait": None}
    )
    one.start()
    assert held.wait(10)
    two.start()
    assert not second_locked.wait(0.5)  # waiting for the first worker
    release.set()
    assert second_locked.wait(10)
    one.join(10)
    two.join(10)
