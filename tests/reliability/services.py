"""Stopping and restoring the machine's real PostgreSQL and Redis.

These are the same services CI's .ci/run starts (and with the same commands), so a
restart here is what an operator's restart or a crash looks like to the application.
Every helper waits until the service answers again before it returns; the
``services_restored`` fixture in conftest.py restarts anything a failed test left down.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from urllib.parse import urlsplit

import redis
from django.conf import settings
from django.db import connections


def redis_port() -> int:
    """The port of the Redis this run is configured with (REDIS_URL; CI's is 6379)."""
    return urlsplit(settings.REDIS_URL or "redis://127.0.0.1").port or 6379


def _redis_start() -> list[str]:
    return [
        "redis-server",
        "--daemonize",
        "yes",
        "--bind",
        "127.0.0.1",
        "-::1",
        "--port",
        str(redis_port()),
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        "/var/lib/redis",
        "--logfile",
        "/var/log/redis/ci.log",
    ]


def _cluster_version() -> str:
    versions = sorted(os.listdir("/etc/postgresql"))
    return versions[-1]


def can_restart_services() -> str | None:
    """Why this machine cannot restart the services, or None when it can."""
    for tool in ("pg_ctlcluster", "pg_isready", "redis-server", "redis-cli"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    if not os.path.isdir("/etc/postgresql"):
        return "no local PostgreSQL cluster in /etc/postgresql"
    if os.geteuid() != 0:
        return "restarting PostgreSQL and Redis needs root (CI runs as root)"
    return None


def postgres_ready() -> bool:
    result = subprocess.run(
        ["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"], check=False, timeout=10
    )
    return result.returncode == 0


def wait_for_postgres(timeout: float = 60) -> float:
    """Block until PostgreSQL accepts connections; return the monotonic time it did."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if postgres_ready():
            return time.monotonic()
        time.sleep(0.2)
    raise AssertionError("PostgreSQL did not come back")


def start_postgres() -> None:
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", _cluster_version(), "main", "start"],
        check=False,
        timeout=60,
    )


def restart_postgres() -> float:
    """Restart the cluster (fast shutdown: every connection is cut); return when it is
    back, as a monotonic time."""
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", _cluster_version(), "main", "restart"],
        check=True,
        timeout=120,
    )
    back = wait_for_postgres()
    # This process's own connections died with the old server.
    for conn in connections.all():
        conn.close()
    return back


def redis_ready() -> bool:
    try:
        return bool(redis.Redis(port=redis_port(), socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def wait_for_redis(timeout: float = 30) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if redis_ready():
            return time.monotonic()
        time.sleep(0.1)
    raise AssertionError("Redis did not come back")


def start_redis() -> None:
    subprocess.run(_redis_start(), check=True, timeout=30)


def stop_redis() -> None:
    """Shut Redis down without saving (its queues and unacknowledged messages are lost,
    as after a crash of an unpersisted broker); return once it no longer answers."""
    subprocess.run(
        ["redis-cli", "-p", str(redis_port()), "shutdown", "nosave"], check=False, timeout=30
    )
    deadline = time.monotonic() + 20
    while redis_ready() and time.monotonic() < deadline:
        time.sleep(0.1)
    if redis_ready():
        raise AssertionError("Redis did not stop")


def restart_redis() -> float:
    """Stop Redis as ``stop_redis`` does and start it again; return when it is back."""
    stop_redis()
    start_redis()
    return wait_for_redis()


def ensure_services_up() -> None:
    if not postgres_ready():
        start_postgres()
        wait_for_postgres()
        for conn in connections.all():
            conn.close()
    if settings.REDIS_URL and not redis_ready():
        start_redis()
        wait_for_redis()
