"""Throughput under gunicorn with wrk at 16 connections, and a gunicorn worker's memory.

Every page, the floor included, is loaded the same way in the same run, so each page's
requests per second can be read as a fraction of what the stack itself allows. The
server runs with the production settings, the whole-page cache included (wrk sends no
cookies, so it is an anonymous visitor); bench/pages.py measures rendering without it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from bench.memory import children, die_with_parent, peak_rss_mb

CONNECTIONS = 16
_LISTENING = re.compile(r"Listening at: http://([\d.]+):(\d+)")
_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_TOTAL = re.compile(r"(\d+) requests in")


@dataclass
class LoadResult:
    name: str
    requests_per_s: float
    requests: int
    errors: int


class Gunicorn:
    """gunicorn on an ephemeral loopback port, stopped (and its workers with it) on exit."""

    def __init__(self, env: dict[str, str], workers: int) -> None:
        self.env, self.workers = env, workers
        self.process: subprocess.Popen | None = None
        self.base_url = ""

    def __enter__(self) -> Gunicorn:
        command = [
            sys.executable, "-m", "gunicorn", "config.wsgi:application",
            "--bind", "127.0.0.1:0", "--workers", str(self.workers),
            "--worker-class", "sync", "--log-level", "info", "--timeout", "120",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command,
            env=self.env,
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            preexec_fn=die_with_parent,  # noqa: PLW1509 - no threads started yet matter here
        )
        deadline = time.monotonic() + 60
        assert self.process.stderr is not None
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if not line and self.process.poll() is not None:
                raise RuntimeError("gunicorn exited before listening")
            match = _LISTENING.search(line)
            if match:
                self.base_url = f"http://{match.group(1)}:{match.group(2)}"
                break
        else:
            raise RuntimeError("gunicorn did not start listening within 60 s")
        # Drain stderr in the background so a chatty worker never blocks on a full pipe.
        threading.Thread(target=self._drain, daemon=True).start()
        self._wait_for_workers()
        return self

    def _drain(self) -> None:
        assert self.process is not None and self.process.stderr is not None
        for _line in self.process.stderr:
            pass

    def _wait_for_workers(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if len(self.worker_pids()) >= self.workers:
                return
            time.sleep(0.2)

    def worker_pids(self) -> list[int]:
        return children(self.process.pid) if self.process else []

    def __exit__(self, *exc: object) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(url: str, seconds: float) -> tuple[float, int, int]:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{max(1, round(seconds))}s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(_RPS.search(output).group(1)) if _RPS.search(output) else 0.0
    errors = int(_NON_2XX.search(output).group(1)) if _NON_2XX.search(output) else 0
    total = int(_TOTAL.search(output).group(1)) if _TOTAL.search(output) else 0
    return rps, total, errors


def measure(
    pages: list[dict], *, env: dict[str, str], seconds: float, workers: int
) -> tuple[list[LoadResult], float | None]:
    """Each page in turn for ``seconds``; returns the results and the highest peak RSS of
    any gunicorn worker (MB) over the whole test."""
    results = []
    with Gunicorn(env, workers) as server:
        for page in pages:
            url = server.base_url + page["path"]
            # Warm every worker (template and connection caches) before counting.
            for _ in range(workers * 2):
                try:
                    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310
                        response.read()
                except urllib.error.HTTPError:
                    pass  # wrk counts the error responses below
            rps, total, errors = run_wrk(url, seconds)
            results.append(LoadResult(page["name"], round(rps, 1), total, errors))
        peaks = [peak_rss_mb(pid) for pid in server.worker_pids()]
    worker_peak = max((p for p in peaks if p is not None), default=None)
    return results, (round(worker_peak, 1) if worker_peak else None)


def default_workers() -> int:
    return 2 * (os.cpu_count() or 1)
