from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from opendata.checks import check_rate_limit
from opendata.ratelimit import RATE_LIMITS, client_ip, parse_rate


@pytest.mark.parametrize(
    ("rate", "parsed"),
    [("120/m", (120, 60)), ("5/s", (5, 1)), (" 1000 / h ", (1000, 3600)), ("", None)],
)
def test_it_reads_the_rate_setting(rate, parsed):
    assert parse_rate(rate) == parsed


@pytest.mark.parametrize("rate", ["120", "120/minute", "lots/m", "-1/m"])
def test_it_refuses_a_mistyped_rate_at_start_up(settings, rate):
    with pytest.raises(ImproperlyConfigured):
        parse_rate(rate)
    settings.API_RATE_LIMIT = rate
    assert [e.id for e in check_rate_limit()] == ["opendata.E001"]


def test_it_ignores_forwarded_for_unless_proxies_are_trusted(settings):
    request = RequestFactory().get(
        "/api/events", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5"
    )
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    # One trusted proxy: the address it appended (the last one) is the client's.
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.5"


def _read(response):
    if response.streaming:
        b"".join(response.streaming_content)
    return response


@pytest.mark.parametrize(
    ("url", "setting"),
    [
        ("/exports/controversies.csv", "EXPORT_RATE_LIMIT"),
        ("/exports/resolutions.json", "EXPORT_RATE_LIMIT"),
        ("/feeds/events/", "FEED_RATE_LIMIT"),
    ],
)
def test_it_limits_exports_and_feeds_with_their_own_count(client, world, settings, url, setting):
    """GIVEN a limit of 2 a minute for exports or feeds
    WHEN one client asks a third time
    THEN it gets 429 with Retry-After, while its API calls (counted apart) and another
    client's requests still pass."""
    setattr(settings, setting, "2/m")
    settings.API_RATE_LIMIT = "2/m"
    address, other = "198.51.100.40", "198.51.100.41"
    _forget_counts(address, other)
    # Each download is read to the end, as a client does (a streamed one holds one of
    # the few export slots until then).
    answers = [client.get(url, REMOTE_ADDR=address) for _ in range(2)]
    assert [_read(a).status_code for a in answers] == [200, 200]
    refused = client.get(url, REMOTE_ADDR=address)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "Too many requests" in refused.content.decode()
    assert client.get("/api/controversies", REMOTE_ADDR=address).status_code == 200
    assert client.get(url, REMOTE_ADDR=other).status_code == 200


def _forget_counts(*addresses: str) -> None:
    """Counters left in Redis by an earlier run within the same minute."""
    window = int(time.time() // 60)
    cache.delete_many(
        [
            f"ratelimit:{counter}:{address}:60:{w}"
            for counter, _setting in RATE_LIMITS.values()
            for address in addresses
            for w in (window, window + 1)
        ]
    )


def test_it_refuses_a_mistyped_export_or_feed_limit_at_start_up(settings):
    settings.EXPORT_RATE_LIMIT = "ten a minute"
    settings.FEED_RATE_LIMIT = "60/min"
    assert [e.msg.split("=")[0] for e in check_rate_limit()] == [
        "EXPORT_RATE_LIMIT",
        "FEED_RATE_LIMIT",
    ]
