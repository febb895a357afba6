"""gunicorn settings shared by the Docker image and `make stack`.

gunicorn is never the public entrance: nginx (deploy/nginx/, docker-compose's proxy
service, the Procfile's proxy) reads each request whole before passing it on, so a client
that sends its headers or body slowly costs an nginx connection, not a gunicorn thread.
The bind address comes from the command line (compose and the Procfile differ).
"""

from __future__ import annotations

from config import heap
from config.env import env_int, env_str
from config.logs import build_logging

wsgi_app = "config.wsgi:application"
# Threads let a worker answer the probes and other pages while one request waits on the
# database. Each thread keeps its own database connection: workers x threads connections.
worker_class = "gthread"
workers = env_int("WEB_CONCURRENCY", 2)
threads = env_int("WEB_THREADS", 4)
# Heartbeat files on tmpfs: a container's overlay filesystem can stall them.
worker_tmp_dir = "/dev/shm"  # noqa: S108
# Enough to finish a slow page after SIGTERM, well under compose's 10 s stop timeout.
graceful_timeout = 8
timeout = 30
# Forwarded headers change nothing here: whether a request came over HTTPS is decided by
# Django alone, from X-Forwarded-Proto and only when SECURE_PROXY_SSL_HEADER is on
# (config/settings.py). gunicorn's defaults would take it, and X-Forwarded-Ssl, from any
# loopback peer whatever that setting says.
forwarded_allow_ips = ""
secure_scheme_headers: dict[str, str] = {}
forwarder_headers = ""
# One access line per request comes from config.middleware.RequestIdMiddleware, with the
# request id; gunicorn's own access log would duplicate it without the id.
accesslog = None
logconfig_dict = build_logging(
    log_format=env_str("LOG_FORMAT", "text"), level=env_str("LOG_LEVEL", "INFO")
)


# Garbage collection (config/heap.py): each worker loads the application after the fork
# (no preload_app), then freezes what it loaded; it freezes again once warm, so that a full
# collection walks only what requests create rather than the whole application.
def post_worker_init(worker) -> None:
    heap.freeze_long_lived()


def post_request(worker, req, environ, resp) -> None:
    if worker.nr >= heap.WARM_REQUESTS and not getattr(worker, "heap_warm_frozen", False):
        worker.heap_warm_frozen = True
        heap.freeze_long_lived()
