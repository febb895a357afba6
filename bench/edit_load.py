"""The public pages under load while a curator edits: throughput and slow requests with
a curated edit every few seconds, against the same load without edits.

Run as a child process (``python -m bench.edit_load OUT.json SECONDS EDIT_EVERY ROUNDS``)
with the scale's environment. gunicorn serves as in bench/load.py (production settings,
whole-page cache on, ``load.default_workers()`` workers), and a Celery worker runs beside
it as it does in production, since that is where the rebuilds after an edit are queued
(``controversies.rebuild``); both use a queue of this run's own. wrk then drives
CONNECTIONS connections through a mix of public pages (home, list, filtered list, a
case, a company, the API), the connections taking the pages in turn, for SECONDS
without edits and then SECONDS with an edit every EDIT_EVERY seconds, ROUNDS times
back to back (the machine is shared: two loads timed minutes apart compare the machine
as much as the code).

An edit is made as a curator's admin save makes it: an event's summary is changed and
saved through the ORM inside a transaction, so every signal fires (new curated data
version, new page-cache and facet generations, the rebuild queued after the commit).
The event is one of the case page's, so the edit shows on a page of the mix. Its summary
is put back when the run ends, by the same kind of save.

Slow requests are counted by wrk itself, from the client side: the time from sending a
request to its response includes the wait in gunicorn's listen queue, which a visitor
waits too and which the server's own access log cannot see. wrk keeps every latency in
a histogram; the Lua ``done`` hook (EDIT_LOAD_LUA) finds how many exceed one second by a
binary search over its percentiles, and wrk's timeout is raised well above one second so
that a slow request is timed rather than dropped as an error.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request
from pathlib import Path

from bench.celery_worker import Worker
from bench.load import Gunicorn, default_workers

CONNECTIONS = 32
# The pages visitors load most, one of each kind (names from bench.pages.pick_pages).
MIX = ("home", "list", "list_3_filters", "timeline", "company", "api_list")
SLOW_MS = 1_000
# wrk drops a request that takes longer than its timeout (counted as an error, not
# timed); far above SLOW_MS so a slow request is counted as slow.
WRK_TIMEOUT = "30s"
QUEUE = f"bench-edit-load-{os.getpid()}"

# Paths come in WRK_PATHS, one a line; each connection takes the next path in turn.
# ``done`` prints one line the parent reads: the number of requests slower than
# SLOW_US microseconds (binary search over the rank r whose percentile, asked as
# (r - 0.25) / count, wrk rounds to exactly r), and a few percentiles.
EDIT_LOAD_LUA = """
local paths = {}
for path in string.gmatch(os.getenv("WRK_PATHS") or "/", "[^\\n]+") do
  paths[#paths + 1] = path
end
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("offset", counter)
end
function init(args)
  turn = offset or 0
end
function request()
  turn = turn % #paths + 1
  return wrk.format("GET", paths[turn])
end
function done(summary, latency, requests)
  local slow_us = tonumber(os.getenv("WRK_SLOW_US"))
  local total = summary.requests
  local low, high = 0, total
  while low < high do
    local mid = math.floor((low + high + 1) / 2)
    if latency:percentile((mid - 0.25) * 100 / total) <= slow_us then
      low = mid
    else
      high = mid - 1
    end
  end
  local e = summary.errors
  io.write(string.format(
    "EDIT_LOAD requests=%d over=%d timeouts=%d errors=%d status=%d p50=%d p95=%d p99=%d max=%d\\n",
    total, total - low, e.timeout, e.connect + e.read + e.write, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""
_RESULT = re.compile(r"EDIT_LOAD (.*)")
_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")


def wrk(base_url: str, paths: list[str], seconds: int, script: str) -> dict:
    env = dict(os.environ, WRK_PATHS="\n".join(paths), WRK_SLOW_US=str(SLOW_MS * 1000))
    output = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            f"--timeout={WRK_TIMEOUT}",
            "-s",
            script,
            base_url,
        ],  # fmt: skip
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    fields = dict(pair.split("=") for pair in _RESULT.search(output).group(1).split())
    numbers = {name: int(value) for name, value in fields.items()}
    return {
        "requests_per_s": float(_RPS.search(output).group(1)),
        "requests": numbers["requests"],
        # A request wrk gave up on after WRK_TIMEOUT was slower still.
        "over_1s": numbers["over"] + numbers["timeouts"],
        "errors": numbers["errors"],
        "non_2xx": numbers["status"],
        "p50_ms": round(numbers["p50"] / 1000, 1),
        "p95_ms": round(numbers["p95"] / 1000, 1),
        "p99_ms": round(numbers["p99"] / 1000, 1),
        "max_ms": round(numbers["max"] / 1000, 1),
    }


class Editor:
    """Saves the event's summary, changed each time, as an admin save does."""

    def __init__(self, event, every: float) -> None:
        self.event, self.every = event, every
        self.original = event.summary
        self.edits = 0

    def save(self, summary: str) -> None:
        from django.db import close_old_connections, transaction

        close_old_connections()
        with transaction.atomic():
            self.event.summary = summary
            self.event.save(update_fields=["summary"])

    def during(self, work):
        """``work()``'s result, and how many edits were made every ``every`` seconds
        while it ran."""
        from django.db import connection

        stop, made = threading.Event(), [0]

        def edit() -> None:
            try:
                while not stop.wait(self.every):
                    self.edits += 1
                    made[0] += 1
                    self.save(f"{self.original} (edit {self.edits})")
            finally:
                connection.close()

        thread = threading.Thread(target=edit, daemon=True)
        thread.start()
        try:
            return work(), made[0]
        finally:
            stop.set()
            thread.join()

    def restore(self) -> None:
        self.save(self.original)


def _warm(base_url: str, paths: list[str], workers: int) -> None:
    for path in paths:
        for _ in range(workers * 2):
            try:
                with urllib.request.urlopen(base_url + path, timeout=60) as response:  # noqa: S310
                    response.read()
            except urllib.error.HTTPError:
                pass  # wrk counts error responses


def _edited_event(case_path: str):
    from controversies.models import Controversy, Event

    slug = case_path.rstrip("/").rsplit("/", 1)[-1]
    case = Controversy.objects.filter(slug=slug).first()
    events = Event.objects.filter(controversies=case) if case else Event.objects.all()
    return events.order_by("-occurred_on", "pk").first()


def measure(seconds: int, every: float, rounds: int) -> dict:
    from bench.pages import pick_pages

    pages = {page.name: page.path for page in pick_pages() if page.name in MIX}
    paths = list(pages.values())
    event = _edited_event(pages.get("timeline", ""))
    if event is None:
        return {}
    env = dict(os.environ)
    workers = default_workers()
    runs: list[dict] = []
    editor = Editor(event, every)
    with tempfile.TemporaryDirectory() as directory:
        script = str(Path(directory) / "edit_load.lua")
        Path(script).write_text(EDIT_LOAD_LUA)
        try:
            with (
                Worker(env, app="config", queue=QUEUE, concurrency=1),
                Gunicorn(env, workers) as server,
            ):
                _warm(server.base_url, paths, workers)
                for _ in range(rounds):
                    quiet = wrk(server.base_url, paths, seconds, script)
                    edited, edits = editor.during(
                        lambda: wrk(server.base_url, paths, seconds, script)
                    )
                    edited["edits"] = edits
                    runs.append({"without_edits": quiet, "with_edits": edited})
        finally:
            editor.restore()
    return _summary(pages, runs, seconds, every, workers)


def _summary(pages: dict, runs: list[dict], seconds: int, every: float, workers: int) -> dict:
    for run in runs:
        quiet, edited = run["without_edits"]["requests_per_s"], run["with_edits"]["requests_per_s"]
        run["ratio"] = round(edited / quiet, 3) if quiet else None
    ratios = [run["ratio"] for run in runs if run["ratio"] is not None]
    return {
        "pages": pages,
        "connections": CONNECTIONS,
        "seconds": seconds,
        "edit_every_s": every,
        "gunicorn_workers": workers,
        "rounds": runs,
        # The targets: the median round's ratio, and slow requests over every round.
        "ratio": round(statistics.median(ratios), 3) if ratios else None,
        "over_1s": sum(run["with_edits"]["over_1s"] for run in runs),
        "over_1s_without_edits": sum(run["without_edits"]["over_1s"] for run in runs),
    }


def main(argv: list[str]) -> int:
    import django

    # Read by bench.settings: the tasks this process's edits queue go to this run's worker.
    os.environ["CELERY_TASK_DEFAULT_QUEUE"] = QUEUE
    django.setup()
    out, seconds, every, rounds = argv[0], int(argv[1]), float(argv[2]), int(argv[3])
    results = measure(seconds, every, rounds)
    with open(out, "w") as handle:
        json.dump(results, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
