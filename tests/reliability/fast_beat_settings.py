"""The project's settings with every beat entry firing every few seconds, so a test sees
in seconds what production does in minutes (used only by tests' celery beat processes)."""

from __future__ import annotations

import os

from config.settings import *  # noqa: F403
from config.settings import CELERY_BEAT_SCHEDULE

_EVERY = float(os.environ.get("RELIABILITY_BEAT_SECONDS", "1"))

CELERY_BEAT_SCHEDULE = {
    name: {**entry, "schedule": _EVERY} for name, entry in CELERY_BEAT_SCHEDULE.items()
}
