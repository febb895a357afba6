"""Fixtures for ingestion tests: loopback HTTP servers the fetcher is allowed to reach,
and the domain rows the pipeline matches against.

The outside internet is never reached: feeds and pages are served from 127.0.0.1 on an
ephemeral port, which INGESTION_ALLOWED_HOSTS lets the fetcher reach.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import redis

from controversies.models import Controversy, Organization, Product, Topic
from ingestion.fetching import ratelimit
from ingestion.pipeline import dedupe, matching, relevance
from tests.ingestion.localserver import LocalServer


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    server = LocalServer().start()
    yield server
    server.stop()


@pytest.fixture
def fetch_settings(settings, local_server: LocalServer):
    """Allow the local server, use short timeouts, and start with a fresh, generous bucket."""
    settings.INGESTION_ALLOWED_HOSTS = [local_server.host_port]
    settings.INGESTION_CONNECT_TIMEOUT = 2
    settings.INGESTION_READ_TIMEOUT = 2
    settings.INGESTION_TOTAL_TIMEOUT = 5
    settings.INGESTION_PER_HOST_RATE = 1000
    settings.INGESTION_PER_HOST_BURST = 1000
    reset_rate_limits("127.0.0.1", settings)
    yield settings
    reset_rate_limits("127.0.0.1", settings)


def reset_rate_limits(host: str, settings) -> None:
    ratelimit._local_bucket.clear()
    if settings.REDIS_URL:
        # Without a reachable Redis the fetcher limits in-process, cleared above.
        with contextlib.suppress(redis.RedisError):
            ratelimit._redis_client(settings.REDIS_URL).delete(ratelimit.KEY_PREFIX + host)


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    # When set, the answer waits until the event is set (a slow site, under the test's
    # control).
    gate: threading.Event | None = None


class LoopbackSite:
    """Serves ``routes`` (path -> Route) and counts the requests for each path."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: dict[str, int] = {}
        self.lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                with site.lock:
                    site.hits[self.path] = site.hits.get(self.path, 0) + 1
                # Like most sites, ignore query parameters a route does not name.
                route = site.routes.get(self.path) or site.routes.get(self.path.split("?")[0])
                if route is None:
                    self.send_response(404)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", "9")
                    self.end_headers()
                    self.wfile.write(b"not found")
                    return
                if route.gate is not None:
                    route.gate.wait(30)
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self.send_response(304)
                    self.send_header("ETag", route.etag)
                    self.end_headers()
                    return
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                if route.etag:
                    self.send_header("ETag", route.etag)
                for key, value in route.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(route.body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, body: bytes, **kwargs) -> str:
        self.routes[path] = Route(body=body, **kwargs)
        return self.url(path)


@pytest.fixture
def site(settings):
    """Pipeline tests' web site: short timeouts and no rate limit, which the fetcher's own
    tests cover; the end-to-end test keeps the real limit."""
    server = LoopbackSite()
    server.thread.start()
    settings.INGESTION_ALLOWED_HOSTS = [f"127.0.0.1:{server.port}"]
    settings.INGESTION_CONNECT_TIMEOUT = 2
    settings.INGESTION_READ_TIMEOUT = 2
    settings.INGESTION_TOTAL_TIMEOUT = 5
    settings.INGESTION_PER_HOST_RATE = 1000
    settings.INGESTION_PER_HOST_BURST = 1000
    reset_rate_limits("127.0.0.1", settings)
    yield server
    server.server.shutdown()
    server.server.server_close()
    reset_rate_limits("127.0.0.1", settings)


@pytest.fixture(autouse=True)
def _fresh_ingestion_caches():
    """Each test starts with an empty near-duplicate index and matcher cache (ids of
    rolled-back rows from earlier tests must not linger)."""
    dedupe.near_duplicate_index.reset()
    matching.forget_matcher()
    relevance.forget_topic_terms()
    yield
    dedupe.near_duplicate_index.reset()
    matching.forget_matcher()
    relevance.forget_topic_terms()


@pytest.fixture
def eager_celery():
    """Run Celery tasks in-process, as with no REDIS_URL, whatever the environment."""
    from config.celery import app

    before = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield app
    app.conf.update(task_always_eager=before[0], task_eager_propagates=before[1])


@dataclass
class Domain:
    amazon: Organization
    aclu: Organization
    ice: Organization
    rekognition: Product
    controversy: Controversy
    unrelated: Controversy


@pytest.fixture
def domain(db) -> Domain:
    """A compact Rekognition case: enough entities and aliases to match the STORY text."""
    amazon = Organization.objects.create(
        name="Amazon", slug="amazon", aliases="Amazon.com\nAmazon Web Services\nAWS"
    )
    aclu = Organization.objects.create(
        name="American Civil Liberties Union",
        slug="aclu",
        kind=Organization.Kind.ADVOCACY_GROUP,
        aliases="ACLU",
    )
    ice = Organization.objects.create(
        name="U.S. Immigration and Customs Enforcement",
        slug="ice",
        kind=Organization.Kind.GOVERNMENT_AGENCY,
        aliases="ICE",
    )
    rekognition = Product.objects.create(
        name="Amazon Rekognition", slug="rekognition", developer=amazon, aliases="Rekognition"
    )
    facial = Topic.objects.create(name="facial recognition", slug="facial-recognition")
    controversy = Controversy.objects.create(
        title="Amazon Rekognition sold to police",
        slug="amazon-rekognition",
        started_on=dt.date(2018, 5, 22),
    )
    controversy.companies.add(amazon)
    controversy.products.add(rekognition)
    controversy.topics.add(facial)
    unrelated = Controversy.objects.create(title="Unrelated chatbot case", slug="chatbot")
    return Domain(amazon, aclu, ice, rekognition, controversy, unrelated)
