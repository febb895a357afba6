from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model

from controversies.models import EventActor
from tests import factories as f
from tests.scenarios import add_event

pytestmark = pytest.mark.django_db

URL = "/controversies/amazon-rekognition/"


def event_titles(html: str) -> list[str]:
    return re.findall(r'<li class="event" id="event-\d+">.*?<h4>([^<]+)</h4>', html, re.S)


def test_it_shows_each_event_with_its_summary(client, world):
    html = client.get(URL).content.decode()
    assert html.count('class="event"') == 7
    assert "The ACLU&#x27;s test falsely matched 28 members of Congress with arrest photos." in html
    assert "Both proposals failed at the annual meeting; the ban won about 2.4%." in html


def test_it_groups_the_timeline_by_year_in_date_order(client, world):
    html = client.get(URL).content.decode()
    timeline = html[html.index('id="timeline"') :]
    years = re.findall(r'<h3 class="year">(\d{4})</h3>', timeline)
    assert years == ["2018", "2019", "2020", "2021"]
    assert event_titles(html)[:3] == [
        "ACLU reveals Rekognition marketed to police",
        "Employees ask Amazon to stop selling to police",
        "Test matches 28 members of Congress to mugshots",
    ]


def test_it_shows_dates_only_as_precisely_as_known(client, world):
    html = client.get(URL).content.decode()
    assert '<time datetime="2018-05-22">22 May 2018</time>' in html
    assert '<time datetime="2018-06">June 2018</time>' in html
    assert '<time datetime="2020-04">Q2 2020</time>' in html
    assert '<time datetime="2021">2021</time>' in html


def test_it_shows_kinds_actors_and_numbered_sources(client, world):
    html = client.get(URL).content.decode()
    first = html[html.index('class="event"') : html.index("</li>", html.index("<blockquote>"))]
    assert "Report" in first
    assert "American Civil Liberties Union" in first
    assert "(author or publisher)" in first
    assert '<li value="1">' in first
    assert 'ACLU, <span class="source-date">22 May 2018</span>' in first
    assert "<blockquote>Amazon is marketing Rekognition to police.</blockquote>" in first


def test_it_draws_an_overview_of_the_whole_timeline(client, world):
    html = client.get(URL).content.decode()
    start = html.index('class="chart-svg overview-chart"')
    svg = html[start : html.index("</svg>", start)]
    assert svg.count('class="marker ') == 7
    assert "Overview: 7 events from 22 May 2018 to 2021" in svg
    assert "<title>June 2018: Employees ask Amazon to stop selling to police</title>" in svg


def test_it_filters_the_timeline_by_kind(client, world):
    html = client.get(URL + "?kind=policy_change").content.decode()
    assert event_titles(html) == [
        "Amazon pauses police use of Rekognition",
        "Moratorium extended until further notice",
    ]
    assert "(2 of 7 events)" in html
    # The overview keeps the whole timeline.
    assert html.count('class="marker ') == 7


def test_it_filters_the_timeline_by_actor(client, world):
    html = client.get(URL + "?actor=aclu").content.decode()
    assert event_titles(html) == [
        "ACLU reveals Rekognition marketed to police",
        "Test matches 28 members of Congress to mugshots",
        "Coalition of 85 groups writes to Amazon, Microsoft and Google",
    ]
    html = client.get(URL + "?actor=aclu&kind=open_letter").content.decode()
    assert event_titles(html) == ["Coalition of 85 groups writes to Amazon, Microsoft and Google"]


def test_it_offers_only_kinds_and_actors_present(client, world):
    html = client.get(URL).content.decode()
    kinds = html[
        html.index('id="timeline-kind"') : html.index("</select>", html.index('id="timeline-kind"'))
    ]
    assert '<option value="open_letter">Open letter</option>' in kinds
    assert "legal_action" not in kinds
    actors = html[html.index('id="timeline-actor"') :]
    actors = actors[: actors.index("</select>")]
    assert '<option value="open-mic">Open MIC</option>' in actors
    assert "eff" not in actors


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("kind=earthquake", "Ignored the unknown event kind “earthquake”."),
        ("actor=nobody", "Ignored the unknown actor “nobody”."),
        ("kind=" + "x" * 500, "Ignored the unknown event kind “" + "x" * 40 + "”."),
    ],
)
def test_it_ignores_unknown_timeline_filters(client, world, query, message):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert html.count('class="event"') == 7


def test_it_renders_only_the_timeline_for_htmx(client, world):
    response = client.get(URL + "?kind=research", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="timeline"')
    assert "<html" not in html
    assert event_titles(html) == ["Test matches 28 members of Congress to mugshots"]
    assert "HX-Request" in response["Vary"]
    restore = client.get(
        URL + "?kind=research",
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert restore.content.decode().startswith("<!doctype html>")


def test_it_shows_votes_under_both_conventions_or_as_reported(client, world):
    html = client.get(URL).content.decode()
    start = html.index('id="resolutions-heading"')
    table = html[start : html.index("</table>", start)]
    # Item 6: only a reported percentage.
    assert "Item 6: Ban sales of facial recognition to government" in table
    assert "2.4%</span> <small>reported</small>" in table
    assert "Sisters of St. Joseph of Brentwood" in table
    assert "organised by Open MIC" in table
    # Item 7: counts 275 for, 700 against, 25 abstain.
    assert "28.21%</span> <small>of votes for and against</small>" in table
    assert "27.5%</span> <small>counting abstentions as against</small>" in table
    assert table.count("Failed") == 2


def test_it_lists_companies_products_topics_campaigns_and_coalitions(client, world):
    html = client.get(URL).content.decode()
    involved = html[
        html.index('aria-label="Involved"') : html.index(
            "</section>", html.index('aria-label="Involved"')
        )
    ]
    assert "Amazon" in involved
    assert "Rekognition" in involved
    assert '<a href="/controversies/?topic=policing">Policing</a>' in involved
    assert "Stop selling Rekognition to government" in html
    assert "Face surveillance coalition" in html


def test_it_shows_when_it_was_last_updated(client, world):
    html = client.get(URL).content.decode()
    assert re.search(r"last updated <time datetime=\"\d{4}-\d\d-\d\dT", html)


@pytest.mark.urls("tests.controversies.urls_with_admin")
def test_it_links_staff_to_the_edit_history(client, world):
    history = f"/admin/controversies/controversy/{world.rekognition.pk}/history/"
    assert history not in client.get(URL).content.decode()
    staff = get_user_model().objects.create_user("curator", password="pw", is_staff=True)
    client.force_login(staff)
    assert f'<a href="{history}">Edit history (staff)</a>' in client.get(URL).content.decode()


def test_it_gives_a_friendly_404_for_an_unknown_slug(client, world):
    response = client.get("/controversies/no-such-case/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We could not find that page" in html
    assert "Traceback" not in html


def test_it_gives_a_404_for_a_malformed_slug(client, world):
    assert client.get("/controversies/bad%20slug!/").status_code == 404


def test_it_escapes_curated_text(client, world):
    world.rekognition.title = "<script>alert(1)</script>"
    world.rekognition.save()
    html = client.get(URL).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_it_has_no_inline_script_or_style(client, world):
    html = client.get(URL).content.decode()
    assert "style=" not in html
    assert "<style" not in html
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag


@pytest.mark.urls("tests.controversies.urls_with_admin")
@pytest.mark.parametrize("staff", [False, True])
def test_it_runs_a_fixed_number_of_queries(client, world, django_assert_max_num_queries, staff):
    orgs = [f.AdvocacyGroupFactory() for _ in range(10)]
    for n in range(60):
        event = add_event(
            controversy=world.rekognition,
            occurred_on=dt.date(2018, 1, 1) + dt.timedelta(days=20 * n),
            kind="protest" if n % 2 else "report",
        )
        for org in orgs[n % 7 : n % 7 + 3]:
            f.EventActorFactory(event=event, organization=org, role=EventActor.Role.SIGNATORY)
        for _ in range(2):
            f.EventSourceFactory(event=event, quote="A supporting passage.")
    for _ in range(5):
        f.CampaignFactory(controversies=[world.rekognition], organisers=orgs[:2])
        f.ShareholderResolutionFactory(controversy=world.rekognition)
    if staff:
        client.force_login(get_user_model().objects.create_user("s", is_staff=True))
    for query, headers in (
        ("", {}),
        ("?kind=protest", {}),
        ("?actor=" + orgs[3].slug, {"HX-Request": "true"}),
    ):
        # One of them reads the other controversies a shared event is also on; two list
        # the documents the whole timeline cites, and one who acted in every event.
        with django_assert_max_num_queries(16):
            response = client.get(URL + query, headers=headers)
        assert response.status_code == 200
    assert response.content.decode().count('class="event"') > 10


def test_it_says_when_a_voted_resolution_has_no_result_yet(client, world):
    meeting = f.ShareholderMeetingFactory(company=world.amazon, held_on=dt.date(2021, 5, 26))
    f.ShareholderResolutionFactory(
        meeting=meeting,
        item_number="",
        title="Independent audit of government use",
        status="voted",
        controversy=world.rekognition,
    )
    html = client.get(URL).content.decode()
    start = html.index('id="resolutions-heading"')
    table = html[start : html.index("</table>", start)]
    assert "Item :" not in table
    assert "Independent audit of government use" in table
    assert "No result recorded yet" in table
