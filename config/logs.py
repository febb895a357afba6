"""Logging for web and worker processes: one line per record, JSON in production.

Every record carries the id of the HTTP request (``request_id``, see
config.middleware.RequestIdMiddleware) or of the Celery task (``task_id``) it was logged
under, so an operator can pull every line of one request or one task out of the stream.
Settings build LOGGING with :func:`build_logging`; gunicorn's config file uses the same
dict so its own messages come out in the same shape.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any

# The id of the request being handled in this thread or task; "-" outside of one.
request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(task_id)s"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [req=%(request_id)s task=%(task_id)s] %(message)s"


class ContextFilter(logging.Filter):
    """Stamp every record with the current request id and Celery task id/name."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        if not hasattr(record, "task_id"):
            task_id, task_name = _current_task()
            record.task_id = task_id
            if task_name:
                record.task_name = task_name
        return True


def _current_task() -> tuple[str, str]:
    # Imported lazily: settings import this module before Celery is configured.
    from celery import current_task

    task = current_task._get_current_object() if current_task else None
    if task is None or task.request.id is None:
        return "-", ""
    return task.request.id, task.name


def build_logging(*, log_format: str, level: str) -> dict[str, Any]:
    """The LOGGING dict for ``log_format`` "json" or "text" (anything else is an error)."""
    if log_format not in ("json", "text"):
        raise ValueError(f"LOG_FORMAT={log_format!r}: use json or text")
    formatter: dict[str, Any]
    if log_format == "json":
        formatter = {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": JSON_FIELDS,
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    else:
        formatter = {"format": TEXT_FORMAT}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "config.logs.ContextFilter"}},
        "formatters": {"default": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "filters": ["context"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Route gunicorn's and Celery's own loggers through the same handler instead
            # of their private ones, so every line of a process has one shape.
            "gunicorn.error": {"handlers": [], "propagate": True, "level": level},
            # config.middleware.RequestIdMiddleware writes the access line, with the id.
            "gunicorn.access": {"handlers": [], "propagate": False},
            "celery": {"handlers": [], "propagate": True, "level": level},
            # Python warnings (Django routes them into logging) come out as records too.
            "py.warnings": {"handlers": [], "propagate": True},
        },
    }


def configure(config: dict[str, Any]) -> None:
    """settings.LOGGING_CONFIG: apply LOGGING and send Python warnings through it."""
    from logging.config import dictConfig

    dictConfig(config)
    # Otherwise warnings go to stderr as bare text lines between the JSON ones.
    logging.captureWarnings(True)


def connect_celery_signals() -> None:
    """Keep Django's LOGGING in Celery processes instead of Celery's own text format, and
    carry the id of the request that queued a task into the task's log lines."""
    from celery.signals import before_task_publish, setup_logging, task_postrun, task_prerun

    @before_task_publish.connect(weak=False)
    def _send_request_id(headers: dict | None = None, **kwargs: Any) -> None:
        request_id = request_id_var.get()
        if headers is not None and request_id != "-":
            headers.setdefault("request_id", request_id)

    @task_prerun.connect(weak=False)
    def _adopt_request_id(task: Any = None, **kwargs: Any) -> None:
        # Message headers become attributes of task.request. An eager task (no Redis) has
        # none and simply keeps the id of the request it runs in.
        request_id = getattr(task.request, "request_id", None)
        if request_id:
            task.request.request_id_token = request_id_var.set(request_id)

    @task_postrun.connect(weak=False)
    def _forget_request_id(task: Any = None, **kwargs: Any) -> None:
        token = getattr(task.request, "request_id_token", None)
        if token is not None:
            request_id_var.reset(token)

    @setup_logging.connect(weak=False)
    def _keep_django_logging(**kwargs: Any) -> None:
        # Connecting to this signal is how Celery is told not to replace the root
        # handlers with its own.
        from django.conf import settings

        configure(settings.LOGGING)
