"""Admin login throttling (django-axes) and the client address behind a proxy."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from config.security import client_ip

PASSWORD = "correct horse battery staple"


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser(
        username="curator", email="curator@example.org", password=PASSWORD
    )


def _login(client, password: str, **headers):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "curator", "password": password},
        **headers,
    )


def test_it_lets_a_curator_in_after_a_few_typos(client, admin_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "wrong").status_code == 200
    response = _login(client, PASSWORD)
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(admin_user.pk)


def test_it_locks_out_a_client_after_repeated_failures(client, admin_user, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "wrong")
    # Even the right password is refused while the lockout lasts.
    response = _login(client, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_it_throttles_the_forwarded_client_not_the_proxy(client, admin_user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # GIVEN an attacker behind the proxy, forging the left of X-Forwarded-For each time
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "wrong", HTTP_X_FORWARDED_FOR=f"10.9.9.{attempt}, 203.0.113.7")
    assert _login(client, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    # THEN a curator at another address, through the same proxy, still gets in
    response = _login(client, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert response.status_code == 302


def test_it_ignores_x_forwarded_for_without_a_trusted_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "192.0.2.1"


def test_it_takes_the_address_the_outermost_trusted_proxy_saw(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7, 10.0.0.1"
    )
    assert client_ip(request) == "203.0.113.7"
    short = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="10.0.0.1")
    assert client_ip(short) == "10.0.0.2"


def test_it_still_lets_tests_and_scripts_authenticate_without_a_request(client, admin_user):
    # Client.login() calls authenticate() without a request; that is not a web login.
    assert client.login(username="curator", password=PASSWORD)


def test_it_locks_out_the_guessed_username_not_everyone_at_the_address(
    client, admin_user, settings
):
    """GIVEN someone at an address failing to log in as "editor" until locked out
    THEN the superuser at the same address still gets in, and "editor" stays locked out
    there even with the right password."""
    get_user_model().objects.create_user(username="editor", password=PASSWORD, is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/?next=/admin/", {"username": "editor", "password": "wrong"})

    assert _login(client, PASSWORD).status_code == 302
    assert client.session.get("_auth_user_id") == str(admin_user.pk)

    client.logout()
    editor = client.post("/admin/login/?next=/admin/", {"username": "editor", "password": PASSWORD})
    assert editor.status_code == 429
    assert "_auth_user_id" not in client.session
