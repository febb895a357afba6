"""A feed ingested end to end by a real Celery worker process on the local Redis."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from config.celery import app
from ingestion import tasks
from ingestion.models import INTERMEDIATE_STATES, Article, Feed, IngestionRun
from ingestion.review import review_accept_new_event
from tests.ingestion.documents import OTHER_STORY, STORY, page, rss

ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 120


def _database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def _start_worker(site, log_path: Path) -> subprocess.Popen:
    """A real worker process on the test database and our Redis db; ``site`` is any
    loopback server with a ``port``, which the worker is allowed to fetch from."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": _database_url(),  # the pytest test database, not the dev one
        "REDIS_URL": settings.REDIS_URL,
        "INGESTION_ALLOWED_HOSTS": f"127.0.0.1:{site.port}",
        "SECRET_KEY": "test-only-secret-key-not-for-production-long-enough-for-the-check",
        "DEBUG": "false",
        # Real retries with exponential back-off and jitter, but seconds apart, not minutes.
        "INGESTION_RETRY_BACKOFF_SECONDS": "1",
        "INGESTION_MAX_RETRIES": str(settings.INGESTION_MAX_RETRIES),
    }
    log = log_path.open("ab")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--hostname",
            f"e2e-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)


def _wait_until_settled(feed: Feed, expected: int, worker: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            pytest.fail(f"the worker exited early:\n{log.read_text()[-4000:]}")
        articles = Article.objects.filter(feed=feed)
        if articles.count() == expected and not articles.filter(state__in=INTERMEDIATE_STATES):
            return
        time.sleep(0.5)
    states = list(Article.objects.values_list("url", "state"))
    pytest.fail(f"articles did not settle: {states}\n{log.read_text()[-4000:]}")


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_fills_the_review_queue_from_a_feed(site, domain, tmp_path):
    """GIVEN a feed on loopback with a story, a syndicated copy of it under another URL
    with tracking parameters, an unrelated story, a missing page, a PDF and a page that
    keeps answering 500
    WHEN beat's due-feed task is sent to Redis and a real worker process picks it up
    THEN the story is in review with its mentions and suggestion, the copy is kept and
    linked to it, the unrelated story is in review without either, and the bad pages
    failed with their reasons (the 500 only after the worker's retries); accepting the
    story puts a cited event on the timeline."""
    site.add(
        "/news/rekognition-police",
        page(
            title="Amazon sold Rekognition to police",
            paragraphs=STORY,
            json_ld={
                "@type": "NewsArticle",
                "datePublished": "2024-05-02T08:00:00Z",
                "headline": "Amazon sold Rekognition to police",
            },
            og={"og:site_name": "Example News"},
        ),
    )
    site.add(
        "/wire/face-tool",
        page(
            title="Wire: Amazon face tool", paragraphs=[*STORY, "First published by Example News."]
        ),
    )
    site.add("/news/roads", page(title="Council approves road budget", paragraphs=OTHER_STORY))
    site.add("/files/report.pdf", b"%PDF-1.7 not a page", content_type="application/pdf")
    site.add("/news/down", b"upstream error", status=500, content_type="text/plain")
    feed_body = rss(
        [
            {
                "title": "Rekognition and police",
                "link": site.url("/news/rekognition-police"),
                "date": "Thu, 02 May 2024 09:30:00 GMT",
            },
            {
                "title": "Wire copy",
                "link": site.url("/wire/face-tool?utm_source=feed&gclid=x"),
                "date": "Thu, 02 May 2024 12:00:00 GMT",
            },
            {"title": "Roads", "link": site.url("/news/roads")},
            {"title": "Gone", "link": site.url("/news/gone")},
            {"title": "A PDF", "link": site.url("/files/report.pdf")},
            {"title": "Down", "link": site.url("/news/down")},
        ]
    )
    feed = Feed.objects.create(
        url=site.add("/feed.xml", feed_body, content_type="application/rss+xml"),
        next_poll_at=timezone.now(),
    )
    app.control.purge()  # our own Redis db: drop anything a previous run left behind
    log = tmp_path / "worker.log"
    worker = _start_worker(site, log)
    try:
        tasks.poll_due_feeds.delay()
        _wait_until_settled(feed, 6, worker, log)
    finally:
        _stop(worker)

    by_path = {a.url.removeprefix(site.base): a for a in Article.objects.filter(feed=feed)}
    story = by_path["/news/rekognition-police"]
    assert story.state == Article.State.IN_REVIEW
    assert story.published_on.isoformat() == "2024-05-02" and story.date_source == "json_ld"
    assert story.site_name == "Example News"
    mentioned = {m.entity.name for m in story.mentions.all()}
    assert {"Amazon", "Amazon Rekognition", "American Civil Liberties Union"} <= mentioned
    assert [s.controversy for s in story.suggestions.all()] == [domain.controversy]

    copy = by_path["/wire/face-tool?utm_source=feed&gclid=x"]
    assert copy.state == Article.State.DUPLICATE
    assert copy.duplicate_of == story
    assert copy.canonical_url == site.url("/wire/face-tool")

    roads = by_path["/news/roads"]
    assert roads.state == Article.State.IN_REVIEW
    assert roads.mentions.count() == 0 and roads.suggestions.count() == 0
    assert roads.relevance < story.relevance

    assert by_path["/news/gone"].state == Article.State.FAILED
    assert "404" in by_path["/news/gone"].failure_reason
    assert by_path["/files/report.pdf"].state == Article.State.FAILED
    assert by_path["/files/report.pdf"].failure_reason

    down = by_path["/news/down"]
    assert down.state == Article.State.FAILED
    assert "500" in down.failure_reason and "retries" in down.failure_reason
    assert site.hits["/news/down"] == settings.INGESTION_MAX_RETRIES + 1  # retried, then given up

    run = IngestionRun.objects.get(feed=feed)
    assert (run.new_count, run.duplicate_count, run.failed_count) == (6, 0, 0)
    assert list(Article.objects.in_review()) == [story, roads]

    review_accept_new_event(
        article=story,
        controversy=domain.controversy,
        occurred_on=story.published_on,
        title="Documents show Rekognition sales to police",
    )
    timeline = Client().get(domain.controversy.get_absolute_url()).content.decode()
    assert "Documents show Rekognition sales to police" in timeline
    assert story.canonical_url in timeline


def _wait_for(condition, what: str, worker: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        if worker.poll() is not None:
            pytest.fail(f"the worker exited early:\n{log.read_text()[-4000:]}")
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}:\n{log.read_text()[-4000:]}")


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_an_article_survives_its_worker_being_killed(local_server, domain, tmp_path):
    """GIVEN a worker fetching a page that trickles in forever
    WHEN the worker is killed (SIGKILL) mid-fetch and the page later answers normally
    THEN the article is left queued, and the sweeper, run by a second worker, re-enqueues
    it and it reaches the review queue."""
    local_server.stream("/slow", total=10 * 1024 * 1024, chunk=b"<p>", pause=0.05)
    app.control.purge()
    article = Article.objects.create(
        url=local_server.url("/slow"),
        link_canonical=local_server.url("/slow"),
        canonical_url=local_server.url("/slow"),
    )
    log = tmp_path / "worker.log"
    first = _start_worker(local_server, log)
    try:
        tasks.advance_article.delay(article.pk)
        _wait_for(lambda: "/slow" in local_server.paths(), "the fetch to start", first, log)
    finally:
        first.kill()
        first.wait(timeout=10)

    article.refresh_from_db()
    assert article.state == Article.State.QUEUED  # nothing recorded, nothing lost
    local_server.reply("/slow", page(title="Rekognition, finally", paragraphs=STORY))
    stuck_since = timezone.now() - dt.timedelta(seconds=settings.INGESTION_STUCK_AFTER_SECONDS + 60)
    Article.objects.filter(pk=article.pk).update(updated_at=stuck_since)
    second = _start_worker(local_server, log)
    try:
        tasks.sweep_stuck_articles.delay()

        def reviewed() -> bool:
            article.refresh_from_db()
            return article.state == Article.State.IN_REVIEW

        _wait_for(reviewed, "the swept article to reach review", second, log)
    finally:
        _stop(second)

    assert article.title == "Rekognition, finally"
    assert article.sweeps == 1
    assert article.mentions.filter(product=domain.rekognition).exists()
