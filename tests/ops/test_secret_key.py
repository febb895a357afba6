"""With DEBUG off the settings refuse a SECRET_KEY anyone can read or guess.

Settings are read once per process, so each case starts Django in a fresh one.
"""

from __future__ import annotations

import secrets
import subprocess
import sys

import pytest

from tests.ops.conftest import REPO, base_env

HOW_TO_MAKE_ONE = 'python -c "import secrets; print(secrets.token_urlsafe(50))"'
START_DJANGO = (
    "import os, django\n"
    "os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'\n"
    "django.setup()\n"
    "from django.conf import settings\n"
    "print(len(settings.SECRET_KEY))\n"
)


def _start(tmp_path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", START_DJANGO],
        cwd=REPO,
        env=base_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", **env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _example_env_key() -> str:
    for line in (REPO / ".env.example").read_text().splitlines():
        if line.startswith("SECRET_KEY="):
            return line.split("=", 1)[1]
    raise AssertionError(".env.example sets no SECRET_KEY")


def _refusal(result: subprocess.CompletedProcess) -> str:
    """The one line that says why Django did not start."""
    assert result.returncode != 0, result.stdout
    return result.stderr.strip().splitlines()[-1]


def test_it_refuses_the_placeholder_from_the_example_env_file(tmp_path):
    refusal = _refusal(_start(tmp_path, DEBUG="false", SECRET_KEY=_example_env_key()))
    assert "ImproperlyConfigured: SECRET_KEY is a placeholder" in refusal
    assert HOW_TO_MAKE_ONE in refusal


def test_it_refuses_the_development_fallback_key(tmp_path):
    from config.secret_key import DEVELOPMENT_KEY

    refusal = _refusal(_start(tmp_path, DEBUG="false", SECRET_KEY=DEVELOPMENT_KEY))
    assert "SECRET_KEY is a placeholder" in refusal


def test_it_refuses_a_key_shorter_than_50_characters(tmp_path):
    short = secrets.token_hex(25)[:49]
    refusal = _refusal(_start(tmp_path, DEBUG="false", SECRET_KEY=short))
    assert "SECRET_KEY has 49 characters; it needs at least 50" in refusal
    assert HOW_TO_MAKE_ONE in refusal


@pytest.mark.parametrize("settings_env", [{"SECRET_KEY": ""}, {}], ids=["empty", "unset"])
def test_it_refuses_to_start_without_a_key(tmp_path, settings_env):
    refusal = _refusal(_start(tmp_path, DEBUG="false", **settings_env))
    assert "SECRET_KEY must be set when DEBUG is off" in refusal
    assert HOW_TO_MAKE_ONE in refusal


def test_it_starts_with_a_key_made_the_way_the_message_says(tmp_path):
    key = secrets.token_urlsafe(50)
    result = _start(tmp_path, DEBUG="false", SECRET_KEY=key)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split()[-1] == str(len(key))


@pytest.mark.parametrize("settings_env", [{}, {"SECRET_KEY": "short"}], ids=["unset", "short"])
def test_it_starts_in_debug_without_a_production_key(tmp_path, settings_env):
    result = _start(tmp_path, DEBUG="true", **settings_env)
    assert result.returncode == 0, result.stderr[-3000:]
