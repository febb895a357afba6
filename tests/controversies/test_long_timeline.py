"""A long timeline is shown a year (or a page of a year) at a time, with plain links to
every year; a link to one event opens the part that holds it (issue 18)."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from controversies.timeline_pages import PAGE_SIZE, WHOLE_TIMELINE
from tests import factories as f
from tests.scenarios import add_event

pytestmark = pytest.mark.django_db

URL = "/controversies/amazon-rekognition/"
IN_2019 = PAGE_SIZE + 6  # two pages


@pytest.fixture
def long_case(world):
    """The Rekognition case (7 events, 2018-2021) with IN_2019 more events in 2019 and
    ten in 2022, each with a source: longer than WHOLE_TIMELINE."""
    case = world.rekognition
    for n in range(IN_2019):
        event = add_event(
            controversy=case,
            occurred_on=dt.date(2019, 1, 2) + dt.timedelta(days=9 * n),
            title=f"Development {n} of 2019",
        )
        f.EventSourceFactory(event=event, position=1)
    for n in range(10):
        add_event(
            controversy=case,
            occurred_on=dt.date(2022, 1, 3) + dt.timedelta(days=20 * n),
            title=f"Development {n} of 2022",
        )
    assert case.events.count() > WHOLE_TIMELINE
    return case


def page(client, url: str = URL, **headers: str) -> lxml.html.HtmlElement:
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return lxml.html.fromstring(response.content)


def text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def shown(doc: lxml.html.HtmlElement) -> list[str]:
    return [text(h) for h in doc.xpath("//li[@class='event']/h4")]


def years_shown(doc: lxml.html.HtmlElement) -> list[str]:
    return [text(h) for h in doc.xpath("//section[@id='timeline']//h3[@class='year']")]


def year_links(doc: lxml.html.HtmlElement) -> dict[str, lxml.html.HtmlElement]:
    links = doc.xpath(
        "//nav[@aria-label='Timeline by year']//ul[contains(@class,'timeline-years')]//a"
    )
    return {text(a).split()[0]: a for a in links}


def follow(client, link: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The page a plain link leads to, as a browser without JavaScript asks for it."""
    return page(client, link.get("href").split("#")[0])


def test_a_long_timeline_opens_on_its_latest_year_with_every_year_counted(client, long_case):
    doc = page(client)
    assert years_shown(doc) == ["2022"]
    assert len(shown(doc)) == 10
    links = year_links(doc)
    assert list(links) == ["2018", "2019", "2020", "2021", "2022"]
    assert text(links["2022"]) == "2022 (10 events)"
    assert links["2022"].get("aria-current") == "page"
    # The heading still counts the whole case.
    assert f"({long_case.events.count()} events)" in text(
        doc.xpath("//h2[@id='timeline-heading']")[0]
    )


def test_a_short_timeline_is_shown_whole_without_the_year_navigation(client, world):
    doc = page(client)
    assert years_shown(doc) == ["2018", "2019", "2020", "2021"]
    assert len(shown(doc)) == 7
    assert not doc.xpath("//nav[contains(@class,'timeline-nav')]")
    # Every dot of the overview is a link to its event on this page, as before.
    marks = doc.xpath("//figure[@id='overview']//*[local-name()='a']")
    assert len(marks) == 7
    assert all(a.get("href").startswith(URL + "#event-") for a in marks)


def test_year_and_page_links_work_without_javascript(client, long_case):
    doc = follow(client, year_links(page(client))["2019"])
    assert years_shown(doc) == ["2019"]
    first = shown(doc)
    pages = doc.xpath("//ul[contains(@class,'timeline-pages')]//a")
    assert [text(a) for a in pages] == ["Page 1", "Page 2"]
    second = shown(follow(client, pages[1]))
    in_2019 = set(long_case.events.filter(occurred_on__year=2019).values_list("title", flat=True))
    assert set(first) | set(second) == in_2019
    assert not set(first) & set(second)
    assert len(first) <= PAGE_SIZE and len(second) <= PAGE_SIZE
    # At the end of a part, the parts before and after it.
    later = doc.xpath("//nav[@aria-label='Earlier and later events']//a[@rel='next']")[0]
    assert text(later).startswith("Later: 2019, page 2")


def test_a_link_to_an_event_opens_the_part_that_holds_it(client, long_case):
    event = long_case.events.get(title=f"Development {IN_2019 - 1} of 2019")  # page 2
    url = event.url_on(long_case)
    assert url == f"{URL}?event={event.pk}#event-{event.pk}"
    doc = page(client, url.split("#")[0])
    assert doc.xpath(f"//li[@id='event-{event.pk}']")
    assert years_shown(doc) == ["2019"]
    # Its dot in the overview is a link to it on this part.
    assert doc.xpath(
        f"//figure[@id='overview']//*[local-name()='a'][contains(@href,'#event-{event.pk}')]"
    )


def test_the_latest_development_links_to_its_part(client, long_case):
    doc = page(client)
    latest = doc.xpath("//div[@class='glance-latest']//a")[0].get("href")
    assert "?event=" in latest
    target = page(client, latest.split("#")[0])
    assert target.xpath(f"//li[@id='{latest.split('#')[1]}']")


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ("?year=abc", "This timeline has no events in “abc”."),
        ("?year=1900", "This timeline has no events in “1900”."),
        ("?year=2019&page=7", "Ignored the page “7”: 2019 has pages 1 to 2."),
        ("?page=-1", "Ignored the page “-1”: 2022 has one page."),
        ("?page=99999999999999999999", "Ignored the page “99999999999999999999”"),
        ("?event=nope", "The event “nope” is not on this timeline as shown."),
    ],
)
def test_a_part_that_does_not_exist_gives_a_notice(client, long_case, query, notice):
    doc = page(client, URL + query)
    notices = [text(p) for p in doc.xpath("//p[@class='notice']")]
    assert any(n.startswith(notice) for n in notices), notices
    assert shown(doc)


def test_an_event_of_another_case_gives_a_notice(client, long_case, world):
    other = add_event(controversy=world.chatbot, occurred_on=dt.date(2020, 1, 1))
    doc = page(client, f"{URL}?event={other.pk}")
    assert "is not on this timeline" in text(doc.xpath("//p[@class='notice']")[0])
    assert years_shown(doc) == ["2022"]


def test_htmx_swaps_in_the_year_and_puts_its_address_in_the_history(client, long_case):
    response = client.get(URL + "?year=2019&page=2", headers={"HX-Request": "true"})
    assert response["HX-Push-Url"] == URL + "?year=2019&page=2"
    doc = lxml.html.fromstring(f"<div>{response.content.decode()}</div>")
    assert years_shown(doc) == ["2019"]
    assert not doc.xpath("//header")  # a fragment, not the page
    # The overview comes along, out of band: its links follow the part shown.
    assert doc.xpath("//figure[@id='overview'][@hx-swap-oob='true']")


def test_a_filter_keeps_the_year_navigation_to_the_filtered_events(client, long_case, world):
    doc = page(client, URL + "?kind=report")
    for link in year_links(doc).values():
        assert "kind=report" in link.get("href")


def _queries(client, url: str, **headers: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, headers=headers).status_code == 200
    return len(captured.captured_queries)


def test_the_page_costs_the_same_queries_short_or_long(client, world):
    short = [_queries(client, URL), _queries(client, URL, **{"HX-Request": "true"})]
    for n in range(3 * WHOLE_TIMELINE):
        event = add_event(
            controversy=world.rekognition,
            occurred_on=dt.date(2010, 1, 1) + dt.timedelta(days=30 * n),
        )
        f.EventSourceFactory(event=event, position=1)
        f.EventActorFactory(event=event, organization=world.aclu)
    event_id = world.rekognition.events.order_by("occurred_on").first().pk
    long = [_queries(client, URL), _queries(client, URL, **{"HX-Request": "true"})]
    assert long == short
    assert _queries(client, f"{URL}?event={event_id}") == short[0]
