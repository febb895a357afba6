"""``make bench``: seed a database per scale, measure, print a table, write JSON.

    python -m bench                       # small and large, every section (the README run)
    python -m bench --scales small --quick
    python -m bench --scales tiny --quick --out /tmp/x   # what the test suite runs

Sections that need something missing (wrk, Redis, the ingestion or open-data apps) are
reported as skipped with the reason, never silently dropped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import databases, export_load, load, pages, report
from bench.memory import run_measured
from bench.targets import evaluate

SECTIONS = (
    "pages", "load", "dedupe", "matching", "ingestion", "export", "export_load", "alerts",
)  # fmt: skip
# Subscriptions the digest benchmark builds for, the first to compare memory with.
ALERT_COUNTS = {"full": (1_000, 10_000), "quick": (100, 1_000)}
PAGE_TURNS = 3
ALIAS_SIZES = {"full": (1_000, 10_000, 50_000), "quick": (100, 1_000, 5_000)}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _child(module: str, env: dict[str, str], *args: str, timeout: float = 7_200) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = handle.name
    try:
        done = subprocess.run(
            [sys.executable, "-m", module, out, *args],
            env=env,
            cwd=str(databases.BASE_DIR),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{module} failed:\n{done.stderr[-4000:]}")
        return json.loads(Path(out).read_text())
    finally:
        Path(out).unlink(missing_ok=True)


def _pages_in_turns(envs: dict[str, dict[str, str]], requests: int) -> dict[str, list[dict]]:
    """Every page at every scale, the scales taking PAGE_TURNS turns, the samples of a
    page pooled. The targets compare scales: timed minutes apart in one go each, they
    compared the machine's speed at two moments as much as the two databases."""
    count = min(PAGE_TURNS, requests)
    turns: dict[str, list[list[dict]]] = {name: [] for name in envs}
    for turn in range(count):
        share = requests // count + (1 if turn < requests % count else 0)
        for name, env in envs.items():
            log(f"  pages at {name}, turn {turn + 1} of {count} (in-process)")
            databases.warm(env["DATABASE_URL"])
            turns[name].append(_child("bench.pages", env, str(share))["pages"])
    return {name: pages.merge(runs) for name, runs in turns.items()}


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        mem_kb = 0
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def _apps_present(env: dict[str, str]) -> dict[str, bool]:
    code = (
        "import django, json; django.setup(); from django.apps import apps;"
        "print(json.dumps({n: apps.is_installed(n) for n in ('ingestion', 'opendata')}));"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=str(databases.BASE_DIR),
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    present = json.loads(done.stdout.strip().splitlines()[-1])
    if present["ingestion"]:
        check = "import ingestion.models as m; m.Article; import ingestion.pipeline.dedupe"
        ok = subprocess.run(
            [sys.executable, "-c", "import django; django.setup();" + check],
            env=env, cwd=str(databases.BASE_DIR), capture_output=True,
        )  # fmt: skip
        present["ingestion"] = ok.returncode == 0
    return present


def run(args: argparse.Namespace) -> dict:
    base_url = (
        args.database_url
        or os.environ.get("DATABASE_URL")
        or f"sqlite:///{databases.BASE_DIR / 'db.sqlite3'}"
    )
    redis = bool(os.environ.get("REDIS_URL"))
    run_id = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    results: dict = {
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "database": "postgresql" if databases.is_postgres(base_url) else "sqlite",
        "quick": args.quick,
        "scales": {},
        "skipped": {},
    }
    sections = set(args.sections)
    _collect_static(base_url)
    envs, present = _prepare_scales(args, base_url, run_id, results)
    if "pages" in sections:
        _pages_section(args, envs, results)
    # Matching and ingestion run once, at the first scale; the export at the last one.
    for index, name in enumerate(args.scales):
        log(f"== scale {name}")
        env, out = envs[name], results["scales"][name]
        first, last = index == 0, index == len(args.scales) - 1
        if "load" in sections:
            _load_section(args, env, out, results)
            if last:
                _edit_load_section(args, env, out, results)
        if "dedupe" in sections:
            _dedupe_section(args, env, out, results, present)
        if first and "matching" in sections:
            _matching_section(args, env, results, present)
        if first and "ingestion" in sections:
            _ingestion_section(args, env, results, present, redis=redis)
        if last:
            _last_scale_sections(args, sections, env, out, results, present)
    results["finished_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    results["targets"] = [c.as_dict() for c in evaluate(results)]
    return results


def _last_scale_sections(
    args: argparse.Namespace, sections: set[str], env: dict, out: dict, results: dict, present: dict
) -> None:
    """The sections run at the largest scale only."""
    if "export" in sections:
        _export_section(env, out, results, present)
    if "export_load" in sections:
        _export_load_section(args, env, out, results, present)
    if "alerts" in sections:
        _alerts_section(args, env, out)


def _pages_section(
    args: argparse.Namespace, envs: dict[str, dict[str, str]], results: dict
) -> None:
    """Every page warm, in turns; then, per scale, what nothing cached yet: the first
    requests after a curated edit and first visits to new filter combinations."""
    for name, measured in _pages_in_turns(envs, args.page_requests).items():
        results["scales"][name]["pages"] = measured
    for name, env in envs.items():
        log(f"  first requests after an edit, new filters at {name} (in-process)")
        databases.warm(env["DATABASE_URL"])
        results["scales"][name]["cold"] = _child(
            "bench.cold", env, str(args.edits), str(args.new_filters)
        )


def _collect_static(base_url: str) -> None:
    # DEBUG is off, as in production: pages need the collected, hashed static files.
    static = run_measured(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        env=databases.child_env(dict(os.environ), base_url, "bench"),
        cwd=str(databases.BASE_DIR),
    )
    if static.returncode != 0:
        raise RuntimeError(f"collectstatic failed:\n{static.output[-3000:]}")


def _prepare_scales(
    args: argparse.Namespace, base_url: str, run_id: str, results: dict
) -> tuple[dict[str, dict[str, str]], dict[str, bool]]:
    """Seed (or reuse) and warm one database per scale; returns each scale's child
    environment and which optional apps are installed."""
    from bench_data.seed.scales import SCALES

    present: dict[str, bool] = {}
    envs: dict[str, dict[str, str]] = {}
    for name in args.scales:
        log(f"== scale {name}")
        url = databases.scale_url(base_url, name)
        envs[name] = databases.child_env(dict(os.environ), url, f"bench-{name}-{run_id}")
        out: dict = {"database": url.rsplit("/", 1)[-1]}
        seed = databases.prepare(
            envs[name], name, SCALES[name].controversies, reuse=args.reuse, log=log
        )
        if seed:
            out["seed"] = seed
        out["prewarm"] = databases.warm(url)  # and again before each section timed
        log(f"  prewarm: {out['prewarm']}")
        results["scales"][name] = out
        present = present or _apps_present(envs[name])
    return envs, present


def _load_section(args: argparse.Namespace, env: dict, out: dict, results: dict) -> None:
    if not load.wrk_available():
        results["skipped"]["load"] = "wrk is not installed (apt-get install wrk)"
        return
    if not out.get("pages"):
        return
    log("  throughput (gunicorn + wrk)")
    databases.warm(env["DATABASE_URL"])
    rows, worker_peak = load.measure(
        out["pages"], env=env, seconds=args.seconds, workers=load.default_workers()
    )
    floor = next((r.requests_per_s for r in rows if r.name == "floor"), None)
    out["load"] = [
        {**r.__dict__, "ratio": round(r.requests_per_s / floor, 3) if floor else None} for r in rows
    ]
    out["gunicorn_worker_peak_mb"] = worker_peak


def _edit_load_section(args: argparse.Namespace, env: dict, out: dict, results: dict) -> None:
    """The pages under load with and without a curated edit every few seconds, and (if
    the pages section did not already time it) the first request to every page after an
    edit."""
    if not load.wrk_available():
        results["skipped"]["edit_load"] = "wrk is not installed (apt-get install wrk)"
        return
    if not os.environ.get("REDIS_URL"):
        results["skipped"]["edit_load"] = "needs REDIS_URL for a real Celery worker"
        return
    if not (out.get("cold") or {}).get("after_edit"):
        log("  first requests after an edit (in-process)")
        databases.warm(env["DATABASE_URL"])
        out.setdefault("cold", {}).update(_child("bench.cold", env, str(args.edits), "0"))
    log(f"  pages under load with an edit every {args.edit_every:g} s (gunicorn + wrk)")
    databases.warm(env["DATABASE_URL"])
    out["edit_load"] = _child(
        "bench.edit_load",
        env,
        str(args.edit_seconds),
        str(args.edit_every),
        str(args.edit_rounds),
    )


def _dedupe_section(
    args: argparse.Namespace, env: dict, out: dict, results: dict, present: dict
) -> None:
    if not present.get("ingestion"):
        results["skipped"]["dedupe"] = "the ingestion pipeline is not installed"
        return
    log("  near-duplicate lookup")
    databases.warm(env["DATABASE_URL"])
    out["dedupe"] = _child("bench.dedupe", env, str(args.lookups))


def _matching_section(args: argparse.Namespace, env: dict, results: dict, present: dict) -> None:
    if not present.get("ingestion"):
        results["skipped"]["matching"] = "the ingestion pipeline is not installed"
        return
    log("  matching")
    sizes = ALIAS_SIZES["quick" if args.quick else "full"]
    spec = ",".join(map(str, sizes))
    results["matching"] = _child("bench.matching", env, spec)["matching"]
    results["automaton"] = _child("bench.matching", env, str(sizes[-1]), "--memory")


def _ingestion_section(
    args: argparse.Namespace, env: dict, results: dict, present: dict, *, redis: bool
) -> None:
    if not present.get("ingestion"):
        results["skipped"]["ingestion"] = "the ingestion pipeline is not installed"
    elif not redis:
        results["skipped"]["ingestion"] = "needs REDIS_URL for a real Celery worker"
    else:
        log(f"  ingestion ({args.pages} pages, then {args.memory_articles} for memory)")
        results["ingestion"] = _child(
            "bench.ingest", env, str(args.pages), str(args.memory_articles)
        )


def _export_section(env: dict, out: dict, results: dict, present: dict) -> None:
    if not present.get("opendata"):
        results["skipped"]["export"] = "the open-data app (export_dataset) is not installed"
        return
    log("  full export")
    with tempfile.TemporaryDirectory() as directory:
        done = run_measured(
            [sys.executable, "manage.py", "export_dataset", directory],
            env=env, cwd=str(databases.BASE_DIR),
        )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"export_dataset failed:\n{done.output[-3000:]}")
    out["export"] = {
        "seconds": round(done.seconds, 1),
        "peak_rss_mb": round(done.peak_rss_mb, 1),
    }


def _export_load_section(
    args: argparse.Namespace, env: dict, out: dict, results: dict, present: dict
) -> None:
    if not present.get("opendata"):
        results["skipped"]["export_load"] = "the open-data app is not installed"
        return
    if not out.get("pages"):
        return
    log("  pages while two full exports download (gunicorn)")
    databases.warm(env["DATABASE_URL"])
    out["export_load"] = export_load.measure(out["pages"], env=env, samples=args.requests)


def _alerts_section(args: argparse.Namespace, env: dict, out: dict) -> None:
    """Digest planning and building, one process per subscription count so that each
    peak memory is its own."""
    counts = ALERT_COUNTS["quick" if args.quick else "full"]
    out["alerts"] = []
    for count in counts:
        log(f"  digests for {count:,} subscriptions")
        databases.warm(env["DATABASE_URL"])
        out["alerts"].append(_child("bench.alerts", env, str(count)))


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--scales", default="small,large", type=lambda s: s.split(","))
    parser.add_argument("--sections", default=",".join(SECTIONS), type=lambda s: s.split(","))
    parser.add_argument(
        "--quick",
        action="store_true",
        help="Fewer requests, articles and subscriptions: minutes; p99s printed, not judged.",
    )
    parser.add_argument("--reuse", action="store_true", help="Keep already seeded databases.")
    parser.add_argument("--out", default=str(databases.BASE_DIR / "bench" / "results"))
    parser.add_argument(
        "--database-url",
        help="Base of the per-scale databases (default DATABASE_URL): NAME becomes NAME_<scale>.",
    )
    parser.add_argument("--ingest-pages", type=int, help="Pages for ingestion throughput.")
    parser.add_argument("--memory-articles", type=int, help="Articles for worker memory.")
    args = parser.parse_args(argv)
    args.requests = 5 if args.quick else 60
    # Timed requests per page and scale for the in-process pages (PAGE_TURNS turns): the
    # full run's p99 rests on at least targets.P99_MIN_SAMPLES of them.
    args.page_requests = 15 if args.quick else 210
    args.seconds = 1 if args.quick else 8
    args.lookups = 20 if args.quick else 200
    args.edits = 3 if args.quick else 20
    args.new_filters = 10 if args.quick else 200
    args.edit_seconds = 3 if args.quick else 60
    args.edit_every = 1.0 if args.quick else 5.0
    args.edit_rounds = 1 if args.quick else 2
    args.pages = args.ingest_pages or (20 if args.quick else 300)
    if args.memory_articles is None:
        args.memory_articles = 100 if args.quick else 10_000
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    started = time.monotonic()
    results = run(args)
    results["seconds"] = round(time.monotonic() - started, 1)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"bench-{'-'.join(args.scales)}-{results['started_at'][:19].replace(':', '')}.json"
    path.write_text(json.dumps(results, indent=2))
    print(report.render(results))
    print(f"\nResults: {path}")
    return 0
