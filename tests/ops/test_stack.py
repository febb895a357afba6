"""Smoke test of `make stack`: nginx in front of gunicorn, a Celery worker and beat against
the real PostgreSQL and Redis, reached over HTTP and the broker, then stopped with no
process left behind."""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connection

from tests.factories import CuratorFactory
from tests.ingestion.documents import STORY, page, rss
from tests.ops.conftest import REPO, base_env, closed_port
from tests.ops.http_helpers import Browser, LoopbackSite

CURATOR_PASSWORD = "a long passphrase for the smoke test"
STORY_TITLE = "Amazon sold Rekognition to police"
OTHER_TITLE = "Congress members misidentified by face search"
START_TIMEOUT = 180
STOP_TIMEOUT = 60


def _get(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


class Stack:
    """`make stack` in its own session, its output in a file."""

    def __init__(self, tmp_path: Path, **extra_env: str) -> None:
        self.port = closed_port()
        self.web_port = closed_port()
        while self.web_port == self.port:
            self.web_port = closed_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.schedule = tmp_path / "beat-schedule"
        self.log = tmp_path / "stack.log"
        # The stack's processes must see the test database, where this test's rows live.
        database_url = (
            urlsplit(os.environ["DATABASE_URL"])
            ._replace(path="/" + connection.settings_dict["NAME"])
            .geturl()
        )
        from django.conf import settings

        self.env = base_env(
            DEBUG="false",
            SECRET_KEY="stack-smoke-test-key-not-for-production-long-enough-for-the-check",
            ALLOWED_HOSTS="127.0.0.1",
            DATABASE_URL=database_url,
            REDIS_URL=settings.REDIS_URL,
            LOG_FORMAT="json",
            CELERY_BEAT_SCHEDULE_FILENAME=str(self.schedule),
            CELERY_WORKER_CONCURRENCY="1",
            # nginx keeps its configuration and temporary files under the test's directory.
            TMPDIR=str(tmp_path),
            **extra_env,
        )
        for name in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
            self.env.pop(name, None)
        self.process: subprocess.Popen | None = None
        self.seen: list[psutil.Process] = []

    def start(self) -> None:
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                ["make", "stack", f"STACK_PORT={self.port}", f"STACK_WEB_PORT={self.web_port}"],
                cwd=REPO,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def json_lines(self) -> list[tuple[str, dict]]:
        """(process, record) for each JSON log line honcho printed ("12:00:01 web.1 | {...}")."""
        records = []
        for line in self.output().splitlines():
            prefix, _, rest = line.partition(" | ")
            if rest.startswith("{"):
                records.append((prefix.split()[-1], json.loads(rest)))
        return records

    def wait_ready(self) -> dict:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "make stack exited early:\n" + self.output()
            try:
                status, _, body = _get(self.base + "/readyz")
            except OSError:
                status = None
            if status == 200:
                return body
            time.sleep(1)
        raise AssertionError("the stack never became ready:\n" + self.output()[-5000:])

    def remember_processes(self) -> None:
        root = psutil.Process(self.process.pid)
        self.seen = [root, *root.children(recursive=True)]

    def worker_pong(self) -> str:
        """`celery inspect ping` the stack's worker (what the compose health check runs),
        retrying while it boots: the web tier is usually ready first."""
        node = f"celery@{socket.gethostname()}"
        command = [sys.executable, "-m", "celery", "-A", "config"]
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            result = subprocess.run(
                [*command, "inspect", "ping", "-d", node, "--timeout", "5"],
                cwd=REPO,
                env=self.env,
                capture_output=True,
                text=True,
                timeout=60,
            )
            if result.returncode == 0 or time.monotonic() > deadline:
                return result.stdout + result.stderr
            assert self.process.poll() is None, "make stack exited early:\n" + self.output()

    def stop(self, how: str) -> int:
        if how == "ctrl-c":
            # What a terminal does on Ctrl-C: SIGINT to the whole foreground group.
            os.killpg(self.process.pid, signal.SIGINT)
        else:
            # What a supervisor does: SIGTERM to the process it started.
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=STOP_TIMEOUT)

    def leftovers(self) -> list[str]:
        alive = []
        for proc in self.seen:
            try:
                if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                    alive.append(f"{proc.pid} {' '.join(proc.cmdline())}")
            except psutil.NoSuchProcess:
                continue
        # Anything else still in the stack's session, or serving its port.
        for proc in psutil.process_iter(["pid", "cmdline"]):
            try:
                in_group = os.getpgid(proc.pid) == self.process.pid
            except ProcessLookupError:
                continue
            if in_group and proc.status() != psutil.STATUS_ZOMBIE:
                alive.append(f"{proc.pid} {' '.join(proc.info['cmdline'] or [])}")
        return sorted(set(alive))

    def kill_everything(self) -> None:
        for proc in self.seen:
            with contextlib.suppress(psutil.NoSuchProcess):
                proc.kill()


def _ensure_curator_group() -> None:
    """The Curator group's review-queue permissions, as the ingestion data migration
    grants them. An earlier transactional test's flush deletes groups (permissions are
    recreated by the flush, groups are not), so put it back when it is gone."""
    if Group.objects.filter(name="Curator", permissions__isnull=False).exists():
        return
    grants = importlib.import_module("ingestion.migrations.0002_curator_review_permissions")
    group, _ = Group.objects.get_or_create(name="Curator")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="ingestion", codename__in=grants._codenames()
        )
    )


@pytest.fixture
def news_site():
    """A news site on loopback: a feed with one story (the outside internet, stood in)."""
    with LoopbackSite() as site:
        story_url = site.add(
            "/news/rekognition-police",
            page(title=STORY_TITLE, paragraphs=STORY),
            "text/html; charset=utf-8",
        )
        site.add(
            "/news/face-search",
            page(title=OTHER_TITLE, paragraphs=STORY[1:]),
            "text/html; charset=utf-8",
        )
        site.add(
            "/feed.xml",
            rss(
                [{"title": STORY_TITLE, "link": story_url, "date": "Thu, 02 May 2024 09:30:00 GMT"}]
            ),
            "application/rss+xml",
        )
        yield site


@pytest.fixture
def stack(tmp_path, news_site):
    # The stack's worker may fetch from the loopback site, and only from it.
    stack = Stack(tmp_path, INGESTION_ALLOWED_HOSTS=f"127.0.0.1:{news_site.port}")
    yield stack
    # Only if the test failed half-way: never leave a server behind.
    if stack.process is not None and stack.process.poll() is None:
        stack.remember_processes()
        os.killpg(stack.process.pid, signal.SIGKILL)
    stack.kill_everything()


@pytest.mark.services
# The stack's processes only see committed rows.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_it_runs_web_worker_and_beat_and_stops_them_all(stack, news_site, how):
    call_command("load_demo", stdout=io.StringIO())
    # A staff member in the Curator group, with only the permissions that group grants.
    _ensure_curator_group()
    CuratorFactory(username="curator", password=CURATOR_PASSWORD)
    stack.start()
    ready = stack.wait_ready()
    assert '"database": "ok"' in ready and '"redis": "ok"' in ready

    # The reference case, rendered by gunicorn from the database the stack shares and
    # handed out by nginx, the only process on the public port.
    status, headers, body = _get(stack.base + "/controversies/amazon-rekognition/")
    assert status == 200
    assert "Rekognition" in body
    assert headers["X-Request-ID"]
    assert headers["Server"] == "nginx"
    status, headers, _ = _get(f"http://127.0.0.1:{stack.web_port}/healthz")
    assert status == 200 and headers["Server"] == "gunicorn"

    # The web tier serves a real page, with its stylesheet, over HTTP.
    status, headers, body = _get(stack.base + "/admin/login/")
    assert status == 200
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    stylesheet = body.split('href="/static/admin/css/base.', 1)[1].split('"', 1)[0]
    assert _get(f"{stack.base}/static/admin/css/base.{stylesheet}")[0] == 200

    # A curator signs in over HTTP (session and CSRF cookies, throttled login).
    browser = Browser(stack.base)
    assert browser.login("curator", CURATOR_PASSWORD) == 200
    status, admin_index = browser.get("/admin/")
    assert status == 200 and "Log out" in admin_index

    # The web tier's pooled database connection survives the database dropping it (what a
    # restart or failover does): CONN_HEALTH_CHECKS replaces it instead of failing.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        assert cursor.fetchone()[0] >= 1
    status, _, ready = _get(stack.base + "/readyz")
    assert status == 200, ready

    # The worker answers on the broker; beat is running and keeps its file outside the repo.
    assert "pong" in stack.worker_pong()
    deadline = time.monotonic() + 60
    while "beat: Starting..." not in stack.output() and time.monotonic() < deadline:
        time.sleep(1)
    assert "beat: Starting..." in stack.output()
    assert any(path.name.startswith("beat-schedule") for path in stack.schedule.parent.iterdir())
    assert not list(REPO.glob("celerybeat-schedule*"))
    # Worker and web log JSON lines.
    assert '"message": "celery@' in stack.output()
    assert '"logger": "tracker.request"' in stack.output()

    # A feed added on the command line is polled by the running worker (the command only
    # queues it), and its story reaches the curators' review queue, seen over HTTP.
    added = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "ingest_feed",
            news_site.url("/feed.xml"),
        ],
        cwd=REPO,
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert added.returncode == 0, added.stderr
    assert "queued for the workers" in added.stdout
    deadline = time.monotonic() + START_TIMEOUT
    queue = ""
    while STORY_TITLE not in queue and time.monotonic() < deadline:
        status, queue = browser.get("/admin/ingestion/reviewitem/")
        assert status == 200
        time.sleep(1)
    assert STORY_TITLE in queue, stack.output()[-5000:]
    # A curator submits a page by hand: the worker's lines for it carry the id of the
    # curator's request as well as their own task's id.
    assert (
        browser.submit(
            "/admin/ingestion/article/submit/",
            {"url": news_site.url("/news/face-search")},
            headers={"X-Request-ID": "curator-submit-1"},
        )
        == 200
    )
    deadline = time.monotonic() + START_TIMEOUT
    while OTHER_TITLE not in queue and time.monotonic() < deadline:
        status, queue = browser.get("/admin/ingestion/reviewitem/")
        time.sleep(1)
    assert OTHER_TITLE in queue, stack.output()[-5000:]
    worker_lines = [entry for name, entry in stack.json_lines() if name == "worker.1"]
    assert any(
        entry["request_id"] == "curator-submit-1" and entry["task_id"] != "-"
        for entry in worker_lines
    )

    # The worker's log lines for that work carry their task's id and name.
    task_lines = [e for e in worker_lines if e.get("task_name", "").startswith("ingestion.")]
    assert task_lines and all(len(entry["task_id"]) == 36 for entry in task_lines)

    stack.remember_processes()
    names = " ".join(" ".join(p.cmdline()) for p in stack.seen)
    assert "nginx: master process" in names and "gunicorn" in names
    assert "celery -A config worker" in names
    assert "celery -A config beat" in names

    stack.stop(how)
    assert stack.leftovers() == []
    for port in (stack.port, stack.web_port):
        with pytest.raises(OSError):
            _get(f"http://127.0.0.1:{port}/healthz")


def test_it_refuses_to_start_without_redis(tmp_path):
    env = base_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    for name in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
        env.pop(name, None)
    result = subprocess.run(
        ["make", "--no-print-directory", "stack"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "make stack needs REDIS_URL" in result.stderr
    # It stopped before touching the database.
    assert not (tmp_path / "db.sqlite3").exists()
