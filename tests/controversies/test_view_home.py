from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from controversies.models import ShareholderResolution
from tests import factories as f
from tests.scenarios import add_event

pytestmark = pytest.mark.django_db


def test_it_shows_headline_counts(client, world):
    page = client.get("/").content.decode()
    counts = re.search(r'aria-label="The record so far">(.*?)</ul>', page, re.S).group(1)
    assert "<strong>3</strong> controversies" in counts
    assert "<strong>9</strong> dated events" in counts
    assert "<strong>2</strong> shareholder resolutions" in counts


def test_it_lists_the_latest_events_newest_first(client, world):
    page = client.get("/").content.decode()
    latest = page[page.index("Latest events") : page.index("Most active")]
    assert latest.index("Researchers catalogue wrong election answers") < latest.index(
        "Moratorium extended until further notice"
    )
    assert "/controversies/chatbot-falsehoods/?event=" in latest


def test_it_ranks_the_most_active_controversies(client, world):
    # GIVEN the newest event is in Nov 2023, "the year to" ends there: only the chatbot
    # case had an event in that window.
    page = client.get("/").content.decode()
    active = page[page.index("Most active") : page.index("Events per month")]
    assert "Chatbot spreads election falsehoods" in active
    assert "Amazon Rekognition sold to police" not in active

    # WHEN the Rekognition case gets two newer events it leads the list.
    for day in (1, 2):
        add_event(controversy=world.rekognition, occurred_on=dt.date(2023, 12, day))
    active = client.get("/").content.decode()
    active = active[active.index("Most active") : active.index("Events per month")]
    assert active.index("Amazon Rekognition sold to police") < active.index("Chatbot spreads")
    assert "2 events in the year to Dec 2023" in active


def test_it_draws_one_bar_per_month_with_events(client, world):
    page = client.get("/").content.decode()
    start = page.index('class="chart-svg bars"')
    chart = page[start : page.index("</svg>", start)]
    # The 48 months to Nov 2023 start in Dec 2019: the 2020, 2021 and 2023 events are
    # inside, the 2018 and 2019 ones are not.
    assert chart.count('class="bar"') == 4
    assert "<title>April 2020: 1</title>" in chart
    assert "<title>June 2020: 1</title>" in chart
    assert "<title>January 2021: 1</title>" in chart
    assert "<title>November 2023: 1</title>" in chart
    assert "May 2018" not in chart


def test_it_lists_upcoming_meetings_with_resolutions_on_the_ballot(client, world):
    today = timezone.localdate()
    upcoming = f.ShareholderMeetingFactory(
        company=world.amazon, held_on=today + dt.timedelta(days=30)
    )
    f.ShareholderResolutionFactory(
        meeting=upcoming,
        title="Report on AI risks to human rights",
        status=ShareholderResolution.Status.ON_BALLOT,
        controversy=world.rekognition,
    )
    f.ShareholderResolutionFactory(
        meeting=upcoming, title="Withdrawn ask", status=ShareholderResolution.Status.WITHDRAWN
    )
    bare = f.ShareholderMeetingFactory(held_on=today + dt.timedelta(days=40))
    f.ShareholderResolutionFactory(meeting=bare, title="Only filed", status="filed")

    page = client.get("/").content.decode()
    meetings = page[page.index("Upcoming shareholder meetings") : page.index("Recent shareholder")]
    assert "Report on AI risks to human rights" in meetings
    assert "Withdrawn ask" not in meetings
    assert "Only filed" not in meetings
    assert "Amazon Rekognition sold to police" in meetings


def test_it_says_so_when_no_meeting_is_upcoming(client, world):
    page = client.get("/").content.decode()
    assert "No upcoming meeting has an AI-related resolution on the ballot yet." in page


def test_it_shows_recent_votes_with_their_support(client, world):
    page = client.get("/").content.decode()
    votes = page[page.index("Recent shareholder votes") :]
    assert "Ban sales of facial recognition to government" in votes
    assert "2.4%" in votes
    # Counts known: the headline figure counts abstentions as votes against.
    assert "27.5%" in votes


def test_it_renders_an_empty_site(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "Nothing recorded yet." in response.content.decode()


def test_it_has_no_inline_script_or_style(client, world):
    page = client.get("/").content.decode()
    assert "style=" not in page
    assert "<style" not in page
    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag


def test_it_marks_home_as_the_current_page_in_the_nav(client, world):
    page = client.get("/").content.decode()
    nav = page[page.index('aria-label="Main"') : page.index("</nav>")]
    assert re.search(r'<a href="/" aria-current="page">Home</a>', nav)
    for label in ("Controversies", "Resolutions", "Search"):
        assert f">{label}</a>" in nav


def test_it_runs_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    today = timezone.localdate()
    for n in range(30):
        controversy = f.ControversyFactory(companies=[f.CompanyFactory()])
        for day in (1, 2, 3):
            add_event(controversy=controversy, occurred_on=dt.date(2023, 1 + n % 12, day))
        meeting = f.ShareholderMeetingFactory(held_on=today + dt.timedelta(days=n + 1))
        for _ in range(2):
            resolution = f.ShareholderResolutionFactory(meeting=meeting, status="on_ballot")
        f.VoteResultFactory(resolution=resolution, reported_support_pct=Decimal("10"))
    # One query of those reads the controversies each latest event is on.
    with django_assert_max_num_queries(13):
        response = client.get("/")
    assert response.status_code == 200
    # The counts, the chart and the ranking are cached: only the lists are read again.
    with django_assert_max_num_queries(7):
        assert client.get("/").content == response.content


def test_it_shows_a_friendly_page_when_something_breaks(client, world, monkeypatch):
    # GIVEN a failure deep inside a page (here: the counts query raises)
    def broken() -> dict:
        raise RuntimeError("database went away")

    monkeypatch.setattr("controversies.selectors.headline_counts", broken)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "database went away" not in html
    assert "Traceback" not in html


@pytest.mark.parametrize("url", ["/", "/controversies/", "/controversies/amazon-rekognition/"])
def test_it_answers_head_and_refuses_post(client, world, url):
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405
