"""Peak resident memory of processes, read from the kernel rather than estimated."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024


def _status_kb(pid: int, field: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return None


def rss_mb(pid: int) -> float | None:
    kb = _status_kb(pid, "VmRSS")
    return None if kb is None else kb / 1024


def peak_rss_mb(pid: int) -> float | None:
    """The highest resident size the process has had so far (VmHWM)."""
    kb = _status_kb(pid, "VmHWM")
    return None if kb is None else kb / 1024


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except FileNotFoundError:
        return []
    return [int(p) for p in text.split()]


def die_with_parent() -> None:
    """preexec_fn for servers and workers we start: the kernel sends them SIGTERM when
    the process that started them dies, so a killed run leaves nothing behind."""
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def self_peak_mb() -> float:
    """This process's own peak RSS so far, in MB."""
    return peak_rss_mb(os.getpid()) or 0.0


@dataclass
class Finished:
    returncode: int
    seconds: float
    peak_rss_mb: float
    output: str


def run_measured(
    command: Sequence[str], *, env: dict[str, str] | None = None, cwd: str | None = None
) -> Finished:
    """Run a command to completion; its wall time and the peak RSS the kernel recorded
    for it (wait4 reports the maximum of the process and any child it waited for)."""
    started = time.monotonic()
    process = subprocess.Popen(
        list(command),
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = process.stdout.read() if process.stdout else ""
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return Finished(
        returncode=process.returncode,
        seconds=time.monotonic() - started,
        peak_rss_mb=usage.ru_maxrss / 1024,  # Linux reports kilobytes
        output=output,
    )
