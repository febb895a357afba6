"""A small threaded HTTP client that records every answer it gets, for fault tests."""

from __future__ import annotations

import http.client
import itertools
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Answer:
    started: float  # time.monotonic()
    path: str
    status: int  # 0 when no HTTP answer came at all (connection refused, reset, timeout)
    body: str
    error: str = ""


def get(base: str, path: str, *, timeout: float = 15, headers: dict | None = None) -> Answer:
    parts = urlsplit(base)
    started = time.monotonic()
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        body = response.read().decode("utf-8", errors="replace")
        return Answer(started, path, response.status, body)
    except (OSError, http.client.HTTPException) as exc:
        return Answer(started, path, 0, "", error=f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()


class Load:
    """``threads`` clients requesting ``paths`` round-robin until stopped."""

    def __init__(self, base: str, paths: list[str], *, threads: int) -> None:
        self.base = base
        self.paths = paths
        self.answers: list[Answer] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, args=(offset,), daemon=True)
            for offset in range(threads)
        ]

    def _run(self, offset: int) -> None:
        for path in itertools.islice(itertools.cycle(self.paths), offset, None):
            if self._stop.is_set():
                return
            answer = get(self.base, path)
            with self._lock:
                self.answers.append(answer)
            if answer.status == 0:
                time.sleep(0.05)  # a refused connection answers instantly; do not spin

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def snapshot(self) -> list[Answer]:
        with self._lock:
            return list(self.answers)
