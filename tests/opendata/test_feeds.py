from __future__ import annotations

import datetime as dt

import feedparser
import pytest
from django.conf import settings
from django.utils import timezone

from controversies.models import ShareholderResolution, VoteResult

pytestmark = pytest.mark.django_db


def _parse(client, url: str) -> feedparser.FeedParserDict:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.author == settings.SITE_NAME
    assert feed.feed.updated
    return feed


def _titles(feed) -> list[str]:
    return [entry.title for entry in feed.entries]


def test_it_lists_the_latest_events_site_wide_newest_first(client, world):
    feed = _parse(client, "/feeds/events/")
    assert _titles(feed) == [
        "Amazon Rekognition sold to police: Test misidentifies 28 members of Congress",
        "Project Maven: Google will not renew Maven",
        "Amazon Rekognition sold to police: ACLU reveals sales to police",
        "Old chatbot: Launch",
    ]


def test_it_gives_each_entry_a_title_date_summary_link_and_sources(client, world):
    feed = _parse(client, "/feeds/events/")
    entry = feed.entries[0]
    event = world.rekognition.events.get(title__startswith="Test misidentifies")
    assert entry.published.startswith("2018-07-26")
    assert entry.summary_detail.type == "text/html"
    assert entry.summary.startswith(
        "<p>26 July 2018. The ACLU&#x27;s test matched lawmakers to mugshots.</p>"
    )
    assert '<a href="https://www.aclu.org/letter">ACLU letter to Amazon</a>' in entry.summary
    link = f"http://testserver/controversies/amazon-rekognition/?event={event.pk}#event-{event.pk}"
    assert entry.link == link
    # The entry's id is the address it had before links named the event in the query.
    assert entry.id == link.replace(f"?event={event.pk}", "")
    related = [link for link in entry.links if link.rel == "related"]
    assert [(link.href, link.title) for link in related] == [
        ("https://www.aclu.org/blog/rekognition-test", "28 members of Congress"),
        ("https://www.aclu.org/letter", "ACLU letter to Amazon"),
    ]
    assert entry.tags[0].term == "Research finding"


def test_it_has_a_feed_per_controversy(client, world):
    feed = _parse(client, "/feeds/controversies/project-maven/")
    assert feed.feed.title.endswith("Project Maven")
    assert _titles(feed) == ["Project Maven: Google will not renew Maven"]


def test_it_has_a_feed_per_company(client, world):
    feed = _parse(client, "/feeds/companies/amazon/")
    assert len(feed.entries) == 2
    assert all(t.startswith("Amazon Rekognition") for t in _titles(feed))


def test_it_refuses_a_company_feed_for_an_advocacy_group(client, world):
    assert client.get("/feeds/companies/aclu/").status_code == 404


def test_it_has_a_feed_per_organisation_of_its_events(client, world):
    feed = _parse(client, "/feeds/organizations/aclu/")
    assert len(feed.entries) == 2
    assert feed.feed.title.endswith("ACLU")


def test_it_has_a_feed_for_a_filtered_list(client, world):
    feed = _parse(client, "/feeds/controversies/?status=resolved")
    assert _titles(feed) == ["Project Maven: Google will not renew Maven"]
    self_link = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_link == ["http://testserver/feeds/controversies/?status=resolved"]


def test_it_combines_filters_in_the_filtered_feed(client, world):
    feed = _parse(client, "/feeds/controversies/?topic=facial-recognition&year_from=2018")
    assert len(feed.entries) == 2
    feed = _parse(client, "/feeds/controversies/?year_to=2017")
    assert _titles(feed) == ["Old chatbot: Launch"]


def test_it_refuses_unknown_and_malformed_filters_in_feeds(client, world):
    # A feed of every controversy under a filter's name would be a silent wrong answer.
    response = client.get("/feeds/controversies/?status=bogus&year_from=abc&company=nobody&x=1")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    message = response.content.decode()
    assert 'Unknown company "nobody".' in message
    assert 'Invalid year_from "abc"' in message
    assert 'Invalid status "bogus"' in message


def test_it_answers_404_for_an_unknown_controversy_feed(client, world):
    assert client.get("/feeds/controversies/nope/").status_code == 404


def test_it_escapes_markup_in_entries(client, world):
    event = world.maven.events.get()
    event.summary = '<script>alert("x")</script> & more'
    event.save()
    response = client.get("/feeds/controversies/project-maven/")
    assert b"<script>" not in response.content
    entry = feedparser.parse(response.content).entries[0]
    assert "&lt;script&gt;" in entry.summary


def test_a_resolution_entry_is_updated_when_its_vote_is_corrected(client, world):
    """GIVEN a voted resolution untouched since 2020, WHEN its vote is corrected, THEN
    its entry in the resolutions feed (and the feed) shows today as updated."""
    resolution = ShareholderResolution.objects.get(slug="amazon-2019-rekognition")
    long_ago = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    ShareholderResolution.objects.update(updated_at=long_ago)
    VoteResult.history.model.objects.update(history_date=long_ago)

    def updated() -> dt.datetime:
        feed = _parse(client, "/feeds/resolutions/?company=amazon")
        (entry,) = [e for e in feed.entries if e.title.endswith(resolution.title)]
        return dt.datetime(*entry.updated_parsed[:6], tzinfo=dt.UTC)

    assert updated() == long_ago
    corrected_at = timezone.now().replace(microsecond=0)
    vote = resolution.vote
    vote.reported_support_pct = 12
    vote.save()
    assert updated() >= corrected_at
