"""The top of a case page answers what happened, to whom and where it stands."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from controversies import glance
from tests import factories as f
from tests.rekognition import build_case
from tests.scenarios import add_event

pytestmark = pytest.mark.django_db

URL = "/controversies/amazon-rekognition/"


def page(client, url: str = URL) -> lxml.html.HtmlElement:
    response = client.get(url)
    assert response.status_code == 200
    return lxml.html.fromstring(response.content)


def text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def fact(doc: lxml.html.HtmlElement, name: str) -> str:
    """The text of one row of the glance box, by its class (glance-status, ...)."""
    rows = doc.xpath(f"//section[@class='glance']//div[@class='glance-{name}']/dd")
    return text(rows[0]) if rows else ""


def jump_links(doc: lxml.html.HtmlElement) -> dict[str, str]:
    nav = doc.xpath("//section[@class='glance']//nav[@aria-label='On this page']")[0]
    return {text(a): a.get("href") for a in nav.xpath(".//a")}


def test_it_comes_before_the_timeline(client, world):
    html = client.get(URL).content.decode()
    assert html.index('class="glance"') < html.index('id="timeline"')


def test_it_shows_the_status_the_latest_development_and_the_votes(client, world):
    doc = page(client)
    assert fact(doc, "status") == "Resolved · last development 2021"
    latest = doc.xpath("//div[@class='glance-latest']//a")[0]
    assert text(latest) == "2021: Moratorium extended until further notice"
    event_id = latest.get("href").rsplit("#", 1)[1]
    assert latest.get("href") == f"{URL}#{event_id}"
    assert doc.xpath(f"//li[@id='{event_id}']//h4")[0].text == (
        "Moratorium extended until further notice"
    )
    votes = fact(doc, "votes")
    assert (
        "2019: Ban sales of facial recognition to government: 2.4% support (as reported), "
        "did not pass" in votes
    )
    # From counts: 275 for, 700 against, 25 abstaining; abstentions count as against.
    assert "2019: Independent study of Rekognition: 27.5% support, did not pass" in votes
    vote_link = doc.xpath("//div[@class='glance-votes']//li/a")[0]
    assert vote_link.get("href") == "/resolutions/amazon-2019-rekognition-ban/"


def test_it_shows_the_coalition_size_and_who_is_involved(client, world):
    doc = page(client)
    assert fact(doc, "coalitions") == "Face surveillance coalition: 2 members"
    involved = doc.xpath("//section[@class='glance']//*[@aria-label='Involved']")[0]
    links = {text(a): a.get("href") for a in involved.xpath(".//a")}
    assert links["Amazon"] == "/organizations/amazon/"
    assert links["Rekognition"] == "/products/rekognition/"


def test_its_jump_links_lead_to_sections_of_the_page(client, world):
    doc = page(client)
    links = jump_links(doc)
    assert list(links) == ["Timeline", "Votes", "Campaigns", "Coalition", "Sources", "Cite"]
    for href in links.values():
        assert href.startswith("#")
        assert doc.xpath(f"//*[@id='{href[1:]}']"), href
    assert "Shareholder resolutions" in text(doc.xpath("//*[@id='votes']")[0])
    assert "Stop selling Rekognition to government" in text(doc.xpath("//*[@id='campaigns']")[0])


def test_it_counts_campaign_demands_met_and_pending(client, db):
    build_case()
    doc = page(client)
    # "Stop selling to police" reached "met"; "Stop pitching to ICE" was only made.
    assert fact(doc, "demands") == "1 of 2 met · 1 pending"
    campaigns = text(doc.xpath("//*[@id='campaigns']")[0])
    assert "1 of 2 demands met" in campaigns
    # 2.4% as reported; the study's counts give 275 / (275 + 725 + 100) = 25%.
    votes = fact(doc, "votes")
    assert "2.4% support (as reported)" in votes
    assert "Independent study of Rekognition: 25% support" in votes
    assert fact(doc, "coalitions") == "Face surveillance coalition: 2 members"


def test_a_broken_demand_is_neither_met_nor_pending(client, db):
    case = build_case()
    ice = case.campaign.demands.get(position=2)
    f.DemandStatusFactory(demand=ice, status="broken", on=dt.date(2019, 1, 1))
    assert fact(page(client), "demands") == "1 of 2 met · 0 pending · 1 broken"


def test_an_ongoing_case_says_since_when(client, world):
    url = "/controversies/microsoft-face-api/"
    world.face_id.started_on = dt.date(2019, 1, 15)
    world.face_id.save()
    assert fact(page(client, url), "status") == "Ongoing since January 2019"
    # No start date recorded: the first event dates it.
    world.face_id.started_on = None
    world.face_id.save()
    assert fact(page(client, url), "status") == "Ongoing since June 2020"


def test_a_dormant_case_says_since_when_nothing_happened(client, world):
    doc = page(client, "/controversies/chatbot-falsehoods/")
    assert fact(doc, "status") == "Dormant · nothing new since 2 November 2023"


def test_a_case_without_votes_or_campaigns_shows_no_empty_sections_or_links(client, world):
    html = client.get("/controversies/chatbot-falsehoods/").content.decode()
    doc = lxml.html.fromstring(html)
    assert list(jump_links(doc)) == ["Timeline", "Cite"]
    for absent in ('id="votes"', 'id="campaigns"', 'id="coalitions"', 'id="sources"'):
        assert absent not in html
    for row in ("votes", "coalitions", "demands"):
        assert fact(doc, row) == ""
    assert "Shareholder votes" not in html
    assert "Campaign demands" not in html


def test_a_case_without_events_says_only_where_it_stands(client, db):
    f.ControversyFactory(slug="quiet", status="ongoing", started_on=dt.date(2024, 3, 5))
    doc = page(client, "/controversies/quiet/")
    assert fact(doc, "status") == "Ongoing since March 2024"
    assert fact(doc, "latest") == ""
    assert list(jump_links(doc)) == ["Cite"]


def test_it_lists_each_source_once(client, world):
    shared = f.SourceFactory(url="https://example.org/shared-report", title="Shared report")
    for day in (1, 2):
        event = add_event(controversy=world.rekognition, occurred_on=dt.date(2022, 1, day))
        f.EventSourceFactory(event=event, source=shared, position=1)
    doc = page(client)
    listed = [a.get("href") for a in doc.xpath("//*[@id='sources']//ol/li/a[1]")]
    assert listed.count("https://example.org/shared-report") == 1
    assert "https://www.aclu.org/rekognition-police" in listed
    assert text(doc.xpath("//*[@id='sources']/p")[0]).startswith(
        f"{len(listed)} documents cited on this timeline."
    )


def test_a_long_source_list_is_cut_with_a_pointer_to_the_download(client, world, monkeypatch):
    monkeypatch.setattr(glance, "SOURCES_SHOWN", 1)
    event = add_event(controversy=world.rekognition, occurred_on=dt.date(2022, 1, 1))
    f.EventSourceFactory(event=event, position=1)
    doc = page(client)
    sources = doc.xpath("//*[@id='sources']")[0]
    assert len(sources.xpath(".//ol/li")) == 1
    assert "2 documents cited on this timeline; the first 1 are listed here." in text(sources)
    assert sources.xpath(".//a[@href='/exports/controversies/amazon-rekognition/timeline.csv']")


def test_it_shows_at_most_three_votes_and_points_to_the_rest(client, world):
    for year in (2020, 2021):
        meeting = f.ShareholderMeetingFactory(company=world.amazon, held_on=dt.date(year, 5, 20))
        resolution = f.ShareholderResolutionFactory(
            meeting=meeting, title=f"Report {year}", controversy=world.rekognition
        )
        f.VoteResultFactory(
            resolution=resolution,
            votes_for=10,
            votes_against=90,
            abstentions=0,
            broker_non_votes=None,
            shares_outstanding=None,
        )
    f.ShareholderResolutionFactory(controversy=world.rekognition, status="on_ballot")
    doc = page(client)
    votes = fact(doc, "votes")
    assert "2021: Report 2021: 10% support" in votes
    assert "Ban sales of facial recognition" not in votes  # the oldest, one click away
    assert "1 earlier vote; 1 resolution without a recorded result" in votes


def test_its_numbers_cost_no_query_that_grows_with_the_data(client, world):
    with CaptureQueriesContext(connection) as before:
        client.get(URL)
    campaign = world.rekognition.campaigns.get()
    for n in range(5):
        demand = f.DemandFactory(campaign=campaign, text=f"Demand {n}", position=n + 2)
        f.DemandStatusFactory(demand=demand, status="met" if n % 2 else "made")
    coalition = f.CoalitionFactory(name="Second coalition")
    coalition.actions.add(world.rekognition.events.first())
    for _ in range(4):
        f.CoalitionMembershipFactory(coalition=coalition)
    f.CampaignFactory(controversies=[world.rekognition])
    with CaptureQueriesContext(connection) as after:
        doc = page(client)
    assert len(after.captured_queries) == len(before.captured_queries)
    assert fact(doc, "demands") == "2 of 5 met · 3 pending"
    assert "Second coalition: 4 members" in fact(doc, "coalitions")
