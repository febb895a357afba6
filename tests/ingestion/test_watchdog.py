"""The fetch client's shared watchdog: deadlines fire in order, cancelled ones never."""

from __future__ import annotations

import os
import threading

from ingestion.fetching.watchdog import Watchdog


def test_alarms_fire_in_deadline_order_and_cancelled_ones_never():
    watchdog = Watchdog()
    fired: list[str] = []
    done = threading.Event()

    watchdog.after(0.3, lambda: (fired.append("late"), done.set()))
    cancelled = watchdog.after(0.1, lambda: fired.append("cancelled"))
    watchdog.after(0.05, lambda: fired.append("soon"))  # sooner than what it waits for
    cancelled.cancel()

    assert done.wait(5)
    assert fired == ["soon", "late"]


def test_a_failing_alarm_does_not_stop_the_next():
    watchdog = Watchdog()
    done = threading.Event()
    watchdog.after(0.0, lambda: 1 / 0)
    watchdog.after(0.05, done.set)
    assert done.wait(5)


def test_it_works_in_a_forked_worker_process():
    watchdog = Watchdog()
    watchdog.after(60, lambda: None)  # the parent's thread is running
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: a Celery pool process after the fork
        done = threading.Event()
        watchdog.after(0.01, done.set)
        os.write(write, b"1" if done.wait(5) else b"0")
        os._exit(0)
    os.close(write)
    assert os.read(read, 1) == b"1"
    os.waitpid(pid, 0)
