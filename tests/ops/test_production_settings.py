"""With the documented production environment the settings are hardened.

Settings are read once per process, so these tests start Django in a fresh process with
that environment (tests/ops/conftest.py, PRODUCTION_ENV).
"""

from __future__ import annotations

import subprocess
import sys

from tests.ops.conftest import PRODUCTION_ENV, REPO, base_env, run_django_script


def _check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_passes_check_deploy_with_the_production_environment(tmp_path) -> None:
    env = base_env(**PRODUCTION_ENV, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = _check_deploy(env)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr


def test_it_fails_check_deploy_when_the_production_variables_are_missing(tmp_path) -> None:
    env = base_env(
        DEBUG="false",
        SECRET_KEY=PRODUCTION_ENV["SECRET_KEY"],
        ALLOWED_HOSTS="tracker.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    result = _check_deploy(env)
    assert result.returncode != 0
    for check_id in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check_id in result.stderr


HEADERS_SCRIPT = """
from django.test import Client, override_settings

# The manifest storage needs collectstatic output; static file names are not under test.
with override_settings(STORAGES={
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}):
    https = Client(HTTP_HOST="tracker.example.org", HTTP_X_FORWARDED_PROTO="https")
    page = https.get("/admin/login/")
    csrf = page.cookies["csrftoken"]
    plain = Client(HTTP_HOST="tracker.example.org").get("/admin/login/")
    probe = Client(HTTP_HOST="web:8000").get("/healthz")
print(json.dumps({
    "status": page.status_code,
    "headers": dict(page.headers),
    "csrf_cookie": {"secure": bool(csrf["secure"]), "httponly": bool(csrf["httponly"])},
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location"),
    "probe_status": probe.status_code,
}))
"""


def test_it_sends_the_security_headers_on_a_real_response(tmp_path) -> None:
    env = base_env(**PRODUCTION_ENV, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = run_django_script(HEADERS_SCRIPT, env)
    assert result["status"] == 200
    headers = result["headers"]
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert result["csrf_cookie"] == {"secure": True, "httponly": True}


def test_it_redirects_plain_http_but_still_answers_probes(tmp_path) -> None:
    env = base_env(**PRODUCTION_ENV, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = run_django_script(HEADERS_SCRIPT, env)
    assert result["plain_status"] == 301
    assert result["plain_location"] == "https://tracker.example.org/admin/login/"
    # A compose health check: plain HTTP, a Host the site does not list.
    assert result["probe_status"] == 200
