"""Slow-header clients (a slowloris) and the once-a-second probes that must still be answered.

A slow-header client opens a connection, sends a request line and then one header line
every few seconds, never the blank line that ends the headers. A server that gives each
such connection a worker (or a thread) while it waits for the rest stops answering anyone
else once there are enough of them.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass


class SlowHeaderClients:
    """``count`` connections to ``port`` on loopback, each sending one more header line every
    ``interval`` seconds. A connection the server closes (nginx answers 408 when its header
    timeout runs out) is replaced at once, so ``count`` stay open until ``stop()``."""

    def __init__(self, port: int, *, count: int, interval: float = 2.0) -> None:
        self.port = port
        self.count = count
        self.interval = interval
        self.opened = 0
        self.replaced = 0
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> SlowHeaderClients:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        self._thread.join(timeout=30)

    def _open(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        self.opened += 1
        return sock

    def _run(self) -> None:
        sockets = [self._open() for _ in range(self.count)]
        line = 0
        try:
            while not self._stopping.wait(self.interval):
                line += 1
                for index, sock in enumerate(sockets):
                    if not self._dribble(sock, line):
                        sock.close()
                        sockets[index] = self._open()
                        self.replaced += 1
        finally:
            for sock in sockets:
                sock.close()

    @staticmethod
    def _dribble(sock: socket.socket, line: int) -> bool:
        """Send one more header line; False once the server has answered or hung up."""
        readable, _, _ = select.select([sock], [], [], 0)
        if readable:
            return False
        try:
            sock.sendall(f"X-Slow-{line}: still typing\r\n".encode())
        except OSError:
            return False
        return True


@dataclass(frozen=True)
class Probe:
    path: str
    status: int | None  # None: no answer at all (timeout, refused, reset)
    seconds: float
    error: str = ""


def probe(base: str, path: str, *, timeout: float) -> Probe:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(base + path, timeout=timeout) as response:  # noqa: S310
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError as error:
        return Probe(path, None, time.monotonic() - started, repr(error))
    return Probe(path, status, time.monotonic() - started)


def probe_every_second(base: str, paths: list[str], *, seconds: int, timeout: float) -> list[Probe]:
    """Request each of ``paths`` once a second for ``seconds`` seconds."""
    results = []
    start = time.monotonic()
    for tick in range(seconds):
        for path in paths:
            results.append(probe(base, path, timeout=timeout))
        with contextlib.suppress(ValueError):
            time.sleep(start + tick + 1 - time.monotonic())
    return results
