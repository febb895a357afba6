"""Settings for benchmark runs: the project's own, plus the floor view's URL and template.

Kept out of config/ so production never serves the floor view.
"""

from __future__ import annotations

from config.settings import *  # noqa: F403
from config.settings import ALLOWED_HOSTS, BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver", "127.0.0.1", "localhost"]
# The load generator hammers one address; the per-IP limits would answer 429s.
API_RATE_LIMIT = ""
EXPORT_RATE_LIMIT = ""
FEED_RATE_LIMIT = ""
