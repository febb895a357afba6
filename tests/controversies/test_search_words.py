"""The words a reader types mean the same on the controversy list's text box and on /search/:
every word must be found, each may be found in a different place (title, summary, topic,
product, or the name or alias of a company targeted or an organisation that acted).

Each test runs twice on PostgreSQL: with full text, and with the fallback the SQLite demo
uses (the setting that picks it is switched off; its lookups run on any database). On
SQLite only the fallback runs.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from controversies.models import Event, EventActor
from tests import factories as f
from tests.rekognition import build_case
from tests.scenarios import add_event

pytestmark = pytest.mark.django_db

SEARCH = reverse("controversies:search")
LIST = reverse("controversies:controversy_list")
REKOGNITION = "/controversies/amazon-rekognition/"


@pytest.fixture(params=["full_text", "fallback"])
def backend(request, settings) -> str:
    if request.param == "full_text" and not settings.IS_POSTGRES:
        pytest.skip("full-text search needs PostgreSQL")
    if request.param == "fallback":
        settings.IS_POSTGRES = False
    return request.param


@pytest.fixture
def cases(db):
    """The Rekognition case, a case where EPIC (known by its alias) acted, and a case
    nobody acted in whose text shares no word with the others."""
    case = build_case()
    epic = f.AdvocacyGroupFactory(
        name="Electronic Privacy Information Center",
        slug="epic",
        aliases="EPIC",
        description="A research centre in Washington.",
    )
    complaint = f.ControversyFactory(
        title="Complaint over exam proctoring software",
        slug="proctoring",
        summary="Students said the software flagged them unfairly.",
    )
    event = add_event(controversy=complaint, occurred_on=dt.date(2020, 12, 9))
    f.EventActorFactory(event=event, organization=epic, role=EventActor.Role.AUTHOR)
    f.ControversyFactory(
        title="Chatbot invents court cases", slug="chatbot", summary="Lawyers were fined."
    )
    return case


def on_search(client, query: str) -> list[str]:
    groups = client.get(SEARCH, {"q": query}).context["results"].groups
    return [hit.url for g in groups if g.key == "controversies" for hit in g.hits]


def text_of(response) -> str:
    """The page's text, without tags (highlighted words are wrapped in <mark>)."""
    return re.sub(r"<[^>]+>", "", response.content.decode())


def on_list(client, query: str) -> list[str]:
    html = client.get(LIST, {"q": query}).content.decode()
    return re.findall(r'<h3><a href="(/controversies/[^"]+/)">', html)


def test_three_everyday_words_find_the_rekognition_case_on_both_pages(client, cases, backend):
    # "facial recognition" is its topic, "police" is in its title: no field holds all three.
    assert on_search(client, "facial recognition police") == [REKOGNITION]
    assert on_list(client, "facial recognition police") == [REKOGNITION]
    assert "Amazon Rekognition sold to police" in text_of(
        client.get(SEARCH, {"q": "facial recognition police"})
    )


def test_an_alias_finds_the_cases_where_that_organisation_acted(client, cases, backend):
    assert on_search(client, "EPIC") == ["/controversies/proctoring/"]
    assert on_list(client, "epic") == ["/controversies/proctoring/"]
    # The ACLU (alias "ACLU") acted in the Rekognition case; no text of the case names it.
    assert on_search(client, "ACLU") == [REKOGNITION]
    assert on_list(client, "aclu") == [REKOGNITION]
    # Its name works too, but not its description.
    assert on_list(client, "privacy information") == ["/controversies/proctoring/"]
    assert on_list(client, "Washington") == []


def test_products_and_target_companies_are_searched(client, cases, backend):
    rekognition_only = f.ProductFactory(name="Heliograph", slug="heliograph")
    cases.controversy.products.add(rekognition_only)
    assert on_search(client, "heliograph") == [REKOGNITION]
    assert on_list(client, "heliograph amazon") == [REKOGNITION]


def test_every_word_must_be_found(client, cases, backend):
    assert on_search(client, "facial recognition zzqxv") == []
    assert on_list(client, "facial recognition zzqxv") == []
    search_response = client.get(SEARCH, {"q": "facial recognition zzqxv"})
    assert search_response.context["results"].groups == []
    search_html = text_of(search_response)
    assert "Nothing matches “facial recognition zzqxv”." in search_html
    assert "Every word has to be found, so try fewer words" in search_html
    list_html = client.get(LIST, {"q": "facial recognition zzqxv"}).content.decode()
    assert "No controversy matches these filters." in list_html
    assert "Every word of the search text has to be found" in list_html


@pytest.mark.parametrize(
    "query",
    [
        "facial recognition police",
        "Rekognition",
        "aclu",
        "EPIC software",
        "software -EPIC",
        "rekognition -aclu",
        '"face matching"',
        '"matching face"',
        "students or lawyers",
        "amazon zzqxv",
        "the police",
        "court",
    ],
)
def test_the_list_and_search_find_the_same_controversies(client, cases, backend, query):
    assert sorted(on_list(client, query)) == sorted(on_search(client, query))


def test_negation_leaves_out_a_word_found_anywhere(client, cases, backend):
    # "-ACLU" leaves out the case the ACLU acted in, though no text of it says "ACLU".
    assert on_search(client, "rekognition -ACLU") == []
    assert on_list(client, "software -EPIC") == []
    assert on_list(client, "software") == ["/controversies/proctoring/"]


def test_search_lists_a_shared_event_once_with_all_its_controversies(client, cases, backend):
    other = f.ControversyFactory(title="Microsoft face API and police", slug="face-api")
    letter = Event.objects.get(title__startswith="Coalition of 85+ groups")
    letter.controversies.add(other)
    response = client.get(SEARCH, {"q": "coalition groups writes"})
    events = next(g for g in response.context["results"].groups if g.key == "events")
    assert len(events.hits) == 1
    assert text_of(response).count("Coalition of 85+ groups writes to Amazon") == 1
    html = response.content.decode()
    anchor = f"?event={letter.pk}#event-{letter.pk}"
    assert f'href="{REKOGNITION}{anchor}">Amazon Rekognition sold to police</a>' in html
    assert f'href="/controversies/face-api/{anchor}">Microsoft face API and police</a>' in html


def test_search_queries_stay_bounded(client, cases, backend, django_assert_max_num_queries):
    for i in range(15):
        controversy = f.ControversyFactory(title=f"Police case {i}", summary="Police AI.")
        event = add_event(controversy=controversy, occurred_on=dt.date(2021, 1, 1 + i))
        event.controversies.add(cases.controversy)
        f.EventActorFactory(event=event, organization=cases.aclu, role=EventActor.Role.AUTHOR)
    with django_assert_max_num_queries(8):
        response = client.get(SEARCH, {"q": "police aclu"})
    assert len(on_search(client, "police aclu")) == 10
    assert response.status_code == 200
