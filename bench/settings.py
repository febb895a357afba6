"""Settings for benchmark runs: the project's own, plus the floor view's URL and template
and the ``seed_bulk`` command.

Kept out of config/ so production never serves the floor view nor installs bench_data.
"""

from __future__ import annotations

import os

from config.settings import *  # noqa: F403
from config.settings import ALLOWED_HOSTS, BASE_DIR, INSTALLED_APPS, TEMPLATES

ROOT_URLCONF = "bench.urls"
# manage.py seed_bulk (synthetic data at scale); the app has no models.
INSTALLED_APPS = [*INSTALLED_APPS, "bench_data"]
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver", "127.0.0.1", "localhost"]
# The load generator hammers one address; the per-IP limits would answer 429s.
API_RATE_LIMIT = ""
EXPORT_RATE_LIMIT = ""
FEED_RATE_LIMIT = ""
# A run that starts its own Celery worker names a queue of its own, so that neither takes
# another run's tasks from the shared broker (bench/edit_load.py).
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")
