"""Redis stopped or hung while readers browse: the cache fails open (config/cache.py).

Every test here stops (or pauses) the Redis this run is configured with (REDIS_URL) and
puts it back; ``services_restored`` starts it again whatever happened.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess
import threading
import time
import urllib.request
from collections import Counter

import pytest
import redis
from django.core.cache import cache
from django.urls import reverse

from controversies.models import Controversy
from ingestion.models import Article
from tests.reliability.processes import base_env
from tests.reliability.services import start_redis, stop_redis, wait_for_redis
from tests.reliability.site import collect_static, public_urls, reader_paths, seed_site
from tests.reliability.test_load import _lua_list

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(240),
]

RETRY_SECONDS = 0.2
WARNING = re.compile(r"Redis cache at \S+ is unreachable from process (\d+)")
BACK = re.compile(r"Redis cache at \S+ is back for process (\d+)")


@pytest.fixture
def quick_retry(monkeypatch):
    """This process asks a dead Redis again after RETRY_SECONDS (5 s in production), so a
    test sees the recovery soon after Redis answers."""
    monkeypatch.setattr(cache.breaker, "retry_seconds", RETRY_SECONDS)


def _bring_redis_back() -> None:
    start_redis()
    wait_for_redis()
    time.sleep(RETRY_SECONDS * 2)
    cache.get("recovery-probe")  # this process notices at its next cache call
    assert not cache.breaker.is_down


@pytest.fixture
def redis_down(services_restored, quick_retry):
    stop_redis()
    yield
    _bring_redis_back()


def _messages(caplog, pattern: re.Pattern) -> list[str]:
    return [r.getMessage() for r in caplog.records if pattern.search(r.getMessage())]


def _read(client, url: str) -> int:
    """The status of ``url``, its body read to the end as a browser reads it: a streamed
    export holds one of the site's few streaming slots until it is sent."""
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)
    return response.status_code


def test_it_serves_every_public_url_while_redis_is_down(
    client, settings, services_restored, quick_retry, caplog
):
    """GIVEN the demo case and the page cache on
    WHEN Redis is stopped
    THEN every public page, feed, export and API URL answers as it did with Redis up
    (200 for every real page), only readiness turns to 503, and this process logs one
    warning for the whole outage."""
    settings.PAGE_CACHE_SECONDS = 60
    settings.API_RATE_LIMIT = "100000/m"
    seed_site()
    urls = [*public_urls(), "/search/?q=rekognition", "/controversies/?status=ongoing"]
    with_redis = {url: _read(client, url) for url in urls}
    assert list(with_redis.values()).count(200) > 20
    with caplog.at_level(logging.INFO, logger="config.cache"):
        stop_redis()
        without_redis = {url: _read(client, url) for url in urls}
        _bring_redis_back()
    assert without_redis == {**with_redis, "/readyz": 503}
    assert len(_messages(caplog, WARNING)) == 1


def test_it_rate_limits_each_process_alone_while_redis_is_down(client, settings, redis_down):
    """GIVEN limits of 3 API requests and 2 exports a minute
    WHEN Redis is down
    THEN this process still counts each client: the 4th API call and the 3rd export are
    refused with 429 and Retry-After, another client is not affected."""
    settings.API_RATE_LIMIT = "3/m"
    settings.EXPORT_RATE_LIMIT = "2/m"
    seed_site()
    address = "198.51.100.31"
    api = [client.get("/api/controversies", REMOTE_ADDR=address) for _ in range(4)]
    assert [r.status_code for r in api] == [200, 200, 200, 429]
    assert 1 <= int(api[-1]["Retry-After"]) <= 60
    exports = [client.get("/exports/controversies.csv", REMOTE_ADDR=address) for _ in range(3)]
    assert [r.status_code for r in exports] == [200, 200, 429]
    assert client.get("/api/controversies", REMOTE_ADDR="198.51.100.32").status_code == 200


def test_it_uses_the_cache_again_once_redis_is_back(
    client, settings, services_restored, quick_retry, caplog
):
    """GIVEN a cached case page
    WHEN Redis stops, then starts again
    THEN the page is served uncached during the outage and from the cache again after,
    with one warning when it went and one info line when it came back."""
    settings.PAGE_CACHE_SECONDS = 60
    seed_site()
    url = Controversy.objects.first().get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    with caplog.at_level(logging.INFO, logger="config.cache"):
        stop_redis()
        during = [client.get(url) for _ in range(3)]
        assert [r.status_code for r in during] == [200, 200, 200]
        assert not any(r.has_header("X-Page-Cache") for r in during)
        _bring_redis_back()
        assert client.get(url).status_code == 200
        assert client.get(url)["X-Page-Cache"] == "hit"
    assert len(_messages(caplog, WARNING)) == 1
    assert len(_messages(caplog, BACK)) == 1


def test_it_shows_an_edit_made_while_redis_hung_once_it_answers(client, settings, quick_retry):
    """GIVEN a cached case page
    WHEN Redis stops answering (paused, its data kept) while a curator renames the case,
    so the new page-cache generation cannot be written
    THEN the page shows the new title as soon as Redis answers again, not the copy
    cached before the edit."""
    settings.PAGE_CACHE_SECONDS = 60
    seed_site()
    case = Controversy.objects.first()
    url = case.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    pause_seconds = 1.5
    redis.Redis.from_url(settings.REDIS_URL).execute_command(
        "CLIENT", "PAUSE", int(pause_seconds * 1000), "ALL"
    )
    case.title = "Renamed while Redis hung"
    case.save()
    assert cache.breaker.is_down, "the pause must make the cache unreachable"
    time.sleep(pause_seconds + RETRY_SECONDS)
    response = client.get(url)
    assert response.status_code == 200
    assert "Renamed while Redis hung" in response.content.decode()


def test_an_admin_submission_is_kept_and_logged_when_the_broker_is_down(
    admin_client, redis_down, caplog
):
    """GIVEN Redis (the Celery broker) is down
    WHEN a curator submits a URL in the admin
    THEN the form redirects as usual (no 500), the article is stored as queued for the
    sweeper to re-enqueue, and the failure to queue it is logged as an error."""
    with caplog.at_level(logging.ERROR, logger="ingestion.tasks"):
        response = admin_client.post(
            reverse("admin:ingestion_article_submit"), {"url": "https://news.example.test/a"}
        )
    assert response.status_code == 302
    assert Article.objects.get().state == Article.State.QUEUED
    assert any("Could not queue" in r.getMessage() for r in caplog.records)


# --- Under load, through gunicorn ----------------------------------------------------------

LOAD_SECONDS = 30
STOP_AT, START_AT = 5, 18
WORKERS = 2

# Each wrk thread walks the paths round-robin and counts every answer other than 200/304.
WRK_SCRIPT = """
local paths = %(paths)s
local threads = {}
setup = function(thread)
  table.insert(threads, thread)
  thread:set("offset", #threads * 7)
end
init = function(args)
  i = offset or 0
  bad = 0
  answered = 0
end
request = function()
  i = (i %% #paths) + 1
  return wrk.format("GET", paths[i])
end
response = function(status, headers, body)
  answered = answered + 1
  if status ~= 200 and status ~= 304 then bad = bad + 1 end
end
done = function(summary, latency, requests)
  local total_bad, total_answered = 0, 0
  for _, thread in ipairs(threads) do
    total_bad = total_bad + thread:get("bad")
    total_answered = total_answered + thread:get("answered")
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"answered": %%d, "bad": %%d, "connect": %%d, "read": %%d, "write": %%d, '
    .. '"timeout": %%d}\\n',
    total_answered, total_bad, e.connect, e.read, e.write, e.timeout))
end
"""


def _cache_header(url: str) -> str | None:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
        assert response.status == 200
        return response.headers.get("X-Page-Cache")


def _outage(started: float) -> None:
    time.sleep(max(0.0, started + STOP_AT - time.monotonic()))
    stop_redis()
    time.sleep(max(0.0, started + START_AT - time.monotonic()))
    start_redis()
    wait_for_redis()


def test_it_serves_readers_through_a_redis_outage_under_load(
    processes, services_restored, artifacts, tmp_path
):
    """GIVEN gunicorn (2 workers, page cache on) serving the demo case to wrk over 16
    connections for 30 seconds, spread over every public page, list, search, feed and
    API listing
    WHEN Redis is stopped 5 seconds in and started again at 18 seconds
    THEN every answer is 200 or 304 with no connection error, each worker logs one
    warning for the outage and one line when Redis is back, and pages are served from
    the cache again afterwards."""
    wrk = shutil.which("wrk")
    assert wrk, "wrk is needed (apt-get install wrk; .ci/run installs it)"
    seed_site()
    collect_static()
    paths = reader_paths()
    assert len(paths) >= 20, paths
    env = base_env(PAGE_CACHE_SECONDS="60")
    server, base = processes.gunicorn("gunicorn", env, workers=WORKERS)
    script = tmp_path / "paths.lua"
    script.write_text(WRK_SCRIPT % {"paths": _lua_list(paths)})

    started = time.monotonic()
    outage = threading.Thread(target=_outage, args=(started,))
    outage.start()
    run = subprocess.run(
        [wrk, "--threads", "2", "--connections", "16", "--duration", f"{LOAD_SECONDS}s"]
        + ["--timeout", "10s", "--script", str(script), base],
        capture_output=True,
        text=True,
        timeout=LOAD_SECONDS + 60,
    )
    outage.join()
    report = run.stdout + run.stderr
    (artifacts / "reliability-redis-outage.txt").write_text(report)
    results = [json.loads(m) for m in re.findall(r"^RESULT (\{.*\})$", report, re.MULTILINE)]
    assert run.returncode == 0 and results, report
    summary = results[-1]
    print(f"\nredis outage under load: {summary}")
    assert summary["answered"] > 0
    assert summary == {**summary, "bad": 0, "connect": 0, "read": 0, "write": 0, "timeout": 0}

    # Recovery: the workers notice at their first request after the retry time.
    time.sleep(6)
    assert any(_cache_header(base + paths[0]) == "hit" for _ in range(WORKERS * 4)), (
        "pages must be served from the cache again once Redis is back"
    )

    log = server.output(tail=2_000_000)
    warned = Counter(WARNING.findall(log))
    back = Counter(BACK.findall(log))
    assert warned, f"the outage must be logged:\n{log[-3000:]}"
    assert set(warned.values()) == {1}, warned  # once per process, not per request
    assert len(warned) <= WORKERS
    assert back == warned, (warned, back)
    assert not re.search(r" 5\d\d$", log, re.MULTILINE), log[-3000:]
    assert "Traceback" not in log, log[-3000:]
