"""One database per scale, derived from DATABASE_URL, created, migrated and seeded once."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url

from bench.memory import Finished, run_measured

BASE_DIR = Path(__file__).resolve().parent.parent


def scale_url(base_url: str, scale: str) -> str:
    """tracker_bench -> tracker_bench_small; db.sqlite3 -> db_small.sqlite3."""
    parts = urlsplit(base_url)
    if parts.scheme.startswith("sqlite"):
        path = Path(parts.path[1:] if parts.path.startswith("//") else parts.path)
        return f"sqlite:///{path.with_name(f'{path.stem}_{scale}{path.suffix}')}"
    name = parts.path.lstrip("/")
    return urlunsplit(parts._replace(path=f"/{name}_{scale}"))


def is_postgres(url: str) -> bool:
    return dj_database_url.parse(url)["ENGINE"].endswith("postgresql")


def _connect(url: str, dbname: str):
    import psycopg

    config = dj_database_url.parse(url)
    options = dict(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname=dbname,
        autocommit=True,
    )
    return psycopg.connect(**{k: v for k, v in options.items() if v is not None})


def recreate(url: str) -> None:
    """Drop and create the scale's database (only ever a *_<scale> database of ours)."""
    config = dj_database_url.parse(url)
    if not is_postgres(url):
        Path(config["NAME"]).unlink(missing_ok=True)
        return
    from psycopg import sql

    with _connect(url, "postgres") as conn:
        name = sql.Identifier(config["NAME"])
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def warm(url: str) -> str:
    """Read every table and index of the database once (pg_prewarm), so pages and
    lookups are timed against data in memory, as on a server that is in use. Done
    before each timed section: this machine's kernel pages out file data left
    untouched for about a minute (DAMON), so a million-row index read minutes ago
    is partly back on disk, and lookups timed the disk. Returns what was done."""
    if not is_postgres(url):
        return "not needed (SQLite)"
    import psycopg

    name = dj_database_url.parse(url)["NAME"]
    try:
        with _connect(url, name) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
            blocks = conn.execute(
                "SELECT COALESCE(SUM(pg_prewarm(c.oid, 'read')), 0) FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname IN ('public', 'pg_toast') AND c.relkind IN ('r', 'i', 't', 'm')"
            ).fetchone()[0]
    except psycopg.Error as exc:
        return f"not prewarmed ({exc.diag.message_primary or exc})"
    return f"{blocks * 8 // 1024} MB read"


def manage(env: dict[str, str], *args: str) -> Finished:
    return run_measured([sys.executable, "manage.py", *args], env=env, cwd=str(BASE_DIR))


def seeded_count(env: dict[str, str]) -> int | None:
    """Controversies in the scale's database, or None if it is not usable."""
    code = (
        "import django; django.setup();"
        "from controversies.models import Controversy; print(Controversy.objects.count())"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=str(BASE_DIR), capture_output=True, text=True
    )
    try:
        return int(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None


def _seed_record(env: dict[str, str]) -> Path:
    name = dj_database_url.parse(env["DATABASE_URL"])["NAME"]
    return BASE_DIR / "bench" / "results" / f"seed-{Path(str(name)).stem}.json"


def prepare(env: dict[str, str], scale: str, expected: int, *, reuse: bool, log) -> dict | None:
    """Make sure the database holds ``scale``; returns how long seeding took and its peak
    memory (when reusing a database, as recorded when it was seeded)."""
    if reuse and seeded_count(env) == expected:
        migrated = manage(env, "migrate", "--noinput")
        if migrated.returncode == 0 and seeded_count(env) == expected:
            log(f"  reusing the seeded {scale} database")
            record = _seed_record(env)
            return json.loads(record.read_text()) if record.exists() else None
    log(f"  creating the {scale} database")
    recreate(env["DATABASE_URL"])
    migrated = manage(env, "migrate", "--noinput")
    if migrated.returncode != 0:
        raise RuntimeError(f"migrate failed:\n{migrated.output[-3000:]}")
    log(f"  seed_bulk --scale {scale} ...")
    seeded = manage(env, "seed_bulk", "--scale", scale, "--no-progress")
    if seeded.returncode != 0:
        raise RuntimeError(f"seed_bulk failed:\n{seeded.output[-3000:]}")
    log(f"  seeded in {seeded.seconds:.1f} s, peak RSS {seeded.peak_rss_mb:.0f} MB")
    stats = {
        "seconds": round(seeded.seconds, 1),
        "peak_rss_mb": round(seeded.peak_rss_mb, 1),
        "seeded_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    record = _seed_record(env)
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps(stats))
    return stats


# Settings refuse a key under 50 characters with DEBUG off.
BENCH_SECRET_KEY = "bench-only-secret-key-not-for-production-long-enough-for-the-check"  # noqa: S105


def child_env(base: dict[str, str], url: str, cache_prefix: str) -> dict[str, str]:
    env = dict(base)
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="false",
        SECRET_KEY=base.get("SECRET_KEY") or BENCH_SECRET_KEY,
        CACHE_KEY_PREFIX=cache_prefix,
        PYTHONPATH=os.pathsep.join(filter(None, [str(BASE_DIR), base.get("PYTHONPATH", "")])),
    )
    return env
