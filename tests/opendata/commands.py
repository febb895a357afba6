"""Running this project's management commands in a process of their own, as an operator
does: production settings (DEBUG off) against the test database."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.db import connection

REPO = Path(__file__).resolve().parents[2]


def manage_py_env() -> dict[str, str]:
    """This environment, pointed at the test database, with DEBUG off (DEBUG on would
    also keep every query in memory)."""
    db = connection.settings_dict
    assert connection.vendor == "postgresql"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(48),
    }


def manage_py(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=manage_py_env(),
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
