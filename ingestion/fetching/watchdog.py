"""One thread per process that calls each registered function when its deadline passes,
unless it was cancelled first: the fetch client's total-time limit.

A timer thread per fetch cost a thread start (and the wait for it to be scheduled, on
a busy worker) for a deadline that almost never fires.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import os
import threading
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)


class Alarm:
    """A registered deadline; ``cancel()`` before it passes and its function never runs."""

    __slots__ = ("at", "function", "order")

    def __init__(self, at: float, order: int, function: Callable[[], None]) -> None:
        self.at, self.order, self.function = at, order, function

    def __lt__(self, other: Alarm) -> bool:
        return (self.at, self.order) < (other.at, other.order)

    def cancel(self) -> None:
        self.function = None  # left in the heap, dropped when its time comes


class Watchdog:
    def __init__(self) -> None:
        self._reset()
        # A forked child (a Celery pool process) has no copy of the thread, and the lock
        # may have been held at the fork.
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._condition = threading.Condition()
        self._alarms: list[Alarm] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def after(self, seconds: float, function: Callable[[], None]) -> Alarm:
        """Call ``function`` (on the watchdog's thread) in ``seconds``, unless cancelled."""
        with self._condition:
            alarm = Alarm(time.monotonic() + max(0.0, seconds), next(self._order), function)
            heapq.heappush(self._alarms, alarm)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="fetch-watchdog")
                self._thread.daemon = True
                self._thread.start()
            elif self._alarms[0] is alarm:
                self._condition.notify()  # sooner than what the thread waits for
        return alarm

    def _run(self) -> None:
        condition = self._condition
        while True:
            with condition:
                while True:
                    if not self._alarms:
                        condition.wait()
                        continue
                    first = self._alarms[0]
                    if first.function is None:
                        heapq.heappop(self._alarms)
                        continue
                    delay = first.at - time.monotonic()
                    if delay <= 0:
                        heapq.heappop(self._alarms)
                        function, first.function = first.function, None
                        break
                    condition.wait(delay)
            try:
                function()  # outside the lock: it may block on the socket briefly
            except Exception:  # one failing alarm must not stop the others
                logger.exception("A fetch watchdog alarm failed")


watchdog = Watchdog()
