"""The real processes the reliability tests run: Celery workers, beat and gunicorn.

Each runs in its own session (process group) with its output in a file, so a test can
SIGKILL a whole worker with its pool children at once, and teardown can stop everything
it started, whatever happened in between.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
TEST_SECRET_KEY = "reliability-test-key-not-for-production-long-enough-for-the-check"  # noqa: S105


def test_database_url() -> str:
    """The pytest test database (not the developer's), for processes started by tests."""
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(**overrides: str) -> dict[str, str]:
    """A production-like environment on the test database and this run's Redis."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY=TEST_SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=test_database_url(),
        REDIS_URL=settings.REDIS_URL,
        LOG_LEVEL="INFO",
        # The per-IP limits would turn a load test into a rate-limit test.
        API_RATE_LIMIT="",
        EXPORT_RATE_LIMIT="",
        FEED_RATE_LIMIT="",
        # Loopback fixtures are fetched as fast as the test needs.
        INGESTION_PER_HOST_RATE="10000",
        INGESTION_PER_HOST_BURST="10000",
        INGESTION_RETRY_BACKOFF_SECONDS="1",
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides)
    return env


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path

    def alive(self) -> bool:
        return self.popen.poll() is None

    def output(self, tail: int = 6000) -> str:
        try:
            return self.log.read_text(errors="replace")[-tail:]
        except FileNotFoundError:
            return ""

    def kill_hard(self) -> None:
        """SIGKILL the whole process group: what an OOM kill or a lost machine does."""
        if self.alive():
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=20)

    def stop(self, timeout: float = 20) -> None:
        if self.popen.poll() is None:
            try:
                os.killpg(self.popen.pid, signal.SIGTERM)
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=10)
            except ProcessLookupError:
                pass
        # Pool children that outlived their parent still belong to the group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)


@dataclass
class Processes:
    """Everything one test started; the fixture stops it all at teardown."""

    directory: Path
    started: list[Process] = field(default_factory=list)

    def start(self, name: str, command: list[str], env: dict[str, str]) -> Process:
        log = self.directory / f"{name}.log"
        with log.open("ab") as out:
            popen = subprocess.Popen(
                command,
                cwd=REPO,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        process = Process(name, popen, log)
        self.started.append(process)
        return process

    def worker(self, name: str, env: dict[str, str], *, concurrency: int = 4) -> Process:
        return self.start(
            name,
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "worker",
                "--pool=prefork",
                f"--concurrency={concurrency}",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--hostname",
                f"{name}-{os.getpid()}@%h",
            ],
            env,
        )

    def beat(self, name: str, env: dict[str, str], *, every: float = 1.0) -> Process:
        """celery beat with the project's schedule, every entry shortened to ``every``
        seconds (tests/reliability/fast_beat_settings.py)."""
        env = {
            **env,
            "DJANGO_SETTINGS_MODULE": "tests.reliability.fast_beat_settings",
            "RELIABILITY_BEAT_SECONDS": str(every),
        }
        schedule = self.directory / f"{name}-schedule"
        return self.start(
            name,
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "beat",
                "--loglevel=INFO",
                "--schedule",
                str(schedule),
            ],
            env,
        )

    def gunicorn(self, name: str, env: dict[str, str], *, workers: int = 4) -> tuple[Process, str]:
        """gunicorn with the project's config on a free loopback port; returns its base URL
        once /healthz answers."""
        port = free_port()
        process = self.start(
            name,
            [
                str(BIN / "gunicorn"),
                "--config",
                "config/gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
            ],
            env,
        )
        base = f"http://127.0.0.1:{port}"
        _wait_for_healthz(base, [process])
        return process, base

    def procfile(self, entry: str, env: dict[str, str]) -> Process:
        """One line of the Procfile, run the way `make stack` runs it: honcho hands the line
        to a shell, with the virtualenv first on PATH."""
        lines = (REPO / "Procfile").read_text().splitlines()
        commands = dict(line.split(": ", 1) for line in lines if line and line[0] != "#")
        env = {**env, "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}"}
        return self.start(entry, ["/bin/sh", "-c", commands[entry]], env)

    def web_behind_nginx(self, env: dict[str, str]) -> str:
        """The web tier as `make stack` runs it: the Procfile's proxy (nginx, the public
        entrance) on a free loopback port in front of its web (gunicorn with the project's
        default workers and threads). Returns nginx's base URL once /healthz answers
        through it."""
        public, internal = free_port(), free_port()
        while internal == public:
            internal = free_port()
        env = {
            **env,
            "STACK_PORT": str(public),
            "STACK_WEB_PORT": str(internal),
            # nginx's configuration and temporary files go under this test's directory.
            "TMPDIR": str(self.directory),
        }
        started = [self.procfile("web", env), self.procfile("proxy", env)]
        base = f"http://127.0.0.1:{public}"
        _wait_for_healthz(base, started)
        return base

    def stop_all(self) -> None:
        for process in reversed(self.started):
            process.stop()


def _wait_for_healthz(base: str, started: list[Process]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for process in started:
            if not process.alive():
                raise AssertionError(f"{process.name} exited:\n{process.output()}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):  # noqa: S310
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    logs = "\n".join(f"{process.name}:\n{process.output()}" for process in started)
    raise AssertionError(f"{base}/healthz never answered:\n{logs}")


def wait_until(predicate, *, timeout: float, interval: float = 0.5, message: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s: {message}")
