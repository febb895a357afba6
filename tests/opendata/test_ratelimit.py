from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from opendata.checks import check_rate_limit
from opendata.ratelimit import client_ip, parse_rate


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
