"""A filter form sent without JavaScript carries its empty fields; the pages answer with a
redirect to the same address without them, so the address bar holds only the filters in
force, in the order the reader gave them."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("sent", "tidy"),
    [
        ("/controversies/?company=&topic=&q=rekognition", "/controversies/?q=rekognition"),
        (
            "/controversies/?status=ongoing&company=&q=police&year_from=",
            "/controversies/?status=ongoing&q=police",
        ),
        ("/controversies/?company=&topic=&status=&q=&page=", "/controversies/"),
        ("/resolutions/?company=&year=2019&topic=&proponent=&status=", "/resolutions/?year=2019"),
        ("/search/?q=", "/search/"),
        ("/search/?q=+++", "/search/"),
    ],
)
def test_empty_filter_fields_are_dropped_with_a_redirect(client, sent, tidy):
    response = client.get(sent)
    assert response.status_code == 302
    assert response["Location"] == tidy


def test_values_keep_their_encoding_and_order(client):
    response = client.get("/controversies/?q=caf%C3%A9+%26+bar&topic=&company=amazon")
    assert response["Location"] == "/controversies/?q=caf%C3%A9+%26+bar&company=amazon"


@pytest.mark.parametrize(
    "address",
    [
        "/controversies/?q=rekognition",
        "/controversies/",
        "/resolutions/?year=2019",
        "/search/?q=amazon",
        # A parameter the page does not know is the page's business, empty or not.
        "/controversies/?utm_source=",
    ],
)
def test_a_tidy_address_is_served_as_it_is(client, address):
    assert client.get(address).status_code == 200


def test_htmx_requests_are_not_redirected(client):
    """site.js drops empty fields before an HTMX request; one that still has them gets its
    fragment directly rather than a redirect the fragment swap would have to follow."""
    response = client.get("/controversies/?company=&q=x", headers={"HX-Request": "true"})
    assert response.status_code == 200
