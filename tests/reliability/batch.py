"""A batch of distinct news articles served on loopback behind one feed, and the checks
that nothing in it was lost, duplicated or left half-done."""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count

from ingestion.models import INTERMEDIATE_STATES, Article, ArticleState, Feed, Mention, Suggestion
from tests.ingestion.documents import page, rss
from tests.ingestion.localserver import LocalServer, RequestHandler
from tests.reliability.processes import Process, base_env

# Plain words; each article draws its own sentences from them, so no two texts are near
# copies of each other and every article is kept as an original.
_VOCABULARY = """
    audit board camera city civil council court data department engineer face federal
    group harbour independent journal judge lawmaker letter market model network office officer
    panel police policy privacy product program public record regulator report research review
    rights river school science senator service software standard state statement study system
    teacher technology test tool union vendor village vote worker archive budget contract
    county draft evidence hearing inquiry license mayor memo ministry notice permit petition
    province quarter register ruling sector subpoena summit survey tender treaty tribunal warrant
    witness
"""
WORDS = _VOCABULARY.split()


def article_text(seed: int) -> list[str]:
    rng = random.Random(seed)
    paragraphs = []
    for _ in range(4):
        sentences = []
        for _ in range(4):
            words = rng.choices(WORDS, k=rng.randint(9, 14))
            sentences.append(" ".join(words).capitalize() + ".")
        paragraphs.append(" ".join(sentences))
    return paragraphs


def _slow_page(body: bytes, delay: float):
    def handler(request: RequestHandler) -> None:
        time.sleep(delay)
        request.send_response(200)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    return handler


@dataclass
class Batch:
    feed: Feed
    urls: list[str]
    server: LocalServer

    def articles(self):
        return Article.objects.filter(feed=self.feed)

    def states(self) -> Counter:
        return Counter(self.articles().values_list("state", flat=True))

    def settled(self) -> bool:
        return self.articles().count() == len(self.urls) and not self.articles().filter(
            state__in=INTERMEDIATE_STATES
        )

    def final_count(self) -> int:
        return self.articles().exclude(state__in=INTERMEDIATE_STATES).count()


def serve_batch(server: LocalServer, *, size: int, delay: float, slow_every: int = 5) -> Batch:
    """``size`` article pages behind one RSS feed; every page takes ``delay`` seconds and
    every ``slow_every``-th one four times as long, so tasks are in flight at any moment."""
    urls = []
    for i in range(size):
        path = f"/news/{i:04d}-story"
        body = page(title=f"Story number {i}", paragraphs=article_text(i))
        wait = delay * 4 if i % slow_every == 0 else delay
        server.routes[path] = _slow_page(body, wait)
        urls.append(server.url(path))
    items = [{"title": f"Story number {i}", "link": url} for i, url in enumerate(urls)]
    server.reply("/feed.xml", rss(items), content_type="application/rss+xml")
    feed = Feed.objects.create(url=server.url("/feed.xml"))
    return Batch(feed=feed, urls=urls, server=server)


def wait_settled(batch: Batch, *, timeout: float, processes: list[Process]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if batch.settled():
            return
        time.sleep(0.5)
    logs = "\n".join(f"--- {p.name}\n{p.output(3000)}" for p in processes)
    raise AssertionError(
        f"the batch did not settle in {timeout:.0f} s: {dict(batch.states())} "
        f"of {len(batch.urls)}\n{logs}"
    )


def assert_batch_complete(batch: Batch) -> None:
    """Every article exactly once, every one reviewed-ready, nothing doubled."""
    articles = list(batch.articles())
    assert len(articles) == len(batch.urls)
    assert sorted(a.url for a in articles) == sorted(batch.urls)
    assert len({a.canonical_url for a in articles}) == len(batch.urls)
    stuck = [a for a in articles if a.state in INTERMEDIATE_STATES]
    assert stuck == []
    unexplained = [a for a in articles if a.state == ArticleState.FAILED and not a.failure_reason]
    assert unexplained == []
    # The pages are distinct and served correctly, so each must reach the review queue:
    # a failed or duplicate article here would be work lost to the fault.
    assert Counter(a.state for a in articles) == {ArticleState.IN_REVIEW: len(batch.urls)}
    assert all(a.text for a in articles)
    doubled_mentions = (
        Mention.objects.filter(article__feed=batch.feed)
        .values("article", "organization", "product")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert list(doubled_mentions) == []
    doubled_suggestions = (
        Suggestion.objects.filter(article__feed=batch.feed)
        .values("article", "controversy")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert list(doubled_suggestions) == []


def recovery_env(news_site: LocalServer) -> dict[str, str]:
    """Production's recovery settings compressed from minutes into seconds: a task is cut
    off after 10 s, an unacknowledged one is handed out again after 15 s, and the sweeper
    re-enqueues an article untouched for 20 s."""
    return base_env(
        INGESTION_ALLOWED_HOSTS=news_site.host_port,
        INGESTION_TASK_SOFT_TIME_LIMIT="8",
        INGESTION_TASK_TIME_LIMIT="10",
        CELERY_VISIBILITY_TIMEOUT="15",
        INGESTION_STUCK_AFTER_SECONDS="20",
        # A sweep of a long backlog counts against every article still waiting in the
        # queue; in seconds-long thresholds a 200-article backlog would exhaust the
        # production limit of 3 without any fault (see RELIABILITY.md, "Known limits").
        INGESTION_MAX_SWEEPS="20",
        INGESTION_CONNECT_TIMEOUT="3",
        INGESTION_READ_TIMEOUT="5",
        INGESTION_TOTAL_TIMEOUT="7",
    )
