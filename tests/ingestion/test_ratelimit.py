"""The per-host rate limit: requests to one host are spaced out, never fired at once."""

from __future__ import annotations

import logging
import threading
import uuid

import pytest

from ingestion.fetching import FetchError, fetch_page, ratelimit

PAGE = b"<html><body>ok</body></html>"


def _fetch_concurrently(url: str, count: int) -> list[object]:
    """Fire ``count`` fetches at once from threads; return each result or error."""
    results: list[object] = [None] * count
    start = threading.Barrier(count)

    def worker(index: int) -> None:
        start.wait()
        try:
            results[index] = fetch_page(url)
        except FetchError as exc:
            results[index] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def _gaps(local_server) -> list[float]:
    arrivals = sorted(r.arrived for r in local_server.requests)
    return [later - earlier for earlier, later in zip(arrivals, arrivals[1:], strict=False)]


def test_it_spaces_requests_to_one_host_in_process(fetch_settings, local_server):
    # GIVEN 5 requests/s with no burst and no Redis WHEN four workers fetch at once
    # THEN the server sees them one after another, about 0.2 s apart, not all together.
    fetch_settings.REDIS_URL = ""
    fetch_settings.INGESTION_PER_HOST_RATE = 5
    fetch_settings.INGESTION_PER_HOST_BURST = 1
    local_server.reply("/", PAGE)

    results = _fetch_concurrently(local_server.url("/"), 4)

    assert all(getattr(result, "status", None) == 200 for result in results)
    assert len(local_server.requests) == 4
    # Half the interval leaves room for scheduling jitter on a busy machine; without the
    # limiter the four arrive within a few milliseconds of each other.
    assert min(_gaps(local_server)) >= 0.1


def test_it_gives_up_rather_than_wait_too_long_for_a_slot(fetch_settings, local_server):
    fetch_settings.REDIS_URL = ""
    fetch_settings.INGESTION_PER_HOST_RATE = 0.01  # one request per 100 s
    fetch_settings.INGESTION_PER_HOST_BURST = 1
    fetch_settings.INGESTION_RATE_MAX_WAIT = 0.5
    local_server.reply("/", PAGE)

    fetch_page(local_server.url("/"))
    with pytest.raises(FetchError) as caught:
        fetch_page(local_server.url("/"))

    assert "127.0.0.1 is rate-limited here" in caught.value.reason
    assert caught.value.transient is True
    assert len(local_server.requests) == 1


def test_it_limits_in_process_when_redis_does_not_answer(fetch_settings, local_server, caplog):
    # Port 1 on loopback: nothing listens, so Redis "is down" for this test only.
    fetch_settings.REDIS_URL = "redis://127.0.0.1:1/0"
    local_server.reply("/", PAGE)

    with caplog.at_level(logging.WARNING, logger="ingestion.fetching.ratelimit"):
        result = fetch_page(local_server.url("/"))

    assert result.status == 200
    assert "limiting in-process" in caplog.text


@pytest.mark.services
def test_it_spaces_requests_to_one_host_through_redis(fetch_settings, local_server):
    fetch_settings.INGESTION_PER_HOST_RATE = 5
    fetch_settings.INGESTION_PER_HOST_BURST = 1
    local_server.reply("/", PAGE)

    results = _fetch_concurrently(local_server.url("/"), 4)

    assert all(getattr(result, "status", None) == 200 for result in results)
    assert min(_gaps(local_server)) >= 0.1
    client = ratelimit._redis_client(fetch_settings.REDIS_URL)
    assert client.exists(ratelimit.KEY_PREFIX + "127.0.0.1")


@pytest.mark.services
def test_it_keeps_each_hosts_tokens_in_redis(settings):
    # GIVEN a burst of 3 and a refill too slow to matter WHEN a host takes 3 slots
    # THEN its bucket in Redis is empty, the 4th is refused without being counted,
    # and another host's bucket is untouched.
    settings.INGESTION_PER_HOST_RATE = 0.001
    settings.INGESTION_PER_HOST_BURST = 3
    settings.INGESTION_RATE_MAX_WAIT = 1
    client = ratelimit._redis_client(settings.REDIS_URL)
    host, other = f"{uuid.uuid4().hex}.example", f"{uuid.uuid4().hex}.example"
    key = ratelimit.KEY_PREFIX + host
    try:
        for _ in range(3):
            ratelimit.wait_for_slot(host, max_wait=5)
        assert 0 <= float(client.hget(key, "tokens")) < 0.01

        with pytest.raises(FetchError) as caught:
            ratelimit.wait_for_slot(host, max_wait=5)
        assert caught.value.transient is True
        assert 0 <= float(client.hget(key, "tokens")) < 0.01

        ratelimit.wait_for_slot(other, max_wait=5)
        assert 1.99 < float(client.hget(ratelimit.KEY_PREFIX + other, "tokens")) <= 2
        assert client.pttl(key) > 0  # the bucket expires once it would be full again
    finally:
        client.delete(key, ratelimit.KEY_PREFIX + other)
