"""Full exports while visitors browse: the pages' latency while two full exports
download at once, and how long a full export takes to send from its file.

gunicorn runs with the production settings except three: the export files go to a
temporary folder and are built in a background thread of the web process (the bench
runs no Celery worker), and the whole-page cache is off so each timed page is rendered,
as for a visitor who misses the cache. (bench.settings turns the per-client limits off:
one address downloads over and over.)
"""

from __future__ import annotations

import tempfile
import threading
import time
import urllib.error
import urllib.request

from bench.load import Gunicorn, default_workers
from bench.pages import percentile

FULL = ("/exports/controversies.csv", "/exports/controversies.json")
BUILD_TIMEOUT = 600


def _get(url: str) -> tuple[int, dict[str, str], int]:
    """Status, headers and body size of one download, read to the end."""
    try:
        response = urllib.request.urlopen(url, timeout=BUILD_TIMEOUT)  # noqa: S310
    except urllib.error.HTTPError as error:
        response = error  # a page that fails is reported with its status, not retried
    with response:
        size = 0
        while block := response.read(256 * 1024):
            size += len(block)
        return response.status, dict(response.headers), size


def _wait_for_file(url: str) -> float:
    """Seconds from the first request of a full export until one is sent from a file
    (it has an ETag); the answers before are streamed."""
    started = time.monotonic()
    while time.monotonic() - started < BUILD_TIMEOUT:
        _, headers, _ = _get(url)
        if "ETag" in headers:
            return time.monotonic() - started
        time.sleep(0.5)
    raise RuntimeError(f"no file for {url} after {BUILD_TIMEOUT} s")


def _from_file(url: str, times: int) -> dict:
    seconds, size = [], 0
    for _ in range(times):
        started = time.monotonic()
        _, _, size = _get(url)
        seconds.append(time.monotonic() - started)
    return {"p50_s": round(percentile(seconds, 0.5), 3), "bytes": size}


def _download_until(url: str, stop: threading.Event, counts: list[int]) -> None:
    while not stop.is_set():
        _get(url)
        counts.append(1)


def _pages_during_exports(base: str, pages: list[dict], samples: int) -> tuple[list[dict], int]:
    stop, counts = threading.Event(), []
    downloads = [
        threading.Thread(target=_download_until, args=(base + path, stop, counts), daemon=True)
        for path in FULL
    ]
    for thread in downloads:
        thread.start()
    measured = []
    try:
        for page in pages:
            timings = []
            for _ in range(samples):
                started = time.perf_counter()
                status, _, _ = _get(base + page["path"])
                timings.append((time.perf_counter() - started) * 1000)
            measured.append(
                {
                    "name": page["name"],
                    "status": status,
                    "p95_ms": round(percentile(timings, 0.95), 1),
                    "samples": samples,
                }
            )
    finally:
        stop.set()
        for thread in downloads:
            thread.join()
    return measured, len(counts)


def measure(pages: list[dict], *, env: dict[str, str], samples: int) -> dict:
    with tempfile.TemporaryDirectory() as root:
        env = {
            **env,
            "EXPORT_FILES_ROOT": root,
            "EXPORT_FILE_BUILDS": "thread",
            "PAGE_CACHE_SECONDS": "0",
        }
        with Gunicorn(env, default_workers()) as server:
            base = server.base_url
            build_s = [_wait_for_file(base + path) for path in FULL]
            from_file = _from_file(base + FULL[0], times=5)
            measured, downloads = _pages_during_exports(base, pages, samples)
    return {
        "build_s": round(max(build_s), 1),
        "from_file": from_file,
        "downloads_during": downloads,
        "pages": measured,
    }
