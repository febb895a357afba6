from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ingestion.models import Article, Feed, IngestionRun
from ingestion.pipeline import RetryLater, feed_poll, feeds_claim_due, parse_feed
from ingestion.pipeline.poll import FeedParseError
from tests.ingestion.documents import atom, rss

pytestmark = pytest.mark.django_db

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
]>
<rss version="2.0"><channel><title>&g;</title>
<item><title>Boom</title><link>http://example.test/boom</link></item>
</channel></rss>"""


def two_items(site) -> bytes:
    return rss(
        [
            {
                "title": "Rekognition sold to police",
                "link": site.url("/news/rekognition?utm_source=rss&utm_medium=feed"),
                "date": "Thu, 02 May 2024 09:30:00 GMT",
                "summary": "<p>The ACLU <b>obtained</b> documents.</p><script>alert(1)</script>",
            },
            {
                "title": "Council approves road budget",
                "link": site.url("/news/roads"),
                "date": "Fri, 03 May 2024 18:00:00 +0200",
            },
        ]
    )


def test_it_queues_one_article_per_rss_entry_with_the_feed_dates(site):
    feed = Feed.objects.create(
        url=site.add("/feed.xml", two_items(site), content_type="application/rss+xml")
    )

    run, new_ids = feed_poll(feed=feed)

    articles = {a.feed_title: a for a in Article.objects.filter(pk__in=new_ids)}
    assert set(articles) == {"Rekognition sold to police", "Council approves road budget"}
    first = articles["Rekognition sold to police"]
    assert first.state == Article.State.QUEUED
    assert first.feed == feed
    assert first.feed_published_at == dt.datetime(2024, 5, 2, 9, 30, tzinfo=dt.UTC)
    assert first.canonical_url == site.url("/news/rekognition")  # tracking params gone
    assert first.feed_summary == "The ACLU obtained documents."
    second = articles["Council approves road budget"]
    assert second.feed_published_at == dt.datetime(2024, 5, 3, 16, 0, tzinfo=dt.UTC)
    assert (run.new_count, run.duplicate_count, run.failed_count) == (2, 0, 0)
    assert run.finished_at is not None
    feed.refresh_from_db()
    assert feed.title == "Tech Ethics Wire"
    assert feed.last_status == Feed.Status.OK
    assert feed.next_poll_at > timezone.now()


def test_it_reads_atom_entries(site):
    body = atom(
        [
            {
                "title": "Shareholders vote on face surveillance",
                "link": site.url("/atom/vote"),
                "updated": "2024-05-22T14:00:00Z",
                "summary": "A vote at the annual meeting.",
            }
        ]
    )
    feed = Feed.objects.create(url=site.add("/atom.xml", body, content_type="application/atom+xml"))

    _run, new_ids = feed_poll(feed=feed)

    article = Article.objects.get(pk__in=new_ids)
    assert article.feed_title == "Shareholders vote on face surveillance"
    assert article.feed_published_at == dt.datetime(2024, 5, 22, 14, 0, tzinfo=dt.UTC)
    assert article.url == site.url("/atom/vote")


def test_it_resolves_site_relative_entry_links(site):
    body = rss([{"title": "Relative", "link": "/news/relative?utm_source=rss"}])
    feed = Feed.objects.create(url=site.add("/rel.xml", body, content_type="text/xml"))

    _run, new_ids = feed_poll(feed=feed)

    assert Article.objects.get(pk__in=new_ids).canonical_url == site.url("/news/relative")


def test_it_keeps_entries_of_a_feed_without_dates(site):
    body = rss([{"title": "Undated story", "link": site.url("/undated")}])
    feed = Feed.objects.create(url=site.add("/undated.xml", body, content_type="text/xml"))

    _run, new_ids = feed_poll(feed=feed)

    article = Article.objects.get(pk__in=new_ids)
    assert article.feed_published_at is None
    assert article.feed_title == "Undated story"


def test_it_creates_nothing_when_the_same_feed_is_polled_twice(site):
    feed = Feed.objects.create(
        url=site.add("/feed.xml", two_items(site), content_type="application/rss+xml")
    )

    feed_poll(feed=feed)
    run, new_ids = feed_poll(feed=feed)

    assert new_ids == []
    assert Article.objects.count() == 2
    assert (run.new_count, run.duplicate_count) == (0, 2)


def test_it_sends_the_etag_back_and_stops_at_not_modified(site):
    url = site.add("/etag.xml", two_items(site), content_type="application/rss+xml", etag='"v1"')
    feed = Feed.objects.create(url=url)

    feed_poll(feed=feed)
    feed.refresh_from_db()
    run, new_ids = feed_poll(feed=feed)

    feed.refresh_from_db()
    assert feed.etag == '"v1"'
    assert feed.last_status == Feed.Status.NOT_MODIFIED
    assert new_ids == [] and run.new_count == 0
    assert Article.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"  \n", "empty"),
        (
            b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Cut'
            b"</title><item><title>Half an ite",
            "not well-formed",
        ),
        (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            "<title>Caf\u00e9 news</title><item><title>Cr\u00e8me</title>"
            "<link>http://example.test/a</link></item></channel></rss>".encode("latin-1"),
            "encoding",
        ),
        (BILLION_LAUGHS, "not well-formed"),
        (b"<html><body><p>Just a web page</p></body></html>", "not"),
    ],
    ids=["empty", "truncated", "wrong-encoding", "billion-laughs", "html-page"],
)
def test_it_refuses_a_bad_feed_body_with_a_reason(body, reason):
    with pytest.raises(FeedParseError) as caught:
        parse_feed(body, content_type="application/xml")
    assert reason in str(caught.value)


def test_it_refuses_to_parse_anything_but_bytes():
    with pytest.raises(TypeError):
        parse_feed("http://example.test/feed.xml")  # never a URL


def test_it_records_a_failed_feed_and_backs_off(site):
    url = site.add(
        "/broken.xml",
        b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>x',
        content_type="application/rss+xml",
    )
    feed = Feed.objects.create(url=url, poll_interval=dt.timedelta(minutes=10))

    run, new_ids = feed_poll(feed=feed)
    feed.refresh_from_db()
    first_delay = feed.next_poll_at - feed.last_polled_at
    feed_poll(feed=feed)
    feed.refresh_from_db()
    second_delay = feed.next_poll_at - feed.last_polled_at

    assert new_ids == [] and Article.objects.count() == 0
    assert feed.last_status == Feed.Status.FAILED
    assert "not well-formed" in feed.last_error
    assert feed.consecutive_failures == 2
    assert run.failed_count == 1 and "not well-formed" in run.error
    assert dt.timedelta(minutes=10) < first_delay < second_delay


def test_it_records_a_404_feed_without_retrying(site):
    feed = Feed.objects.create(url=site.url("/missing.xml"))

    feed_poll(feed=feed, final_attempt=False)  # a 404 is not worth a retry

    feed.refresh_from_db()
    assert feed.last_status == Feed.Status.FAILED
    assert "404" in feed.last_error
    assert site.hits["/missing.xml"] == 1


def test_it_asks_for_a_retry_on_a_server_error_until_the_last_attempt(site):
    url = site.add("/flaky.xml", b"oops", status=503, content_type="text/plain")
    feed = Feed.objects.create(url=url)

    with pytest.raises(RetryLater):
        feed_poll(feed=feed, final_attempt=False)
    feed.refresh_from_db()
    assert feed.consecutive_failures == 0

    feed_poll(feed=feed, final_attempt=True)
    feed.refresh_from_db()
    assert feed.last_status == Feed.Status.FAILED
    assert "503" in feed.last_error and "retries" in feed.last_error
    assert IngestionRun.objects.filter(feed=feed).count() == 2


def test_it_claims_each_due_feed_once():
    now = timezone.now()
    due = Feed.objects.create(url="http://example.test/due.xml", next_poll_at=now)
    Feed.objects.create(
        url="http://example.test/later.xml", next_poll_at=now + dt.timedelta(hours=1)
    )
    Feed.objects.create(url="http://example.test/off.xml", next_poll_at=now, active=False)

    first = feeds_claim_due(now=now)
    second = feeds_claim_due(now=now)

    assert first == [due.pk]
    assert second == []


def test_it_skips_entries_whose_links_cannot_be_stored(site):
    body = rss(
        [
            {"title": "Long", "link": site.url("/long?q=" + "x" * 2100)},
            {"title": "Script", "link": "javascript:alert(1)"},
            {"title": "File", "link": "file:///etc/passwd"},
            {"title": "Short", "link": site.url("/short")},
        ]
    )
    feed = Feed.objects.create(url=site.add("/long.xml", body, content_type="application/rss+xml"))

    run, new_ids = feed_poll(feed=feed)

    assert [a.feed_title for a in Article.objects.all()] == ["Short"]
    assert (run.new_count, run.failed_count) == (1, 3)


@pytest.mark.parametrize("content_type", ["text/xml", "text/plain", "application/rss+xml"])
def test_it_reads_a_utf8_feed_served_without_a_charset(content_type):
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Caf\u00e9 t\u00e9l\u00e9</title>'
        "<item><title>Cr\u00e8me</title><link>http://example.test/a</link></item>"
        "</channel></rss>"
    ).encode()

    parsed = parse_feed(body, content_type=content_type)

    assert parsed.title == "Caf\u00e9 t\u00e9l\u00e9"
    assert [e.title for e in parsed.entries] == ["Cr\u00e8me"]


def test_it_refuses_a_feed_whose_http_charset_contradicts_its_bytes():
    body = rss([{"title": "Cr\u00e8me br\u00fbl\u00e9e", "link": "http://example.test/a"}])

    with pytest.raises(FeedParseError) as caught:
        parse_feed(body.decode().encode("latin-1"), content_type="text/xml", charset="utf-8")

    assert "declares the encoding 'utf-8'" in str(caught.value)
