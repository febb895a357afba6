"""The Rekognition case page: a dated timeline with actors and numbered sources."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import lxml.html
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from controversies import services
from controversies.demo import CASE_SLUG
from controversies.models import Controversy, Organization

pytestmark = [
    pytest.mark.django_db,
    # WhiteNoise notes the missing collectstatic directory; irrelevant to these pages.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]
CASE_URL = reverse("controversies:controversy", args=[CASE_SLUG])


@pytest.fixture
def demo() -> None:
    call_command("load_demo", stdout=StringIO())


@pytest.fixture
def case_page(demo, client) -> lxml.html.HtmlElement:
    response = client.get(CASE_URL)
    assert response.status_code == 200
    return lxml.html.fromstring(response.content)


def text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def events_by_year(page: lxml.html.HtmlElement) -> dict[str, list[lxml.html.HtmlElement]]:
    """Each year heading with the events listed under it."""
    years = {}
    for heading in page.xpath("//section//h3[@class='year']"):
        timeline = heading.getnext()
        years[text(heading)] = timeline.xpath("./li[@class='event']")
    return years


def test_it_groups_the_timeline_by_year_in_order(case_page):
    years = events_by_year(case_page)
    assert list(years) == ["2018", "2019", "2020", "2021"]
    assert sum(len(events) for events in years.values()) >= 15
    for year, events in years.items():
        for event in events:
            assert text(event.xpath(".//time")[0]).endswith(year)


def test_it_shows_each_date_only_as_precisely_as_it_is_known(case_page):
    dates = [text(t) for t in case_page.xpath("//li[@class='event']//time")]
    assert dates[:4] == ["22 May 2018", "22 May 2018", "June 2018", "18 June 2018"]
    assert "11 April 2019" in dates
    assert "1 June 2018" not in dates
    datetimes = case_page.xpath("//li[@class='event']//time/@datetime")
    assert datetimes == sorted(datetimes)


def test_it_shows_each_events_actors_and_numbered_source_links(case_page):
    events = case_page.xpath("//li[@class='event']")
    for event in events:
        links = event.xpath(".//ol[@class='sources']/li")
        assert links, text(event)
        assert [li.get("value") for li in links] == [str(n) for n in range(1, len(links) + 1)]
        assert all(li.xpath("./a/@href")[0].startswith("http") for li in links)
    vote = next(e for e in events if "reject both Rekognition proposals" in text(e))
    assert len(vote.xpath(".//ol[@class='sources']/li")) == 4
    assert "about 2.4%" in text(vote) and "about 27.5%" in text(vote)
    first = text(events[0].xpath(".//p[@class='actors']")[0])
    assert "American Civil Liberties Union (author or publisher)" in first
    assert "Amazon (target)" in first


def test_it_tells_the_story_a_reader_comes_for(case_page):
    body = text(case_page)
    assert "28 members of Congress" in body
    assert "Amazon Rekognition sales to police and government" in body
    assert "Rekognition" in text(case_page.xpath("//header")[-1])


def _add_events(controversy: Controversy, count: int) -> None:
    amazon = Organization.objects.get(slug="amazon")
    for n in range(count):
        source, _ = services.source_get_or_create(url=f"https://example.org/extra/{n}")
        services.event_create(
            controversy=controversy,
            occurred_on=dt.date(2022, 1, 1) + dt.timedelta(days=n),
            title=f"Extra event {n}",
            actors=[(amazon, "actor")],
            sources=[source],
        )


def test_it_runs_a_fixed_number_of_queries_whatever_the_number_of_events(
    demo, client, django_assert_max_num_queries
):
    # The page's budget (issue 4): at most 12, whatever the rows. It now also shows the
    # campaigns, coalitions and resolutions, one query each; the list of sources reads
    # two, and who acted in every event one (issue 18: sources only for events shown).
    with django_assert_max_num_queries(14):
        client.get(CASE_URL)
    with CaptureQueriesContext(connection) as before:
        client.get(CASE_URL)

    _add_events(Controversy.objects.get(slug=CASE_SLUG), 10)

    with CaptureQueriesContext(connection) as after:
        response = client.get(CASE_URL)
    assert response.content.count(b'class="event"') >= 26
    assert len(after.captured_queries) == len(before.captured_queries)
