"""The whole-page cache (config/page_cache.py): anonymous visitors share a cached copy,
nothing per-visitor is ever stored, and a curated edit shows on the next request."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.test import Client

from config import page_cache
from controversies.models import Controversy
from tests import factories as f

pytestmark = pytest.mark.django_db

LIST = "/controversies/"


@pytest.fixture(autouse=True)
def _page_cache_on(settings) -> None:
    settings.PAGE_CACHE_SECONDS = 60
    settings.PAGE_CACHE_NAMESPACES = ["controversies", "probe"]
    settings.ROOT_URLCONF = "tests.ops.page_cache_urls"
    page_cache.invalidate()  # entries from earlier tests outlive their rolled-back rows


@pytest.fixture
def controversy() -> Controversy:
    return f.ControversyFactory(title="Face matching sold to police", slug="face-matching")


def _rename_behind_the_caches_back(controversy: Controversy, title: str) -> None:
    # A queryset update sends no signal: only the time limit would refresh the page.
    Controversy.objects.filter(pk=controversy.pk).update(title=title)


def test_it_serves_anonymous_visitors_the_cached_copy(client, controversy):
    first = client.get(LIST)
    assert first.status_code == 200
    assert "X-Page-Cache" not in first
    _rename_behind_the_caches_back(controversy, "Renamed quietly")

    again = Client().get(LIST)

    assert again["X-Page-Cache"] == "hit"
    assert again.content == first.content
    assert "Face matching sold to police" in again.content.decode()


def test_it_normalises_the_order_of_query_parameters(client, controversy):
    client.get(LIST, QUERY_STRING="status=ongoing&q=face")
    assert client.get(LIST, QUERY_STRING="q=face&status=ongoing")["X-Page-Cache"] == "hit"
    assert "X-Page-Cache" not in client.get(LIST, QUERY_STRING="q=other&status=ongoing")


def test_it_shows_an_edit_at_once(client, controversy):
    client.get(LIST)
    controversy.title = "Edited by a curator"
    controversy.save()

    response = client.get(LIST)

    assert "X-Page-Cache" not in response
    assert "Edited by a curator" in response.content.decode()


def test_it_shows_an_edit_made_in_the_admin_at_once(client, controversy):
    from tests.controversies.admin_forms import form_data

    client.get(LIST)
    curator = Client()
    curator.force_login(f.CuratorFactory())
    url = f"/admin/controversies/controversy/{controversy.pk}/change/"
    data = form_data(curator.get(url))
    data["title"] = ["Edited in the admin"]
    assert curator.post(url, data).status_code == 302

    assert "Edited in the admin" in Client().get(LIST).content.decode()


def test_it_shows_a_new_source_at_once(client, controversy):
    # Sources are outside the facet cache's generation; pages still show them.
    event = f.EventFactory(controversy=controversy)
    client.get(controversy.get_absolute_url())
    f.EventSourceFactory(event=event, source=f.SourceFactory(title="A newly cited report"))

    assert "A newly cited report" in client.get(controversy.get_absolute_url()).content.decode()


def test_it_caches_an_htmx_partial_apart_from_the_full_page(client, controversy):
    full = client.get(LIST)
    partial = client.get(LIST, headers={"HX-Request": "true"})
    assert "X-Page-Cache" not in partial
    assert "<html" in full.content.decode() and "<html" not in partial.content.decode()

    assert client.get(LIST, headers={"HX-Request": "true"}).content == partial.content
    assert client.get(LIST, headers={"HX-Request": "true"})["X-Page-Cache"] == "hit"
    assert client.get(LIST).content == full.content


def test_a_signed_in_curator_never_reads_or_fills_the_cache(client, controversy):
    client.get(LIST)
    curator = Client()
    curator.force_login(f.CuratorFactory(username="carol"))
    _rename_behind_the_caches_back(controversy, "Renamed quietly")

    own = curator.get(LIST)
    assert "X-Page-Cache" not in own
    assert "Renamed quietly" in own.content.decode()

    page = curator.get("/probe/form/")
    assert "Signed in as carol" in page.content.decode()
    anonymous = Client().get("/probe/form/")
    assert "carol" not in anonymous.content.decode()
    assert "X-Page-Cache" not in anonymous


def test_a_page_that_looks_at_the_user_is_shared_only_by_cookieless_visitors(controversy):
    # The timeline links its history for staff: the view reads request.user.
    url = controversy.get_absolute_url()
    Client().get(url)
    assert Client().get(url)["X-Page-Cache"] == "hit"

    curator = Client()
    curator.force_login(f.CuratorFactory())
    assert "/history/" in curator.get(url).content.decode()
    assert "/history/" not in Client().get(url).content.decode()

    with_a_cookie = Client()
    with_a_cookie.cookies["csrftoken"] = "x" * 32
    response = with_a_cookie.get(url)
    assert "X-Page-Cache" not in response
    assert Client().get(url)["X-Page-Cache"] == "hit"  # and it did not replace the entry


def test_it_never_stores_a_page_with_a_csrf_token(client):
    first = Client().get("/probe/form/")
    second = Client().get("/probe/form/")

    assert "csrfmiddlewaretoken" in second.content.decode()
    assert "X-Page-Cache" not in second
    token = 'name="csrfmiddlewaretoken" value="'
    assert first.content.decode().split(token)[1] != second.content.decode().split(token)[1]


def test_it_never_stores_a_page_that_shows_a_message(client):
    client.get("/probe/message/")
    response = Client().get("/probe/message/")
    assert "X-Page-Cache" not in response


def test_it_stores_a_plain_page_of_another_cached_namespace(client):
    client.get("/probe/plain/")
    assert Client().get("/probe/plain/")["X-Page-Cache"] == "hit"


def test_a_post_is_never_answered_from_the_cache(client, controversy):
    client.get(LIST)
    response = client.post(LIST)
    assert "X-Page-Cache" not in response
    assert response.status_code != 200 or b"Face matching" not in response.content


def test_a_missing_page_is_not_stored(client, controversy):
    assert client.get("/controversies/not-yet/").status_code == 404
    assert "X-Page-Cache" not in client.get("/controversies/not-yet/")


def test_a_visitor_with_a_session_cookie_bypasses_the_cache(client, controversy):
    client.get(LIST)
    visitor = Client()
    visitor.cookies["sessionid"] = "whatever"
    assert "X-Page-Cache" not in visitor.get(LIST)


def test_zero_seconds_turns_it_off(client, controversy, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get(LIST)
    assert "X-Page-Cache" not in client.get(LIST)


def test_the_api_is_cached_and_still_rate_limited(client, controversy, settings):
    settings.PAGE_CACHE_NAMESPACES = ["api"]
    settings.API_RATE_LIMIT = "2/m"
    window = int(time.time() // 60)  # counters from an earlier run of this test
    cache.delete_many([f"ratelimit:api:192.0.2.7:60:{w}" for w in (window, window + 1)])
    first = client.get("/api/controversies", REMOTE_ADDR="192.0.2.7")
    assert first.status_code == 200
    assert client.get("/api/controversies", REMOTE_ADDR="192.0.2.7")["X-Page-Cache"] == "hit"
    assert client.get("/api/controversies", REMOTE_ADDR="192.0.2.7").status_code == 429


def test_the_feeds_are_not_cached(client, controversy):
    client.get("/feeds/events/")
    assert "X-Page-Cache" not in client.get("/feeds/events/")
