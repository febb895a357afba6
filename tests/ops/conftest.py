"""Fixtures for the operations tests: a production-like environment for subprocesses."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# The production environment documented in README "Operations" / .env.example, minus
# the data stores, which each test chooses.
PRODUCTION_ENV = {
    "DEBUG": "false",
    # 50+ random-looking characters: check --deploy rejects short or low-variety keys.
    "SECRET_KEY": "t7Kq2vN9xR4mW8pL3sD6fH1jG5bZ0cV-yU_eA.iO7nM2kQ9wE4rT6uY8pS1dF3gH5j",
    "ALLOWED_HOSTS": "tracker.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://tracker.example.org",
    "SECURE_PROXY_SSL_HEADER": "true",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "TRUSTED_PROXY_COUNT": "1",
    "LOG_FORMAT": "json",
}


def closed_port() -> int:
    """A loopback port with nothing listening (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(**overrides: str) -> dict[str, str]:
    """The current environment without this project's variables, plus ``overrides``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in PRODUCTION_ENV and key not in ("DATABASE_URL", "REDIS_URL")
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    # Set by the browser tests' conftest for Playwright; check --deploy rightly rejects it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(overrides)
    return env


def run_django_script(script: str, env: dict[str, str]) -> dict:
    """Run ``script`` in a fresh process with ``env`` and return the JSON it prints last.

    Settings are read once per process, so a different environment needs a new one.
    """
    prelude = (
        "import json, os, django\n"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'\n"
        "django.setup()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", prelude + script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])
