"""How Celery worker processes use the database (config/celery.py)."""

from __future__ import annotations

import pytest
from django.db import connection, connections
from django.db.backends.signals import connection_created

from config import celery as celery_config

pytestmark = pytest.mark.django_db


def _synchronous_commit(conn) -> str:
    with conn.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


def test_worker_connections_commit_without_waiting_for_the_disk_web_ones_wait():
    if connection.vendor != "postgresql":
        pytest.skip("synchronous_commit is a PostgreSQL setting")
    celery_config._worker_connections_commit_asynchronously()
    worker_connection = connections.create_connection("default")
    try:
        assert _synchronous_commit(worker_connection) == "off"
    finally:
        connection_created.disconnect(celery_config._commit_without_waiting_for_disk)
        worker_connection.close()
    assert _synchronous_commit(connection) == "on"


def test_the_setting_keeps_worker_connections_waiting_for_the_disk(settings):
    if connection.vendor != "postgresql":
        pytest.skip("synchronous_commit is a PostgreSQL setting")
    settings.CELERY_WORKER_ASYNC_COMMIT = False
    celery_config._worker_connections_commit_asynchronously()
    worker_connection = connections.create_connection("default")
    try:
        assert _synchronous_commit(worker_connection) == "on"
    finally:
        worker_connection.close()
