"""Cursor pagination of the API: whatever the page size, following ``next`` from the first
page lists every row of the listing once, in its order, dates shared by many rows too."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from controversies.models import Controversy, Event
from tests import factories

pytestmark = pytest.mark.django_db


def _follow(client, url: str, key: str = "id") -> list:
    """The ``key`` of every row, following ``next`` from ``url`` to the last page."""
    seen: list = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        page = response.json()
        seen += [row[key] for row in page["results"]]
        url = page["next"]
    return seen


@pytest.fixture
def tied_events() -> list[int]:
    """Thirteen events over three dates, most dates shared by several events, as ids in
    the listing's order (newest first, then highest id first)."""
    controversy = factories.ControversyFactory()
    for n in range(13):
        factories.EventFactory(
            controversy=controversy, occurred_on=dt.date(2021, 1, 1) + dt.timedelta(days=n % 3)
        )
    return list(Event.objects.order_by("-occurred_on", "-id").values_list("id", flat=True))


@pytest.mark.parametrize("limit", [1, 2, 4, 5, 13, 50])
def test_following_next_lists_every_event_once_in_order(client, tied_events, limit):
    assert _follow(client, f"/api/events?limit={limit}") == tied_events


def test_a_page_starts_right_after_the_row_its_cursor_names(client, tied_events):
    first = client.get("/api/events?limit=4").json()
    second = client.get(first["next"]).json()
    assert [row["id"] for row in second["results"]] == tied_events[4:8]


def test_a_filtered_listing_pages_through_its_own_rows_only(client, tied_events):
    other = factories.ControversyFactory(slug="elsewhere")
    mine = [
        factories.EventFactory(controversy=other, occurred_on=dt.date(2021, 1, 2)).pk
        for _ in range(5)
    ]
    assert _follow(client, "/api/events?limit=2&controversy=elsewhere") == sorted(
        mine, reverse=True
    )


def test_an_ascending_listing_pages_by_id(client, db):
    factories.ControversyFactory.create_batch(7)
    expected = list(Controversy.objects.order_by("id").values_list("slug", flat=True))
    assert _follow(client, "/api/controversies?limit=3", key="slug") == expected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's row values")
def test_the_next_page_is_one_row_value_comparison(client, tied_events):
    """A single comparison of (date, id) pairs, which the index of the listing's order
    answers as a range, rather than an OR of conditions tested row by row."""
    cursor = client.get("/api/events?limit=4").json()["next_cursor"]
    with CaptureQueriesContext(connection) as captured:
        client.get(f"/api/events?limit=4&cursor={cursor}")
    (listing,) = [q["sql"] for q in captured if "ORDER BY" in q["sql"] and "LIMIT 5" in q["sql"]]
    assert '("controversies_event"."occurred_on", "controversies_event"."id") <' in listing
    assert " OR " not in listing.split("WHERE", 1)[1].split("ORDER BY")[0]
