"""A minute of mixed reader traffic at 32 connections while ingestion runs: no errors.

Latency is reported (printed and written to test-artifacts/reliability-load.txt), never
asserted: on a shared CI machine it measures the neighbours as much as the code.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest

from tests.reliability.batch import assert_batch_complete, recovery_env, serve_batch, wait_settled
from tests.reliability.site import collect_static, reader_paths, seed_site

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(300),
]

CONNECTIONS = 32
SECONDS = int(os.environ.get("RELIABILITY_LOAD_SECONDS", "60"))

# Each wrk thread walks the paths round-robin from its own starting point; at the end wrk
# reports the error counters and latency percentiles of the whole run as JSON.
WRK_SCRIPT = """
local paths = %(paths)s
local threads = 0
local i = 0
setup = function(thread)
  threads = threads + 1
  thread:set("offset", threads * 7)
end
init = function(args)
  i = offset or 0
end
request = function()
  i = (i %% #paths) + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "connect": %%d, "read": %%d, "write": %%d, "status": %%d, '
    .. '"timeout": %%d, "p50_ms": %%.1f, "p90_ms": %%.1f, "p99_ms": %%.1f, "max_ms": %%.1f}\\n',
    summary.requests, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def _lua_list(paths: list[str]) -> str:
    return "{" + ", ".join(json.dumps(p) for p in paths) + "}"


def test_it_serves_a_minute_of_mixed_traffic_without_an_error(
    news_site, processes, clean_broker, artifacts, tmp_path
):
    """GIVEN gunicorn (4 workers) on PostgreSQL serving the demo case, and a worker with
    beat ingesting 40 articles at the same time
    WHEN wrk sends 60 seconds of requests over 32 connections, spread over every public
    page, filtered list, search, feed and API listing
    THEN not one request fails (no connection error, timeout or non-2xx/3xx answer), and
    the ingestion batch completes as well."""
    wrk = shutil.which("wrk")
    assert wrk, "wrk is needed (apt-get install wrk; .ci/run installs it)"
    seed_site()
    collect_static()
    paths = reader_paths()
    assert len(paths) >= 20, paths
    batch = serve_batch(news_site, size=40, delay=0.2)
    env = recovery_env(news_site)
    _server, base = processes.gunicorn("gunicorn", env, workers=4)
    processes.beat("beat", env)
    worker = processes.worker("worker", env, concurrency=2)

    script = tmp_path / "paths.lua"
    script.write_text(WRK_SCRIPT % {"paths": _lua_list(paths)})
    final_before = batch.final_count()
    run = subprocess.run(
        [
            wrk,
            "--threads",
            "4",
            "--connections",
            str(CONNECTIONS),
            "--duration",
            f"{SECONDS}s",
            "--timeout",
            "30s",
            "--latency",
            "--script",
            str(script),
            base,
        ],
        capture_output=True,
        text=True,
        timeout=SECONDS + 60,
    )
    ingested_during_load = batch.final_count() - final_before
    report = run.stdout + run.stderr
    results = [json.loads(m) for m in re.findall(r"^RESULT (\{.*\})$", report, re.MULTILINE)]
    assert run.returncode == 0 and results, report
    # wrk calls done() once for the whole run, with totals over all its threads.
    summary = results[-1]
    summary.update(
        seconds=SECONDS,
        connections=CONNECTIONS,
        paths=len(paths),
        requests_per_second=round(summary["requests"] / SECONDS, 1),
        articles_ingested_during_load=ingested_during_load,
    )
    (artifacts / "reliability-load.txt").write_text(
        report + "\n" + json.dumps(summary, indent=2) + "\n"
    )
    print(
        f"\nload: {summary['requests']} requests in {SECONDS} s over {CONNECTIONS} connections, "
        f"p50 {summary['p50_ms']} ms, p99 {summary['p99_ms']} ms, max {summary['max_ms']} ms"
    )

    assert summary["requests"] > 0
    errors = {k: summary[k] for k in ("connect", "read", "write", "status", "timeout")}
    assert errors == {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0}, report
    assert ingested_during_load > 0, "ingestion must run during the load"

    wait_settled(batch, timeout=120, processes=[worker])
    assert_batch_complete(batch)
