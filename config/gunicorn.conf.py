"""gunicorn settings shared by the Docker image and `make stack`.

The bind address comes from the command line (compose and the Procfile differ); worker
count from gunicorn's own WEB_CONCURRENCY variable.
"""

from __future__ import annotations

from config.env import env_str
from config.logs import build_logging

wsgi_app = "config.wsgi:application"
# Heartbeat files on tmpfs: a container's overlay filesystem can stall them.
worker_tmp_dir = "/dev/shm"  # noqa: S108
# Enough to finish a slow page after SIGTERM, well under compose's 10 s stop timeout.
graceful_timeout = 8
timeout = 30
# One access line per request comes from config.middleware.RequestIdMiddleware, with the
# request id; gunicorn's own access log would duplicate it without the id.
accesslog = None
logconfig_dict = build_logging(
    log_format=env_str("LOG_FORMAT", "text"), level=env_str("LOG_LEVEL", "INFO")
)
