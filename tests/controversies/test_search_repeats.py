"""Costly but valid searches: repeated words are searched for once, long queries are cut
to MAX_TERMS words, and a search of words to leave out alone is refused, each with a
notice the reader sees, and none costs more queries than a one-word search."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from controversies.search.query import MAX_TERMS, parse_query
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = reverse("controversies:search")
LIST_URL = reverse("controversies:controversy_list")


def notices(response) -> list[str]:
    return re.findall(r'<p class="notice" role="status">([^<]+)</p>', response.content.decode())


def found(response) -> list[str]:
    return [h.url for g in response.context["results"].groups for h in g.hits]


def queries(client, url: str, q: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"q": q} if q else {})
    assert response.status_code == 200
    return len(captured.captured_queries), response


@pytest.fixture
def cases(client, db) -> None:
    for n in range(3):
        f.ControversyFactory(title=f"Police drone case {n}", summary="A drone watched a march.")
    f.ControversyFactory(title="Chatbot case", summary="A chatbot lied.")
    client.get(URL, {"q": "case"})  # whatever the first request reads once


def test_a_repeated_word_is_searched_for_once_and_the_reader_is_told(client, cases):
    once_queries, once = queries(client, URL, "drone")
    many_queries, many = queries(client, URL, " ".join(["drone", "Drone", "DRONE"] * 4))
    assert found(many) == found(once) and found(once)
    assert many_queries == once_queries
    assert notices(many) == [
        "Each word or phrase is searched for once: left out the repeated “Drone”, “DRONE”, “drone”."
    ]
    assert notices(once) == []


def test_the_list_box_reads_repeats_the_same_way(client, cases):
    once = client.get(LIST_URL, {"q": "drone"}).content.decode()
    many = client.get(LIST_URL, {"q": "drone " * 10}).content.decode()
    titles = re.findall(r'<h3><a href="/controversies/[^"]+/">([^<]+)</a></h3>', many)
    assert titles == re.findall(r'<h3><a href="/controversies/[^"]+/">([^<]+)</a></h3>', once)
    assert len(titles) == 3


def test_only_words_to_leave_out_are_refused_however_many(client, cases):
    empty_queries, _ = queries(client, URL, "")
    for q in ("-drone -report", " ".join(["-drone"] * 25)):
        refused_queries, refused = queries(client, URL, q)
        assert found(refused) == []
        assert notices(refused) == [
            "Add a word to look for: words after a minus sign are only left out, "
            "and a search cannot be made of those alone."
        ]
        assert refused_queries == empty_queries


def test_many_different_words_are_cut_with_a_notice(client, cases):
    one_queries, _ = queries(client, URL, "drone")
    words = [f"word{n}" for n in range(20)]
    cut_queries, cut = queries(client, URL, " ".join(words))
    assert notices(cut) == [
        f"Your search had more than {MAX_TERMS} words or phrases, "
        f"so only the first {MAX_TERMS} were used."
    ]
    assert cut_queries <= one_queries


def test_repeats_are_dropped_before_the_cut(client, cases):
    """Twenty words of which only two differ are two words: nothing is cut."""
    _, response = queries(client, URL, "drone march " * 10)
    assert found(response)
    assert not any("only the first" in notice for notice in notices(response))


@pytest.mark.parametrize(
    ("query", "kept"),
    [
        # A repeated clause goes, a clause of "or" alternatives is kept whole: dropping
        # its "drone" would change what it asks for.
        ("drone march or drone drone", ["drone", "march", "or drone"]),
        ("drone or march march or drone", ["drone", "or march"]),
        ("drone or drone", ["drone"]),
        ("drone -drone", ["drone", "-drone"]),
        ('"police drone" police drone "Police  Drone"', ['"police drone"', "police", "drone"]),
    ],
)
def test_a_repeat_is_dropped_only_when_the_meaning_stays(query, kept):
    terms = parse_query(query).terms
    shown = [
        ("or " if t.alternative else "")
        + ("-" if t.negated else "")
        + (f'"{t.typed}"' if len(t.words) > 1 else t.typed)
        for t in terms
    ]
    assert shown == kept
