"""The Dockerfile, read as text: no Docker engine here to build it."""

from __future__ import annotations

import shlex
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs with continuation lines joined."""
    text = (REPO / "Dockerfile").read_text().replace("\\\n", " ")
    pairs = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            pairs.append((keyword.upper(), rest.strip()))
    return pairs


def test_it_builds_on_slim_python_311() -> None:
    assert _instructions()[0] == ("FROM", "python:3.11-slim")


def test_it_installs_the_dependencies_pyproject_declares() -> None:
    runs = [args for keyword, args in _instructions() if keyword == "RUN"]
    copies = [args for keyword, args in _instructions() if keyword == "COPY"]
    assert copies[0] == "pyproject.toml ./"
    assert any("tomllib" in run and "pip install -r" in run for run in runs)


def test_it_collects_static_files_at_build_time() -> None:
    runs = [args for keyword, args in _instructions() if keyword == "RUN"]
    assert any("manage.py collectstatic --noinput" in run for run in runs)


def test_it_runs_as_an_unprivileged_user() -> None:
    users = [args for keyword, args in _instructions() if keyword == "USER"]
    assert users and users[-1] not in ("root", "0")
    keywords = [keyword for keyword, _ in _instructions()]
    # Nothing after USER runs as root again.
    assert "RUN" not in keywords[keywords.index("USER") :]


def test_it_serves_with_gunicorn() -> None:
    cmd = [args for keyword, args in _instructions() if keyword == "CMD"][-1]
    argv = shlex.split(cmd.strip("[]").replace(",", " "))
    assert argv[:3] == ["gunicorn", "--config", "config/gunicorn.conf.py"]


def test_it_keeps_secrets_and_local_state_out_of_the_build_context() -> None:
    ignored = set((REPO / ".dockerignore").read_text().split())
    assert {".env", ".venv", ".git", "db.sqlite3"} <= ignored


def test_it_bakes_no_secret_key_into_the_image() -> None:
    # collectstatic needs a key with DEBUG off: a random one made by the command itself,
    # never a value written here that settings would have to accept.
    runs = [args for keyword, args in _instructions() if keyword == "RUN"]
    for run in runs:
        for assignment in run.split("SECRET_KEY=")[1:]:
            assert assignment.startswith('"$(python -c'), assignment
    assert any("secrets.token_urlsafe(50)" in run for run in runs)
    assert not [
        args
        for keyword, args in _instructions()
        if keyword in ("ENV", "ARG") and "SECRET_KEY" in args
    ]
