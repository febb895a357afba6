"""``celery worker`` as an operator runs it, on a queue of the run's own, stopped with its
pool on exit: the ingestion benchmark's pipeline and the edit load's rebuilds."""

from __future__ import annotations

import subprocess
import sys
import time

from bench.memory import children, die_with_parent, peak_rss_mb, rss_mb


class Worker:
    def __init__(self, env: dict[str, str], *, app: str, queue: str, concurrency: int) -> None:
        self.env = env
        self.app = app
        self.queue = queue
        self.concurrency = concurrency
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Worker:
        command = [
            sys.executable, "-m", "celery", "-A", self.app, "worker",
            f"--concurrency={self.concurrency}", "--pool=prefork", "--loglevel=WARNING",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
            f"--hostname={self.queue}@%h", f"--queues={self.queue}",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=die_with_parent,  # noqa: PLW1509
        )
        deadline = time.monotonic() + 60
        while len(self.pool_pids()) < self.concurrency and time.monotonic() < deadline:
            time.sleep(0.2)
        return self

    def pool_pids(self) -> list[int]:
        return children(self.process.pid) if self.process else []

    def peak_mb(self) -> float:
        peaks = [peak_rss_mb(pid) for pid in self.pool_pids()]
        return round(max((p for p in peaks if p), default=0.0), 1)

    def rss_mb(self) -> float:
        sizes = [rss_mb(pid) for pid in self.pool_pids()]
        return round(max((s for s in sizes if s), default=0.0), 1)

    def __exit__(self, *exc: object) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
