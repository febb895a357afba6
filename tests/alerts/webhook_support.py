"""A webhook receiver on loopback for the webhook tests: a small threaded HTTP server
that checks each POST the way README "Webhooks" tells receivers to, and answers with the
statuses a test lines up (200 once the line is empty).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import redis

from ingestion.fetching import ratelimit

REPLAY_WINDOW = 300


def verify(secret: str, headers: dict[str, str], body: bytes, *, now: float) -> bool:
    """A receiver's check: the signature of "<timestamp>.<body>" with the shared secret
    matches, and the timestamp is at most five minutes old."""
    stamp = headers.get("x-tracker-timestamp", "")
    if not stamp.isdigit() or abs(now - int(stamp)) > REPLAY_WINDOW:
        return False
    expected = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest(expected.hexdigest(), headers.get("x-tracker-signature", ""))


@dataclass
class Received:
    path: str
    headers: dict[str, str]  # names lower-cased
    body: bytes
    answered: int
    verified: bool

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Every POST it got (``received``), checked against ``secret``."""

    secret: str = ""
    answers: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the name http.server looks for
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                with receiver.lock:
                    status = receiver.answers.pop(0) if receiver.answers else 200
                    ok = verify(receiver.secret, headers, body, now=time.time())
                    receiver.received.append(Received(self.path, headers, body, status, ok))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def host_port(self) -> str:
        return f"127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str = "/hook") -> str:
        return f"http://{self.host_port}{path}"

    def payloads(self) -> list[dict]:
        with self.lock:
            return [r.payload for r in self.received]


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:
    """A receiver the fetch client may reach (loopback is refused otherwise), with short
    timeouts and no per-host wait."""
    server = Receiver().start()
    settings.INGESTION_ALLOWED_HOSTS = [server.host_port]
    settings.INGESTION_CONNECT_TIMEOUT = 2
    settings.INGESTION_READ_TIMEOUT = 2
    settings.INGESTION_TOTAL_TIMEOUT = 5
    settings.INGESTION_PER_HOST_RATE = 1000
    settings.INGESTION_PER_HOST_BURST = 1000
    _reset_rate_limit(settings)
    yield server
    server.stop()
    _reset_rate_limit(settings)


def _reset_rate_limit(settings) -> None:
    ratelimit._local_bucket.clear()
    if settings.REDIS_URL:
        with contextlib.suppress(redis.RedisError):
            ratelimit._redis_client(settings.REDIS_URL).delete(ratelimit.KEY_PREFIX + "127.0.0.1")


@pytest.fixture
def eager_celery():
    """Run queued tasks in-process, as with no REDIS_URL."""
    from config.celery import app

    before = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield app
    app.conf.update(task_always_eager=before[0], task_eager_propagates=before[1])


@pytest.fixture
def beat(eager_celery, django_capture_on_commit_callbacks, settings):
    """``beat()`` runs the scheduled webhook task as beat would, with the deliveries it
    queues run at once; changes are read up to the moment of the run."""
    from alerts.webhook_tasks import queue_webhook_deliveries

    settings.ALERTS_WEBHOOK_SETTLE_SECONDS = 0

    def run() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return queue_webhook_deliveries()

    return run
