"""Hostile input: every malformed feed, page and URL ends final, with a reason, and
nothing raises out of a task (which on a worker would be a crashed delivery)."""

from __future__ import annotations

import contextlib
import ipaddress
import itertools
import socket

import pytest
import redis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from controversies.canonical import InvalidURL, canonicalize_url
from ingestion import pipeline, tasks
from ingestion.fetching import FetchError, fetch_page, ratelimit
from ingestion.models import INTERMEDIATE_STATES, Article, ArticleState, Feed, IngestionRun
from ingestion.pipeline.extract import ExtractionError, extract_page
from ingestion.pipeline.poll import FeedParseError, parse_feed
from tests.reliability.hostile import feed_items, hostile_urls, page_items

pytestmark = [pytest.mark.timeout(300)]


@pytest.fixture
def no_outside_dns(monkeypatch):
    """Names other than localhost do not resolve, as on a machine with no DNS: no test
    here waits on a resolver or reaches the internet."""
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host or "")
        with contextlib.suppress(ValueError):
            ipaddress.ip_address(name.strip("[]").split("%")[0])
            return real(host, *args, **kwargs)
        if name in ("localhost", "localhost."):
            return real(host, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture
def hostile_settings(settings, news_site, no_outside_dns):
    settings.INGESTION_ALLOWED_HOSTS = [news_site.host_port]
    settings.INGESTION_CONNECT_TIMEOUT = 1
    settings.INGESTION_READ_TIMEOUT = 0.5
    settings.INGESTION_TOTAL_TIMEOUT = 2
    settings.INGESTION_PER_HOST_RATE = 100_000
    settings.INGESTION_PER_HOST_BURST = 100_000
    ratelimit._local_bucket.clear()
    if settings.REDIS_URL:
        with contextlib.suppress(redis.RedisError):
            for key in ratelimit._redis_client(settings.REDIS_URL).scan_iter(
                ratelimit.KEY_PREFIX + "*"
            ):
                ratelimit._redis_client(settings.REDIS_URL).delete(key)
    return settings


@pytest.fixture
def eager_tasks():
    """Tasks run in this process, through their Celery wrappers, as without a broker."""
    from config.celery import app

    before = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    app.conf.update(task_always_eager=before[0], task_eager_propagates=before[1])


def _final_with_reason(article: Article) -> str | None:
    """What is wrong with where the article ended, or None."""
    if article.state in INTERMEDIATE_STATES:
        return f"stuck in {article.state}"
    if article.state == ArticleState.FAILED and not article.failure_reason.strip():
        return "failed without a reason"
    if article.state == ArticleState.DUPLICATE and not article.duplicate_reason.strip():
        return "duplicate without a reason"
    return None


@pytest.mark.django_db(transaction=True)
def test_it_ends_every_hostile_feed_final_with_a_reason(hostile_settings, news_site, eager_tasks):
    """GIVEN 40 feeds that are truncated, entity bombs, binary, mis-encoded, redirected
    inside the network, stalled, endless, or full of hostile links and markup
    WHEN each is polled through the poll task (and its entries through the article task)
    THEN no task raises; each feed is recorded as polled or failed with the reason, its
    run is finished, and every article its entries made ends final with a reason."""
    items = feed_items()
    assert len(items) >= 35
    feeds = []
    for i, item in enumerate(items):
        path = f"/hostile/feed-{i}.xml"
        item.setup(news_site, path)
        feeds.append((item.name, Feed.objects.create(url=news_site.url(path))))

    problems = []
    for name, feed in feeds:
        try:
            tasks.poll_feed.apply(args=[feed.pk], throw=True)
        except Exception as exc:  # a crash is what this test looks for
            problems.append((name, f"the poll task raised {exc!r}"))
            continue
        feed.refresh_from_db()
        if feed.last_status == Feed.Status.NEW:
            problems.append((name, "never recorded as polled"))
        if feed.last_status == Feed.Status.FAILED and not feed.last_error.strip():
            problems.append((name, "failed without a reason"))
        if IngestionRun.objects.filter(feed=feed, finished_at__isnull=True).exists():
            problems.append((name, "a run was left unfinished"))
        for article in feed.articles.all():
            if wrong := _final_with_reason(article):
                problems.append((name, f"{article.url[:80]}: {wrong}"))
    assert not problems, "\n".join(map(str, problems))
    failed = Feed.objects.filter(last_status=Feed.Status.FAILED).count()
    assert failed >= 25, "most of this corpus must be refused, not silently accepted"


@pytest.mark.django_db(transaction=True)
def test_it_ends_every_hostile_page_final_with_a_reason(hostile_settings, news_site, eager_tasks):
    """GIVEN 44 article pages that are empty, binary, not HTML, nested 100,000 deep,
    mis-encoded, bombs, too big, stalled, broken mid-answer, or redirected inside
    WHEN each is submitted and run through the article task
    THEN no task raises and each article ends final; every failed one says why."""
    items = page_items()
    assert len(items) >= 40
    problems = []
    for i, item in enumerate(items):
        path = f"/hostile/page-{i}"
        item.setup(news_site, path)
        article, _ = pipeline.article_submit(url=news_site.url(path))
        try:
            tasks.advance_article.apply(args=[article.pk], throw=True)
        except Exception as exc:  # a crash is what this test looks for
            problems.append((item.name, f"the task raised {exc!r}"))
            continue
        article.refresh_from_db()
        if wrong := _final_with_reason(article):
            problems.append((item.name, wrong))
    assert not problems, "\n".join(map(str, problems))
    assert Article.objects.filter(state=ArticleState.FAILED).count() >= 35


@pytest.mark.django_db(transaction=True)
def test_it_refuses_or_fails_every_hostile_url_with_a_reason(hostile_settings, eager_tasks):
    """GIVEN 44 URLs a curator might paste: other schemes, private and disguised
    addresses, credentials, control characters, absurd lengths
    WHEN each is submitted
    THEN it is refused at once with the reason (recorded on a finished run), or queued
    and then failed by the article task with the reason; none is fetched from inside."""
    urls = hostile_urls()
    assert len(urls) >= 40
    problems = []
    for url in urls:
        try:
            article, _ = pipeline.article_submit(url=url)
        except InvalidURL as exc:
            run = IngestionRun.objects.filter(kind=IngestionRun.Kind.SUBMIT).latest("pk")
            if not str(exc) or not run.error or run.finished_at is None:
                problems.append((url[:60], "refused without a recorded reason"))
            continue
        tasks.advance_article.apply(args=[article.pk], throw=True)
        article.refresh_from_db()
        if article.state != ArticleState.FAILED or not article.failure_reason:
            problems.append((url[:60], f"ended {article.state} {article.failure_reason!r}"))
    assert not problems, "\n".join(map(str, problems))


# --- Property-based: whatever bytes arrive, the parsers answer or refuse with a reason ---

XMLISH = st.lists(
    st.sampled_from(
        [
            "<rss>",
            "</rss>",
            '<rss version="2.0">',
            "<channel>",
            "</channel>",
            "<item>",
            "</item>",
            "<title>",
            "</title>",
            "<link>",
            "</link>",
            "<entry>",
            "</entry>",
            '<feed xmlns="http://www.w3.org/2005/Atom">',
            "</feed>",
            "<![CDATA[",
            "]]>",
            "&amp;",
            "&lt;",
            "&#0;",
            "&#xD800;",
            "&undefined;",
            "<?xml version='1.0'?>",
            '<?xml version="1.0" encoding="klingon"?>',
            "<!DOCTYPE x [<!ENTITY e 'e'>]>",
            "http://127.0.0.1/a",
            "javascript:alert(1)",
            "<script>",
            "\x00",
            "\ufeff",
        ]
    )
    | st.text(max_size=20),
    max_size=60,
).map("".join)

HTMLISH = st.lists(
    st.sampled_from(
        [
            "<html>",
            "</html>",
            "<head>",
            "<body>",
            "<p>",
            "</p>",
            "<article>",
            "</article>",
            "<div>",
            "</div>",
            "<script>",
            "</script>",
            "<style>",
            "<title>",
            "</title>",
            '<meta charset="utf-16">',
            '<meta charset="nonsense">',
            '<link rel="canonical" href="',
            '<script type="application/ld+json">',
            '{"@type": "NewsArticle", "datePublished": "',
            '"}',
            "<!--",
            "-->",
            "&nbsp;",
            "&#0;",
            "<![CDATA[",
            "\x00",
            "\ufeff",
            "<svg onload=",
        ]
    )
    | st.text(max_size=40)
    | st.just(" ".join(["words"] * 40)),
    max_size=80,
).map("".join)

ENCODINGS = st.sampled_from(["utf-8", "utf-16", "latin-1", "utf-32"])


def _encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


@hypothesis_settings(max_examples=150, deadline=None)
@given(body=st.one_of(st.binary(max_size=3000), st.builds(_encode, XMLISH, ENCODINGS)))
def test_it_parses_or_refuses_any_feed_body(body):
    try:
        parsed = parse_feed(body, content_type="application/rss+xml")
    except FeedParseError as exc:
        assert str(exc)
    else:
        assert all(entry.link for entry in parsed.entries)


@hypothesis_settings(max_examples=80, deadline=None)
@given(
    body=st.one_of(st.binary(max_size=3000), st.builds(_encode, HTMLISH, ENCODINGS)),
    charset=st.none() | st.sampled_from(["utf-8", "latin-1", "utf-16", "bogus-charset", ""]),
)
def test_it_extracts_or_refuses_any_page_body(body, charset):
    try:
        extracted = extract_page(
            body, url="http://127.0.0.1/page", content_type="text/html", charset=charset
        )
    except ExtractionError as exc:
        assert str(exc)
    else:
        assert extracted.text.strip()


URLISH = st.one_of(
    st.text(max_size=100),
    st.builds(
        lambda scheme, host, port, path: f"{scheme}{host}{port}{path}",
        st.sampled_from(["http://", "https://", "HTTP://", "ftp://", "", "//", "http:/"]),
        st.one_of(
            st.ip_addresses().map(lambda a: f"[{a}]" if a.version == 6 else str(a)),
            st.text(max_size=30),
            st.sampled_from(["localhost", "127.1", "0x7f.1", "example.org", ""]),
        ),
        st.one_of(st.just(""), st.integers(-5, 70000).map(lambda p: f":{p}"), st.text(max_size=5)),
        st.text(max_size=40),
    ),
)


@hypothesis_settings(max_examples=300, deadline=None)
@given(url=URLISH)
def test_it_canonicalizes_or_refuses_any_url(url):
    try:
        canonical = canonicalize_url(url)
    except InvalidURL as exc:
        assert str(exc)
    else:
        assert canonical.startswith(("http://", "https://"))


@hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(url=URLISH)
def test_it_fetches_or_refuses_any_url_without_reaching_inside(hostile_settings, url):
    """Whatever the URL, the safe fetcher answers or raises FetchError with a reason; the
    only loopback server it may reach is the allowed test site, which is never asked."""
    try:
        fetch_page(url)
    except FetchError as exc:
        assert exc.reason
    else:
        pytest.fail(f"fetched {url!r}")


_page_numbers = itertools.count()


@pytest.mark.django_db(transaction=True)
@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    body=st.one_of(st.binary(max_size=2000), st.builds(_encode, HTMLISH, ENCODINGS)),
    status=st.sampled_from([200, 200, 200, 203, 301, 400, 404, 500, 502, 503]),
    content_type=st.sampled_from(
        [
            "text/html",
            "text/html; charset=utf-8",
            "text/html; charset=bogus",
            "text/plain",
            "application/xhtml+xml",
            "",
            "image/png",
        ]
    ),
)
def test_it_ends_any_served_page_final_with_a_reason(
    hostile_settings, news_site, eager_tasks, body, status, content_type
):
    """Random bodies under random statuses and content types, served for real and run
    through the article task: it never raises, and the article ends final with a reason."""
    path = f"/fuzz/{next(_page_numbers)}"
    news_site.reply(path, body, status=status, content_type=content_type or None)
    article, _ = pipeline.article_submit(url=news_site.url(path))
    tasks.advance_article.apply(args=[article.pk], throw=True)
    article.refresh_from_db()
    assert _final_with_reason(article) is None, (article.state, article.failure_reason)
