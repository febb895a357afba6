"""The Celery tasks, run in-process: retries, idempotence, the sweeper, the schedule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from ingestion import tasks
from ingestion.models import Article, Feed, IngestionRun
from ingestion.pipeline import article_queue, articles_claim_stuck
from tests.ingestion.documents import STORY, page, rss

pytestmark = pytest.mark.django_db


def test_it_runs_a_feed_through_every_step_when_delivered_twice(
    site, domain, eager_celery, django_capture_on_commit_callbacks
):
    site.add("/news/rekognition", page(title="Rekognition sold to police", paragraphs=STORY))
    feed_url = site.add(
        "/feed.xml",
        rss([{"title": "Rekognition", "link": site.url("/news/rekognition")}]),
        content_type="application/rss+xml",
    )
    feed = Feed.objects.create(url=feed_url)

    with django_capture_on_commit_callbacks(execute=True):
        tasks.poll_feed.apply(args=[feed.pk])
    article = Article.objects.get()
    state = (
        article.state,
        list(article.mentions.values_list("pk", "count")),
        list(article.suggestions.values_list("pk", "score")),
    )

    with django_capture_on_commit_callbacks(execute=True):
        tasks.poll_feed.apply(args=[feed.pk])  # the poll delivered again
        tasks.advance_article.apply(args=[article.pk])  # and the article task too

    article.refresh_from_db()
    assert article.state == Article.State.IN_REVIEW
    assert state == (
        article.state,
        list(article.mentions.values_list("pk", "count")),
        list(article.suggestions.values_list("pk", "score")),
    )
    assert Article.objects.count() == 1
    assert site.hits["/news/rekognition"] == 1


def test_without_a_broker_it_retries_in_process_then_records_the_error(
    site, settings, eager_celery
):
    """GIVEN a page that keeps answering 502 and no broker (tasks run eagerly)
    WHEN its article is processed
    THEN it is tried once plus INGESTION_MAX_RETRIES times, then failed with the reason.
    (A real worker retrying with back-off is covered by the end-to-end test.)"""
    article, _ = article_queue(
        url=site.add("/down", b"busy", status=502, content_type="text/plain")
    )

    tasks.advance_article.apply(args=[article.pk])

    article.refresh_from_db()
    assert article.state == Article.State.FAILED
    assert "502" in article.failure_reason and "retries" in article.failure_reason
    assert site.hits["/down"] == settings.INGESTION_MAX_RETRIES + 1


def test_it_does_not_retry_a_client_error(site, eager_celery):
    article, _ = article_queue(url=site.url("/gone"))

    tasks.advance_article.apply(args=[article.pk])

    article.refresh_from_db()
    assert article.state == Article.State.FAILED
    assert "404" in article.failure_reason
    assert site.hits["/gone"] == 1


def test_it_ignores_a_task_for_a_deleted_row(eager_celery):
    assert tasks.advance_article.apply(args=[987654]).result is None
    assert tasks.poll_feed.apply(args=[987654]).result == 0


def test_the_sweeper_re_enqueues_only_stuck_articles(
    site, domain, eager_celery, django_capture_on_commit_callbacks
):
    url = site.add("/news/rekognition", page(title="Stuck", paragraphs=STORY))
    stuck, _ = article_queue(url=url)
    fresh, _ = article_queue(url=site.url("/news/fresh"))
    long_ago = timezone.now() - dt.timedelta(seconds=settings.INGESTION_STUCK_AFTER_SECONDS + 60)
    Article.objects.filter(pk=stuck.pk).update(updated_at=long_ago)

    with django_capture_on_commit_callbacks(execute=True):
        swept = tasks.sweep_stuck_articles.apply().result

    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert swept == 1
    assert stuck.state == Article.State.IN_REVIEW
    assert fresh.state == Article.State.QUEUED
    assert articles_claim_stuck() == []  # nothing left to sweep


def test_it_polls_due_feeds_once_per_claim(site, eager_celery, django_capture_on_commit_callbacks):
    feed = Feed.objects.create(
        url=site.add("/feed.xml", rss([]), content_type="application/rss+xml"),
        next_poll_at=timezone.now() - dt.timedelta(minutes=1),
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.poll_due_feeds.apply().result == 1
        assert tasks.poll_due_feeds.apply().result == 0

    assert IngestionRun.objects.filter(feed=feed).count() == 1
    assert site.hits["/feed.xml"] == 1


def test_the_schedule_and_limits_protect_against_lost_and_duplicated_work():
    from config.celery import app

    beat = {entry["task"]: entry["schedule"] for entry in app.conf.beat_schedule.values()}
    assert beat["ingestion.tasks.poll_due_feeds"] == 60.0
    assert beat["ingestion.tasks.sweep_stuck_articles"] <= 600
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    for task in (tasks.advance_article, tasks.poll_feed):
        assert task.soft_time_limit < task.time_limit < visibility
    assert tasks.advance_article.time_limit < settings.INGESTION_STUCK_AFTER_SECONDS


def test_the_commands_run_the_pipeline_without_a_broker(
    site, domain, eager_celery, capsys, django_capture_on_commit_callbacks
):
    site.add("/news/rekognition", page(title="Rekognition sold to police", paragraphs=STORY))
    feed_url = site.add(
        "/feed.xml",
        rss([{"title": "Rekognition", "link": site.url("/news/rekognition")}]),
        content_type="application/rss+xml",
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("ingest_feed", feed_url)
        call_command("ingest_url", site.url("/missing"))
    call_command("rematch")
    out = capsys.readouterr().out

    assert "1 new" in out
    assert "Failed (HTTP 404" in out
    assert "Re-matched 1 article(s)" in out
    assert Article.objects.get(url=site.url("/news/rekognition")).state == Article.State.IN_REVIEW


def test_the_sweeper_gives_up_on_an_article_that_keeps_getting_stuck(settings):
    article, _ = article_queue(url="https://news.example.test/kills-workers")
    long_ago = timezone.now() - dt.timedelta(seconds=settings.INGESTION_STUCK_AFTER_SECONDS + 60)

    claims = []
    for _ in range(settings.INGESTION_MAX_SWEEPS + 1):
        Article.objects.filter(pk=article.pk).update(updated_at=long_ago)
        claims.append(articles_claim_stuck())

    article.refresh_from_db()
    assert claims == [[article.pk]] * settings.INGESTION_MAX_SWEEPS + [[]]
    assert article.state == Article.State.FAILED
    assert "Abandoned" in article.failure_reason


def test_a_failed_article_can_be_retried_from_admin(
    site, domain, eager_celery, django_capture_on_commit_callbacks, settings
):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
    from django.contrib.auth.models import User
    from django.test import Client
    from django.urls import reverse

    article, _ = article_queue(url=site.url("/news/later"))
    tasks.advance_article.apply(args=[article.pk])
    article.refresh_from_db()
    assert article.state == Article.State.FAILED
    site.add("/news/later", page(title="Published at last", paragraphs=STORY))
    client = Client()
    client.force_login(User.objects.create_superuser("c", "c@example.test", "x"))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:ingestion_article_changelist"),
            {"action": "retry", ACTION_CHECKBOX_NAME: [article.pk]},
        )

    article.refresh_from_db()
    assert article.state == Article.State.IN_REVIEW
    assert article.failure_reason == ""


def test_submitted_urls_are_recorded_as_runs(site, domain, eager_celery, capsys):
    site.add("/a", page(title="Submitted", paragraphs=STORY))
    call_command("ingest_url", site.url("/a?utm_source=x"))
    call_command("ingest_url", site.url("/a"))

    runs = IngestionRun.objects.filter(kind=IngestionRun.Kind.SUBMIT).order_by("started_at")
    assert [(r.new_count, r.duplicate_count) for r in runs] == [(1, 0), (0, 1)]
    assert "Already known" in capsys.readouterr().out
