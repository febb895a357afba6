"""Celery application: settings come from Django settings under the CELERY_ namespace."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import task_prerun

from config.logs import connect_celery_signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Workers and beat log through settings.LOGGING (JSON with the task id in production).
connect_celery_signals()


@task_prerun.connect
def _refresh_stale_connections(task=None, **kwargs) -> None:
    """With CELERY_DB_REUSE_MAX a worker keeps its connection between tasks; like a web
    request, each task first drops a connection that is broken or older than
    CONN_MAX_AGE (a database restart costs one reconnect, not a failed task). Eager tasks
    run inside their caller's transaction and must not touch its connection."""
    if task is not None and getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
