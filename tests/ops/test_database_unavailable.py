"""When the database is down, visitors get a calm 503 page, not a 500 or a traceback."""

from __future__ import annotations

from tests.ops.conftest import base_env, closed_port, run_django_script

SCRIPT = """
from django.test import Client, override_settings

with override_settings(STORAGES={
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}):
    # A login needs the users table: the first query fails with OperationalError.
    r = Client().post("/admin/login/", {"username": "curator", "password": "x"})
print(json.dumps({
    "status": r.status_code,
    "retry_after": r.headers.get("Retry-After"),
    "body": r.content.decode(),
}))
"""


def test_it_shows_a_friendly_503_when_the_database_is_down():
    env = base_env(
        DEBUG="false",
        SECRET_KEY="test-only-secret-key-not-for-production-long-enough-for-the-check",
        ALLOWED_HOSTS="testserver",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed_port()}/tracker",
    )
    result = run_django_script(SCRIPT, env)
    assert result["status"] == 503
    assert result["retry_after"] == "30"
    assert "cannot reach its database" in result["body"]
    assert "Traceback" not in result["body"]
    assert "OperationalError" not in result["body"]
    assert "127.0.0.1" not in result["body"]
