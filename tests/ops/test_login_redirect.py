"""After logging in, a curator lands on a page that exists: where ?next= says when it is a
page of this site, otherwise the admin index (never another site, never a 404)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

PASSWORD = "correct horse battery staple"


@pytest.fixture
def curator(db):
    return get_user_model().objects.create_user(
        username="curator", password=PASSWORD, is_staff=True
    )


def _login(client, query: str = "", **extra_fields):
    return client.post(
        f"/admin/login/{query}", {"username": "curator", "password": PASSWORD, **extra_fields}
    )


@pytest.mark.parametrize(
    "unsafe_next",
    ["https://evil.example/", "//evil.example/", "/\\evil.example/", "http:/evil.example"],
)
def test_it_sends_a_login_with_an_unsafe_next_to_the_admin_index(client, curator, unsafe_next):
    response = _login(client, next=unsafe_next)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get(response["Location"]).status_code == 200


def test_it_ignores_an_unsafe_next_in_the_query_string_too(client, curator):
    response = _login(client, "?next=https://evil.example/")
    assert response["Location"] == "/admin/"


def test_it_follows_a_next_that_is_a_page_of_this_site(client, curator):
    response = _login(client, "?next=/admin/controversies/")
    assert response["Location"] == "/admin/controversies/"
