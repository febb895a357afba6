"""The safe client's POST, used for webhook payloads: it sends the body with its type
and headers, takes any 2xx as delivered, and keeps every check a fetch has (a loopback
address is refused unless allowed; a redirect is never followed with the body)."""

from __future__ import annotations

import pytest

from ingestion.fetching import FetchError, post
from tests.alerts import webhook_support

pytestmark = pytest.mark.services

# The loopback receiver and its helpers (tests/alerts/webhook_support.py).
receiver = webhook_support.receiver


def test_it_posts_the_body_with_its_type_and_headers(receiver):
    receiver.answers = [204]

    result = post(
        receiver.url("/in?x=1"),
        body=b'{"hello":"world"}',
        content_type="application/json",
        headers={"X-Tracker-Event-Id": "7"},
    )

    assert result.status == 204
    [got] = receiver.received
    assert got.path == "/in?x=1"
    assert got.body == b'{"hello":"world"}'
    assert got.headers["content-type"] == "application/json"
    assert got.headers["content-length"] == "17"
    assert got.headers["x-tracker-event-id"] == "7"
    assert got.headers["user-agent"].startswith("AIAccountabilityTracker")


@pytest.mark.parametrize(("status", "transient"), [(500, True), (429, True), (404, False)])
def test_it_fails_on_a_status_outside_2xx_saying_whether_to_retry(receiver, status, transient):
    receiver.answers = [status]

    with pytest.raises(FetchError) as caught:
        post(receiver.url(), body=b"{}", content_type="application/json", headers={})

    assert caught.value.status == status
    assert caught.value.transient is transient
    assert caught.value.reason.startswith(f"HTTP {status}")


def test_it_never_follows_a_redirect_with_the_body(receiver):
    receiver.answers = [307]

    with pytest.raises(FetchError, match="a POST is not redirected"):
        post(receiver.url(), body=b"{}", content_type="application/json", headers={})

    assert len(receiver.received) == 1


def test_it_refuses_a_loopback_address_that_is_not_allowed(receiver, settings):
    settings.INGESTION_ALLOWED_HOSTS = []
    port = int(receiver.host_port.rsplit(":", 1)[1])
    settings.INGESTION_ALLOWED_PORTS = [*settings.INGESTION_ALLOWED_PORTS, port]

    with pytest.raises(FetchError, match="127.0.0.1 is a loopback address") as caught:
        post(receiver.url(), body=b"{}", content_type="application/json", headers={})

    assert caught.value.transient is False
    assert receiver.received == []


def test_it_refuses_a_name_that_resolves_to_a_private_address(settings):
    settings.INGESTION_ALLOWED_HOSTS = []

    with pytest.raises(FetchError, match="localhost resolves to .*loopback"):
        post("http://localhost/hook", body=b"{}", content_type="application/json", headers={})
