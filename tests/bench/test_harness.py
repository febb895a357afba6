"""The benchmark harness, end to end at the tiny scale, so it cannot rot unnoticed.

It runs exactly what `make bench` runs (its own database per scale, gunicorn and wrk, a
real Celery worker when Redis is configured), with few repetitions and no assertion on
any timing: only that every section produced its numbers and the verdicts were made.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


# A whole (if small) benchmark run: migrate a database, seed it, start gunicorn and a
# Celery worker. On a busy 2-core machine that can pass the suite's 300 s default.
pytestmark = pytest.mark.timeout(1_500)


@pytest.fixture(scope="module")
def harness_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str]:
    tmp_path = tmp_path_factory.mktemp("bench")
    base = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--scales", "tiny", "--quick",
         "--ingest-pages", "10", "--memory-articles", "20",
         "--out", str(tmp_path), "--database-url", base],
        cwd=ROOT, capture_output=True, text=True, timeout=1_200,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-4000:]
    (result,) = tmp_path.glob("bench-tiny-*.json")
    return json.loads(result.read_text()), done.stdout


def _ingestion_pipeline() -> bool:
    from django.apps import apps

    try:
        apps.get_model("ingestion", "Article")
    except LookupError:
        return False
    return True


def test_it_measures_every_page_with_its_queries(harness_run):
    results, table = harness_run
    pages = {p["name"]: p for p in results["scales"]["tiny"]["pages"]}
    assert "floor" in pages and "timeline" in pages and "case_largest" in pages
    assert pages["case_largest"]["bytes"] > 1000
    for name, page in pages.items():
        assert page["status"] == 200, name
        # A search of only excluded words is answered without running it (no query).
        assert page["queries"] >= (0 if name == "search_negations" else 1), name
        # --quick: 15 requests in all, the scales taking turns (5 each), pooled
        assert page["samples"] == len(page["timings_ms"]) == 15
        assert len(page["p95_turns_ms"]) == 3
        assert min(page["p95_turns_ms"]) <= page["p95_median_turn_ms"] <= page["p95_ms"]
        assert page["p95_ms"] <= page["p99_ms"] <= round(max(page["timings_ms"]), 2)
        assert page["gc_full_collections"] >= 0
    assert "| floor" in table and "targets hold" in table and "tiny p99 ms" in table
    assert "HTML bytes" in table
    assert any(c["target"].startswith("case_largest HTML < 150 KB") for c in results["targets"])
    verdicts = {c["verdict"] for c in results["targets"]}
    assert verdicts <= {"PASS", "FAIL", "N/A"} and results["targets"]
    # Every page but the floor has its p99 check; 15 samples are too few to judge one.
    p99 = {c["target"].split(" p99 ")[0]: c for c in results["targets"] if " p99 " in c["target"]}
    assert set(p99) == set(pages) - {"floor"}
    assert p99["timeline"]["target"] == "timeline p99 <= 200 ms (2x target) at tiny"
    assert {c["verdict"] for c in p99.values()} == {"N/A"}
    assert all("(15 samples, fewer than 200)" in c["measured"] for c in p99.values())


def test_it_times_first_requests_after_an_edit_and_to_new_filters(harness_run):
    results, table = harness_run
    cold = results["scales"]["tiny"]["cold"]
    for page in ("list", "company"):
        edit = cold["after_edit"][page]
        assert edit["status"] == 200 and edit["samples"] == 3, page  # --quick: 3 edits
        assert f"{page}, first request after an edit, tiny" in table
    assert cold["after_edit"]["rebuild_ms"]["samples"] == 3
    timed = {name for name in cold["after_edit"] if name not in ("rebuild_ms", "every_page")}
    assert timed == {p["name"] for p in results["scales"]["tiny"]["pages"]} - {"floor"}
    assert cold["after_edit"]["every_page"]["samples"] == 3 * len(timed)
    filters = cold["new_filters"]
    assert filters["statuses"] == [200] and filters["samples"] == filters["urls"] > 0
    targets = {c["target"] for c in results["targets"]}
    assert "list page, first request after a curated edit: p95 <= 150 ms at tiny" in targets
    assert any(t.startswith("first visit to new filter combinations") for t in targets)


def test_it_loads_each_page_under_gunicorn_or_says_why_not(harness_run):
    results, _ = harness_run
    tiny = results["scales"]["tiny"]
    if shutil.which("wrk") is None:
        assert "wrk" in results["skipped"]["load"]
        return
    names = [row["name"] for row in tiny["load"]]
    assert names == [p["name"] for p in tiny["pages"]]
    assert all(row["requests"] > 0 and row["errors"] == 0 for row in tiny["load"])
    assert tiny["gunicorn_worker_peak_mb"] > 0


def test_it_loads_mixed_pages_with_and_without_edits_or_says_why_not(harness_run):
    """The mix without edits, then with edits made as an admin save makes them; the
    edited event's summary is put back afterwards."""
    results, _ = harness_run
    tiny = results["scales"]["tiny"]
    if shutil.which("wrk") is None or not os.environ.get("REDIS_URL"):
        assert results["skipped"]["edit_load"]
        return
    measured = tiny["edit_load"]
    (only_round,) = measured["rounds"]
    assert only_round["without_edits"]["requests"] > 0
    assert only_round["with_edits"]["requests"] > 0
    assert only_round["with_edits"]["edits"] >= 1
    assert only_round["with_edits"]["errors"] == only_round["with_edits"]["non_2xx"] == 0
    assert {"home", "list", "timeline", "company"} <= set(measured["pages"])
    targets = {check["target"] for check in results["targets"]}
    assert any("0 requests over 1 s" in target for target in targets)


def test_it_runs_ingestion_matching_and_dedupe_when_they_exist(harness_run):
    results, _ = harness_run
    if not _ingestion_pipeline():
        assert "ingestion" in results["skipped"]
        return
    assert [row["aliases"] for row in results["matching"]] == [100, 1_000, 5_000]
    assert results["automaton"]["automaton_mb"] >= 0
    dedupe = results["scales"]["tiny"]["dedupe"]
    assert dedupe["stored_articles"] >= 100
    if not settings.REDIS_URL:
        assert "REDIS_URL" in results["skipped"]["ingestion"]
        return
    ingestion = results["ingestion"]
    assert ingestion["completed"] == ingestion["pages"] == 10
    # Timed in rounds, each through the pipeline and then trafilatura alone.
    assert [r["pages"] for r in ingestion["rounds"]] == [2, 2, 2, 2, 2]
    assert all(r["ratio"] > 0 for r in ingestion["rounds"])
    # Valid pages on loopback: none fails, none is mistaken for a copy of another.
    assert "failed" not in ingestion["pipeline_states"]
    assert "duplicate" not in ingestion["pipeline_states"]
    assert ingestion["worker_memory"]["articles"] == 20
    # Both page sizes, timed the same way, each with the median time of every step.
    assert [size["size"] for size in ingestion["sizes"]] == ["110 KB", "60 KB"]
    for size in ingestion["sizes"]:
        assert size["completed"] == 10 and "failed" not in size["pipeline_states"]
        assert len(size["rounds"]) == 5 and all(r["ratio"] > 0 for r in size["rounds"])
        steps = size["steps_ms"]
        assert steps["articles"] >= 10
        for step in ("fetch", "extract", "dedupe", "match", "suggest", "write", "celery"):
            assert steps[step] >= 0, step
        assert 0 < steps["own"] < steps["pipeline"] + steps["celery"]


def test_it_builds_digests_for_two_subscription_counts(harness_run):
    results, table = harness_run
    runs = results["scales"]["tiny"]["alerts"]
    assert [run["subscriptions"] for run in runs] == [100, 1_000]  # --quick
    for run in runs:
        assert run["digests"] > 0 and run["sent"] == run["digests"] and run["unsent"] == 0
        assert run["digests"] + run["quiet"] == run["subscriptions"]
        assert run["peak_rss_mb"] > 0
    targets = {c["target"] for c in results["targets"]}
    assert "digest build 1,000 subscriptions <= 60 s" in targets
    assert "digests, 1,000 subscriptions" in table


def test_it_times_the_pages_while_two_full_exports_download(harness_run):
    results, table = harness_run
    measured = results["scales"]["tiny"]["export_load"]
    assert measured["downloads_during"] >= 1
    assert measured["from_file"]["bytes"] > 0
    timed = {page["name"] for page in measured["pages"]}
    assert timed == {page["name"] for page in results["scales"]["tiny"]["pages"]}
    assert all(page["status"] == 200 for page in measured["pages"])
    targets = {c["target"] for c in results["targets"]}
    assert "full export sent from its file at tiny" in targets
    assert "during two full exports at tiny" in table


def test_the_targets_read_the_median_turns_tail_not_one_slow_minute():
    """GIVEN three turns of a page, one timed while the machine ran at half speed
    WHEN they are merged THEN the pooled p95 shows the slow turn and the target checks
    the median turn's p95 (both kept)."""
    from bench.pages import merge
    from bench.targets import evaluate

    def turn(ms: float) -> list[dict]:
        timings = [ms] * 19 + [ms * 1.2]
        return [{"name": "company", "status": 200, "queries": 9, "timings_ms": timings}]

    merged = merge([turn(70), turn(140), turn(75)])[0]
    assert merged["p95_ms"] == 140 and merged["p95_turns_ms"] == [70, 140, 75]
    assert merged["p95_median_turn_ms"] == 75 and merged["samples"] == 60
    checks = evaluate({"scales": {"large": {"pages": [merged]}}})
    p95 = next(c for c in checks if c.target.startswith("company p95"))
    assert (p95.measured, p95.verdict) == ("75.0 ms", "PASS")


def test_a_pages_p99_is_judged_over_enough_samples_against_twice_its_target():
    """GIVEN a search whose slowest 1% of 210 requests pause for several times its usual
    time WHEN the targets are evaluated THEN its p99 is checked against twice its p95
    target (300 ms), failing once the pauses pass it while the p95 holds; over 30
    samples the p99 is reported and not judged."""
    from bench.pages import merge
    from bench.targets import evaluate

    def turn(count: int, pause: float) -> list[dict]:
        timings = [60.0] * (count - 1) + [pause]
        return [{"name": "search_common", "status": 200, "queries": 5, "timings_ms": timings}]

    def checks(turns: list[list[dict]]) -> dict[str, tuple[str, str]]:
        results = {"scales": {"large": {"pages": merge(turns)}}}
        return {c.target: (c.measured, c.verdict) for c in evaluate(results)}

    target = "search_common p99 <= 300 ms (2x target) at large"
    assert checks([turn(70, 250)] * 3)[target] == ("250.0 ms (210 samples)", "PASS")
    slow = checks([turn(70, 400)] * 3)
    assert slow[target] == ("400.0 ms (210 samples)", "FAIL")
    assert slow["search_common p95 <= 150 ms at large"] == ("60.0 ms", "PASS")
    few = checks([turn(10, 400)] * 3)[target]
    assert few == ("400.0 ms (30 samples, fewer than 200)", "N/A")


def test_the_longest_case_is_held_to_its_size_and_not_to_the_small_scales_p50():
    """GIVEN the longest case of each scale (a different case, a different length)
    WHEN the targets are checked THEN its HTML size is judged at the large scale and the
    p50 ratio between the scales is not."""
    from bench.targets import evaluate

    def page(p50: float, size: int) -> dict:
        return {
            "name": "case_largest",
            "status": 200,
            "queries": 16,
            "p50_ms": p50,
            "p95_ms": p50,
            "p99_ms": p50,
            "samples": 210,
            "bytes": size,
        }

    scales = {"small": {"pages": [page(20, 90_000)]}, "large": {"pages": [page(60, 160_000)]}}
    checks = {c.target: c for c in evaluate({"scales": scales})}
    size = checks["case_largest HTML < 150 KB at large"]
    assert (size.measured, size.verdict) == ("156 KB", "FAIL")
    assert checks["case_largest p50 large/small <= 1.5"].verdict == "N/A"
