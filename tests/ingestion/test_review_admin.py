"""The curators' review queue in admin, and the entry points next to it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from controversies.models import Event, Source
from controversies.services import event_create
from ingestion.models import Article, Feed
from ingestion.pipeline import article_advance
from tests.ingestion.documents import OTHER_STORY, STORY, rss

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:ingestion_reviewitem_changelist")


@pytest.fixture
def curator(db) -> User:
    return User.objects.create_superuser("curator", "curator@example.test", "pw-not-used")


@pytest.fixture
def admin_client(curator) -> Client:
    client = Client()
    client.force_login(curator)
    return client


def in_review(
    domain,
    *,
    n: int = 1,
    title: str = "Amazon sold Rekognition to police",
    text: str = "\n\n".join(STORY),
    published_on=dt.date(2024, 5, 2),
) -> Article:
    article = Article.objects.create(
        state=Article.State.EXTRACTED,
        url=f"https://news.example.test/{n}?utm_source=x",
        link_canonical=f"https://news.example.test/{n}",
        canonical_url=f"https://news.example.test/{n}",
        title=title,
        site_name="Example News",
        author="Dana Reporter",
        published_on=published_on,
        text=text,
        content_hash=f"{n:064d}",
    )
    article_advance(article=article)
    return article


def test_it_lists_articles_by_relevance_then_date_with_their_context(admin_client, domain):
    older = in_review(
        domain, n=1, title="Older Rekognition story", published_on=dt.date(2024, 1, 1)
    )
    newer = in_review(
        domain, n=2, title="Newer Rekognition story", published_on=dt.date(2024, 6, 1)
    )
    low = in_review(domain, n=3, title="Road budget", text="\n\n".join(OTHER_STORY))
    copy = Article.objects.create(
        state=Article.State.DUPLICATE,
        url="https://wire.example.test/c",
        link_canonical="https://wire.example.test/c",
        canonical_url="https://wire.example.test/c",
        site_name="Wire Service",
        duplicate_of=newer,
        duplicate_reason="Near-copy as article",
    )

    response = admin_client.get(QUEUE)

    html = response.content.decode()
    assert response.status_code == 200
    positions = [html.index(a.title) for a in (newer, older, low)]
    assert positions == sorted(positions)
    assert "Example News" in html
    assert "Amazon Rekognition ×3" in html
    assert "Amazon Rekognition sold to police" in html  # the suggested controversy
    assert "Mentions Amazon Rekognition (product)" in html  # with its reasons
    assert "Wire Service" in html and copy.duplicate_reason in html


def test_it_escapes_what_it_shows(admin_client, domain):
    in_review(domain, title='<script>alert("x")</script> Rekognition')

    html = admin_client.get(QUEUE).content.decode()

    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


def test_the_queue_needs_the_same_queries_for_more_articles(admin_client, domain):
    for n in range(2):
        in_review(domain, n=n)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(QUEUE)
    for n in range(2, 8):
        in_review(domain, n=n)
    with CaptureQueriesContext(connection) as many:
        admin_client.get(QUEUE)

    assert len(many) == len(few)


def test_accepting_as_a_new_event_puts_a_cited_event_on_the_timeline(admin_client, curator, domain):
    article = in_review(domain)
    data = {"action": "accept_new_event", ACTION_CHECKBOX_NAME: [article.pk]}

    form_page = admin_client.post(QUEUE, data)

    html = form_page.content.decode()
    assert form_page.status_code == 200
    assert "csrfmiddlewaretoken" in html
    assert 'value="Amazon sold Rekognition to police"' in html  # title pre-filled
    assert 'value="2024-05-02"' in html  # date pre-filled
    assert f'<option value="{domain.controversy.pk}" selected>' in html

    response = admin_client.post(
        QUEUE,
        {
            **data,
            "apply": "1",
            "controversy": domain.controversy.pk,
            "occurred_on": "2024-05-02",
            "precision": "day",
            "kind": "report",
            "title": "Reporters show Rekognition sales to police",
            "summary": "",
        },
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.state == Article.State.ACCEPTED
    assert article.reviewed_by == curator
    event = Event.objects.get(title="Reporters show Rekognition sales to police")
    assert list(event.controversies.all()) == [domain.controversy]
    assert article.accepted_event == event
    source = event.sources.get()
    assert source.canonical_url == "https://news.example.test/1"
    assert (source.publisher, source.author) == ("Example News", "Dana Reporter")
    timeline = Client().get(domain.controversy.get_absolute_url()).content.decode()
    assert "Reporters show Rekognition sales to police" in timeline
    assert 'href="https://news.example.test/1?utm_source=x"' not in timeline
    assert "https://news.example.test/1" in timeline


def test_it_refuses_an_action_post_without_the_csrf_token(curator, domain):
    article = in_review(domain)
    client = Client(enforce_csrf_checks=True)
    client.force_login(curator)

    response = client.post(QUEUE, {"action": "reject", ACTION_CHECKBOX_NAME: [article.pk]})

    assert response.status_code == 403
    article.refresh_from_db()
    assert article.state == Article.State.IN_REVIEW


def test_accepting_as_a_source_of_an_existing_event(admin_client, domain):
    article = in_review(domain)
    event = event_create(
        controversy=domain.controversy, occurred_on=dt.date(2018, 5, 22), title="ACLU report"
    )
    data = {"action": "accept_existing_event", ACTION_CHECKBOX_NAME: [article.pk]}
    assert "ACLU report" in admin_client.post(QUEUE, data).content.decode()

    admin_client.post(QUEUE, {**data, "apply": "1", "event": event.pk, "quote": "28 members"})

    article.refresh_from_db()
    assert article.state == Article.State.ACCEPTED
    citation = event.citations.get()
    assert citation.source.canonical_url == article.canonical_url
    assert citation.quote == "28 members"


def test_rejecting_and_marking_duplicates(admin_client, domain):
    rejected = in_review(domain, n=1)
    copy = in_review(domain, n=2)
    original = in_review(domain, n=3)

    admin_client.post(QUEUE, {"action": "reject", ACTION_CHECKBOX_NAME: [rejected.pk]})
    admin_client.post(
        QUEUE,
        {
            "action": "mark_duplicate",
            ACTION_CHECKBOX_NAME: [copy.pk],
            "apply": "1",
            "original": original.pk,
        },
    )

    rejected.refresh_from_db()
    copy.refresh_from_db()
    assert rejected.state == Article.State.REJECTED
    assert copy.state == Article.State.DUPLICATE and copy.duplicate_of == original
    assert Source.objects.count() == 0
    listed = admin_client.get(QUEUE).content.decode()
    assert original.title in listed
    assert f"/admin/ingestion/article/{rejected.pk}/" not in listed


def test_an_article_already_decided_is_not_accepted_twice(admin_client, domain):
    article = in_review(domain)
    admin_client.post(QUEUE, {"action": "reject", ACTION_CHECKBOX_NAME: [article.pk]})

    response = admin_client.post(
        QUEUE,
        {
            "action": "accept_new_event",
            ACTION_CHECKBOX_NAME: [article.pk],
            "apply": "1",
            "controversy": domain.controversy.pk,
            "occurred_on": "2024-05-02",
            "precision": "day",
            "kind": "report",
            "title": "Should not exist",
        },
    )

    assert response.status_code in (200, 302)
    assert not Event.objects.filter(title="Should not exist").exists()


def test_it_queues_a_submitted_url(admin_client):
    url = reverse("admin:ingestion_article_submit")
    assert (
        "Submit a URL"
        in admin_client.get(reverse("admin:ingestion_article_changelist")).content.decode()
    )

    bad = admin_client.post(url, {"url": "javascript:alert(1)"})
    response = admin_client.post(url, {"url": "https://news.example.test/a?utm_source=x#top"})

    assert bad.status_code == 200 and "Enter a valid URL" in bad.content.decode()
    article = Article.objects.get()
    assert response.status_code == 302
    assert article.state == Article.State.QUEUED
    assert article.canonical_url == "https://news.example.test/a"


def test_poll_now_polls_the_chosen_feed(
    admin_client, site, eager_celery, django_capture_on_commit_callbacks
):
    feed = Feed.objects.create(
        url=site.add(
            "/feed.xml",
            rss([{"title": "One", "link": site.url("/one")}]),
            content_type="application/rss+xml",
        ),
    )

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:ingestion_feed_changelist"),
            {"action": "poll_now", ACTION_CHECKBOX_NAME: [feed.pk]},
        )

    feed.refresh_from_db()
    assert feed.last_status == Feed.Status.OK
    assert Article.objects.filter(feed=feed).count() == 1


def test_adding_a_feed_in_admin_polls_it(
    admin_client, site, eager_celery, django_capture_on_commit_callbacks
):
    url = site.add(
        "/new.xml",
        rss([{"title": "First entry", "link": site.url("/first")}]),
        content_type="application/rss+xml",
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:ingestion_feed_add"),
            {"url": url, "title": "", "active": "on", "poll_interval": "00:30:00"},
        )

    assert response.status_code == 302
    feed = Feed.objects.get(url=url)
    assert feed.title == "Tech Ethics Wire"  # taken from the feed on its first poll
    assert Article.objects.get(feed=feed).feed_title == "First entry"


def test_submitting_a_url_needs_the_change_permission(db):
    from django.contrib.auth.models import Permission

    viewer = User.objects.create_user("viewer", "v@example.test", "x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    client = Client()
    client.force_login(viewer)

    response = client.post(
        reverse("admin:ingestion_article_submit"), {"url": "https://news.example.test/a"}
    )

    assert response.status_code == 403
    assert not Article.objects.exists()


def test_a_curator_can_work_the_review_queue(domain):
    from django.contrib.auth.models import Group

    curator = User.objects.create_user("cur", "cur@example.test", "x", is_staff=True)
    curator.groups.add(Group.objects.get(name="Curator"))
    client = Client()
    client.force_login(curator)
    article = in_review(domain)

    listed = client.get(QUEUE)
    client.post(QUEUE, {"action": "reject", ACTION_CHECKBOX_NAME: [article.pk]})
    feed_form = client.get(reverse("admin:ingestion_feed_add"))

    assert listed.status_code == 200 and article.title in listed.content.decode()
    article.refresh_from_db()
    assert article.state == Article.State.REJECTED
    assert feed_form.status_code == 200
