"""Celery application: settings come from Django settings under the CELERY_ namespace."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import task_prerun, worker_process_init

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


def _commit_without_waiting_for_disk(sender=None, connection=None, **kwargs) -> None:
    if connection is not None and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")


@worker_process_init.connect
def _worker_connections_commit_asynchronously(**kwargs) -> None:
    """Every database connection a worker process opens commits asynchronously (see
    CELERY_WORKER_ASYNC_COMMIT in settings for why that is safe for ingestion)."""
    from django.conf import settings
    from django.db.backends.signals import connection_created

    if settings.CELERY_WORKER_ASYNC_COMMIT:
        connection_created.connect(_commit_without_waiting_for_disk, weak=False)


@worker_process_init.connect
def _freeze_loaded_heap(**kwargs) -> None:
    """A pool process starts with the application the main process loaded (the tasks,
    Django, the settings): long-lived, so frozen out of the collector's walks
    (config/heap.py)."""
    from config.heap import freeze_long_lived

    freeze_long_lived()
