"""/healthz and /readyz: what a load balancer or compose sees."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from config import health
from tests.ops.conftest import base_env, closed_port, run_django_script


@pytest.fixture(autouse=True)
def _fresh_migration_check():
    health.reset_migration_cache()
    yield
    health.reset_migration_cache()


def test_it_answers_healthz_without_touching_the_database(client):
    # No django_db mark: any query here would raise instead of answering.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_it_is_ready_when_database_redis_and_migrations_are_fine(client, settings):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["migrations"] == "ok"
    assert body["checks"]["redis"] == ("ok" if settings.REDIS_URL else "not configured")
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.services
@pytest.mark.django_db
def test_it_checks_the_real_redis(client):
    response = client.get("/readyz")
    assert response.json()["checks"]["redis"] == "ok"


@pytest.mark.django_db
def test_it_reports_503_naming_redis_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port()}/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["redis"]
    assert body["checks"]["redis"] == "unreachable"
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_it_reports_503_naming_migrations_when_one_is_unapplied(client):
    # GIVEN the record of one applied migration is gone (rolled back after the test)
    executor = MigrationExecutor(connection)
    app_label, name = sorted(executor.loader.graph.leaf_nodes())[0]
    MigrationRecorder(connection).migration_qs.filter(app=app_label, name=name).delete()
    # WHEN the probe asks
    response = client.get("/readyz")
    # THEN it is not ready, and says why
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["migrations"]
    assert body["checks"]["migrations"] == "1 unapplied"


def test_it_reports_503_naming_the_database_when_it_is_down(tmp_path):
    env = base_env(
        DEBUG="false",
        SECRET_KEY="test-only-secret-key-not-for-production-long-enough-for-the-check",
        ALLOWED_HOSTS="testserver",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed_port()}/tracker",
    )
    script = (
        "from django.test import Client\n"
        "r = Client().get('/readyz')\n"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))\n"
    )
    result = run_django_script(script, env)
    assert result["status"] == 503
    assert result["body"]["failing"] == ["database"]
    assert result["body"]["checks"]["migrations"] == "skipped"


def test_it_answers_head_probes_and_refuses_posts(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405
