"""Structured logs: one JSON object per line, carrying the request or task id."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest

from config.logs import build_logging
from tests.ops.conftest import REPO, base_env

REQUEST_SCRIPT = """
import json, os, django
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
django.setup()
from django.test import Client
client = Client()
given = client.get("/healthz?x", HTTP_X_REQUEST_ID="edge-4f2a9c")
made = client.get("/no-such-page/")
forged = client.get("/no-such-page/", HTTP_X_REQUEST_ID="bad id\\nwith newline")
print(json.dumps([given["X-Request-ID"], made["X-Request-ID"], forged["X-Request-ID"]]))
"""

TASK_SCRIPT = """
import json, logging, os, django
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
django.setup()
from celery import shared_task

@shared_task(name="ops.log_something")
def log_something():
    logging.getLogger("tracker.test").warning("inside the task")

result = log_something.apply()
print(json.dumps(result.id))
"""


def _run(script: str, tmp_path, **extra: str) -> tuple[object, list[dict]]:
    env = base_env(
        DEBUG="false",
        SECRET_KEY="test-only-secret-key-not-for-production-long-enough-for-the-check",
        ALLOWED_HOSTS="testserver",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        LOG_FORMAT="json",
        LOG_LEVEL="DEBUG",
        **extra,
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    # Every line on stderr must be a JSON object: a shipper reads them one by one.
    records = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    return json.loads(result.stdout.strip().splitlines()[-1]), records


def test_it_logs_each_request_as_json_with_its_request_id(tmp_path):
    (given, made, forged), records = _run(REQUEST_SCRIPT, tmp_path)
    assert given == "edge-4f2a9c"
    assert len(made) == 32 and made != forged
    assert "\n" not in forged
    access = [r for r in records if r["logger"] == "tracker.request"]
    assert {r["request_id"] for r in access} == {given, made, forged}
    page = next(r for r in access if r["request_id"] == made)
    assert page["status"] == 404 and page["path"] == "/no-such-page/"
    # Django's own "Not Found" warning carries the same id as the access line.
    not_found = [r for r in records if r["logger"] == "django.request"]
    assert {r["request_id"] for r in not_found} == {made, forged}


def test_it_logs_inside_a_task_with_the_task_id(tmp_path):
    task_id, records = _run(TASK_SCRIPT, tmp_path)
    inside = next(r for r in records if r["message"] == "inside the task")
    assert inside["task_id"] == task_id
    assert inside["task_name"] == "ops.log_something"
    assert inside["level"] == "WARNING"


def test_it_refuses_an_unknown_log_format():
    with pytest.raises(ValueError, match="LOG_FORMAT='xml'"):
        build_logging(log_format="xml", level="INFO")


def test_it_keeps_the_request_id_in_a_task_run_inside_the_request():
    # Without Redis tasks run eagerly inside the request: their lines keep its id, and the
    # request's own later lines do too.
    from celery import shared_task

    from config.logs import request_id_var

    @shared_task(name="ops.read_request_id")
    def read_request_id() -> str:
        return request_id_var.get()

    token = request_id_var.set("req-7f3e")
    try:
        assert read_request_id.apply().get() == "req-7f3e"
        assert request_id_var.get() == "req-7f3e"
    finally:
        request_id_var.reset(token)


@pytest.mark.django_db
def test_it_leaves_the_token_of_an_alerts_link_out_of_the_access_log(client, caplog):
    """A manage or unsubscribe link is a credential: its token never reaches the log."""
    token = "eyJzIjoxfQ:1vQx2a:secret-part"
    with caplog.at_level(logging.INFO, logger="tracker.request"):
        client.get(f"/alerts/manage/{token}/")
        client.get(f"/alerts/unsubscribe/{token}/")
    lines = [record for record in caplog.records if record.name == "tracker.request"]
    assert [record.path for record in lines] == ["/alerts/manage/…/", "/alerts/unsubscribe/…/"]
    assert not any("secret-part" in record.getMessage() for record in lines)
