"""The issue's targets, checked against one run's results: each PASS, FAIL or N/A."""

from __future__ import annotations

from dataclasses import asdict, dataclass

# Searches answer within 150 ms at the largest scale (issue 18: valid but costly ones
# too), every other page within 100 ms.
SEARCH_PAGES = (
    "search_rare",
    "search_common",
    "search_negations",
    "search_repeated",
    "search_20_terms",
)
# Pages whose depth grows with the data (the list's last page, a cursor most of the way
# down the events): their target is the p95 alone, and their p50 is reported beside the
# small scale's without the 1.5 ratio, which compares pages showing the same work.
DEEP_PAGES = ("list_last_page", "api_deep_cursor")
# Every page's p99 within twice its p95 target (issue 18), judged only over this many
# samples or more: below that the p99 is one of the few slowest requests, reported as
# measured and N/A (a --quick run).
P99_TARGET_FACTOR = 2
P99_MIN_SAMPLES = 200
# Pages that show a different row at each scale (the longest case of each): no p50 ratio.
LONGEST_PAGES = ("case_largest",)
# The longest case's page stays under this many bytes (issue 18): its timeline is shown a
# part at a time.
CASE_LARGEST_MAX_BYTES = 150 * 1024


@dataclass
class Check:
    target: str
    measured: str
    verdict: str  # PASS, FAIL or N/A

    def as_dict(self) -> dict:
        return asdict(self)


def _verdict(ok: bool | None) -> str:
    return "N/A" if ok is None else ("PASS" if ok else "FAIL")


def _pages(scale: dict) -> dict[str, dict]:
    return {p["name"]: p for p in scale.get("pages", [])}


def evaluate(results: dict) -> list[Check]:
    """A check for every target the results can be judged against: pages, load,
    ingestion, matching and dedupe, then memory, in that order."""
    scales = results.get("scales", {})
    names = list(scales)
    large = scales[names[-1]] if names else {}
    return [
        *_page_checks(scales),
        *_cold_checks(scales),
        *_load_checks(large),
        *_edit_load_checks(large),
        *_ingestion_checks(results.get("ingestion") or {}),
        *_matching_checks(results, scales),
        *_resource_checks(scales),
        *_alerts_checks(large),
        *_export_load_checks(large, names[-1] if names else "-"),
    ]


def _page_checks(scales: dict) -> list[Check]:
    """Each page's p95 and p99 at the largest scale, and its p50 and queries across
    scales."""
    names = list(scales)
    small = scales[names[0]] if names else {}
    large = scales[names[-1]] if names else {}
    cross = len(names) > 1
    large_name = names[-1] if names else "-"
    checks: list[Check] = []
    add = checks.append
    small_pages, large_pages = _pages(small), _pages(large)
    for name, page in large_pages.items():
        if name == "floor":
            continue
        if page["status"] != 200:
            add(Check(f"{name} answers 200", f"status {page['status']}", "FAIL"))
        limit = 150 if name in SEARCH_PAGES else 100
        p95 = page.get("p95_median_turn_ms", page["p95_ms"])  # see bench.pages.merge
        add(
            Check(
                f"{name} p95 <= {limit} ms at {large_name}",
                f"{p95:.1f} ms",
                _verdict(p95 <= limit),
            )
        )
        add(_p99_check(name, page, limit * P99_TARGET_FACTOR, large_name))
        other = small_pages.get(name)
        if cross and other:
            ratio = page["p50_ms"] / other["p50_ms"] if other["p50_ms"] else 0.0
            add(
                Check(
                    f"{name} p50 {large_name}/{names[0]} <= 1.5",
                    f"{ratio:.2f}",
                    "N/A" if name in (*DEEP_PAGES, *LONGEST_PAGES) else _verdict(ratio <= 1.5),
                )
            )
            add(
                Check(
                    f"{name} queries equal at {names[0]} and {large_name}",
                    f"{other['queries']} / {page['queries']}",
                    _verdict(other["queries"] == page["queries"]),
                )
            )
    largest = large_pages.get("case_largest")
    if largest and "bytes" in largest:
        add(
            Check(
                f"case_largest HTML < 150 KB at {large_name}",
                f"{largest['bytes'] / 1024:.0f} KB",
                _verdict(largest["bytes"] < CASE_LARGEST_MAX_BYTES),
            )
        )
    return checks


def _p99_check(name: str, page: dict, limit: float, scale: str) -> Check:
    p99, samples = page.get("p99_ms"), page["samples"]
    target = f"{name} p99 <= {limit:.0f} ms ({P99_TARGET_FACTOR}x target) at {scale}"
    if p99 is None:
        return Check(target, "not measured", "N/A")
    if samples < P99_MIN_SAMPLES:
        measured = f"{p99:.1f} ms ({samples} samples, fewer than {P99_MIN_SAMPLES})"
        return Check(target, measured, "N/A")
    return Check(target, f"{p99:.1f} ms ({samples} samples)", _verdict(p99 <= limit))


COLD_LIMIT_MS = 150


def _cold_checks(scales: dict) -> list[Check]:
    """The first request after a curated edit (list and company pages) and the first
    visit to new filter combinations: p95 at the largest scale, the smallest's beside."""
    names = list(scales)
    if not names:
        return []
    small, large = scales[names[0]].get("cold") or {}, scales[names[-1]].get("cold") or {}
    measures = [
        (f"{page} page, first request after a curated edit", ("after_edit", page))
        for page in ("list", "company")
    ]
    measures.append(
        ("every page, first request after a curated edit", ("after_edit", "every_page"))
    )
    measures.append(("first visit to new filter combinations", ("new_filters",)))
    checks = []
    for label, path in measures:
        found, beside = _dig(large, path), _dig(small, path)
        if not found:
            continue
        p95 = found["p95_ms"]
        count = f" ({found['urls']} URLs)" if "urls" in found else ""
        other = f", {names[0]} {beside['p95_ms']:.1f} ms" if beside and len(names) > 1 else ""
        checks.append(
            Check(
                f"{label}{count}: p95 <= {COLD_LIMIT_MS} ms at {names[-1]}",
                f"{p95:.1f} ms{other}",
                _verdict(p95 <= COLD_LIMIT_MS),
            )
        )
    return checks


def _dig(results: dict, path: tuple[str, ...]) -> dict:
    for step in path:
        results = results.get(step) or {}
    return results


def _load_checks(large: dict) -> list[Check]:
    """Each page's throughput under load against the floor page's."""
    checks: list[Check] = []
    add = checks.append
    for row in large.get("load", []):
        if row["name"] == "floor" or row.get("ratio") is None:
            continue
        add(
            Check(
                f"{row['name']} throughput >= 40% of floor",
                f"{row['ratio'] * 100:.0f}%",
                _verdict(row["ratio"] >= 0.40),
            )
        )
    return checks


# Under load with a curated edit every few seconds (bench/edit_load.py): no visitor waits
# a second, and the site keeps this share of the throughput it has without edits.
EDIT_LOAD_RATIO = 0.80


def _edit_load_checks(large: dict) -> list[Check]:
    found = large.get("edit_load") or {}
    if not found.get("rounds"):
        return []
    every = f"an edit every {found['edit_every_s']:g} s"
    ratios = ", ".join(f"{r['ratio'] * 100:.0f}%" for r in found["rounds"])
    requests = sum(r["with_edits"]["requests"] for r in found["rounds"])
    return [
        Check(
            f"with {every}: throughput >= {EDIT_LOAD_RATIO:.0%} of without (median round)",
            f"{found['ratio'] * 100:.0f}% (rounds {ratios})",
            _verdict(found["ratio"] >= EDIT_LOAD_RATIO),
        ),
        Check(
            f"with {every}: 0 requests over 1 s",
            f"{found['over_1s']} of {requests:,}",
            _verdict(found["over_1s"] == 0),
        ),
    ]


# The pipeline against trafilatura alone, by page size: the smaller the page, the more
# the pipeline's fixed cost per article weighs. And that fixed cost itself.
INGESTION_RATIOS = {"60 KB": 0.50, "110 KB": 0.70}
INGESTION_OWN_MS = 15.0


def _ingestion_checks(ingestion: dict) -> list[Check]:
    """The pipeline's speed against trafilatura alone, its own cost per article, and the
    worker's memory."""
    checks: list[Check] = []
    add = checks.append
    for size in ingestion.get("sizes", []):
        floor = INGESTION_RATIOS.get(size["size"])
        if floor is not None:
            add(
                Check(
                    f"ingestion, {size['size']} pages, >= {floor:.0%} of trafilatura alone",
                    f"{size['ratio'] * 100:.0f}%",
                    _verdict(size["ratio"] >= floor),
                )
            )
        steps = size.get("steps_ms") or {}
        if "own" in steps:
            # By the clock; the worker's CPU time beside it shows how much of it was
            # waiting (for the database, or for a core on a busy machine).
            add(
                Check(
                    f"ingestion's own cost, {size['size']} pages, <= {INGESTION_OWN_MS:.0f} ms",
                    f"{steps['own']:.1f} ms (CPU {steps.get('own_cpu', 0):.1f})",
                    _verdict(steps["own"] <= INGESTION_OWN_MS),
                )
            )
    memory = ingestion.get("worker_memory") or {}
    if memory:
        peak, early = memory["final_peak_mb"], memory["early_peak_mb"]
        add(Check("Celery worker < 400 MB", f"{peak:.0f} MB", _verdict(peak < 400)))
        growth = (peak - early) / early if early else 0.0
        add(
            Check(
                f"worker growth, article {memory['early_at']:,} to {memory['articles']:,} < 20%",
                f"{growth * 100:.1f}%",
                _verdict(growth < 0.20),
            )
        )
    return checks


def _matching_checks(results: dict, scales: dict) -> list[Check]:
    """How matching and the near-duplicate lookup grow with aliases and articles."""
    checks: list[Check] = []
    add = checks.append
    matching = results.get("matching") or []
    if len(matching) > 1:
        growth = matching[-1]["ms_per_article"] / matching[0]["ms_per_article"]
        add(
            Check(
                f"matching {matching[0]['aliases']:,} -> {matching[-1]['aliases']:,} aliases"
                " <= 1.3x",
                f"{growth:.2f}x",
                _verdict(growth <= 1.3),
            )
        )
    automaton = results.get("automaton") or {}
    if automaton:
        size = automaton["automaton_mb"]
        add(
            Check(
                f"automaton at {automaton['aliases']:,} aliases < 200 MB",
                f"{size:.0f} MB",
                _verdict(size < 200),
            )
        )

    dedupe = [s.get("dedupe") for s in scales.values() if s.get("dedupe")]
    if len(dedupe) > 1:
        growth = dedupe[-1]["p50_ms"] / dedupe[0]["p50_ms"] if dedupe[0]["p50_ms"] else 0.0
        add(
            Check(
                f"near-duplicate lookup {dedupe[0]['stored_articles']:,} -> "
                f"{dedupe[-1]['stored_articles']:,} articles <= 2x",
                f"{growth:.2f}x",
                _verdict(growth <= 2),
            )
        )
    return checks


def _resource_checks(scales: dict) -> list[Check]:
    """Peak memory of a gunicorn worker, of seeding each scale and of a full export, and
    how long seeding the large scale takes."""
    names = list(scales)
    large = scales[names[-1]] if names else {}
    large_name = names[-1] if names else "-"
    checks: list[Check] = []
    add = checks.append
    worker = large.get("gunicorn_worker_peak_mb")
    if worker:
        add(Check("gunicorn worker < 250 MB", f"{worker:.0f} MB", _verdict(worker < 250)))
    for name, scale in scales.items():
        seed = scale.get("seed")
        if seed:
            add(
                Check(
                    f"seed_bulk {name} < 2 GB",
                    f"{seed['peak_rss_mb']:.0f} MB",
                    _verdict(seed["peak_rss_mb"] < 2048),
                )
            )
            if name == "large":
                add(
                    Check(
                        "seed_bulk large < 15 min",
                        f"{seed['seconds'] / 60:.1f} min",
                        _verdict(seed["seconds"] < 900),
                    )
                )
    export = large.get("export")
    if export:
        add(
            Check(
                f"full export at {large_name} < 300 MB",
                f"{export['peak_rss_mb']:.0f} MB",
                _verdict(export["peak_rss_mb"] < 300),
            )
        )
    return checks


def _alerts_checks(large: dict) -> list[Check]:
    """Digest planning and building for the most subscriptions within a minute, with
    the peak memory flat in their number."""
    runs = large.get("alerts") or []
    if not runs:
        return []
    fewest, most = runs[0], runs[-1]
    checks = [
        Check(
            f"digest build {most['subscriptions']:,} subscriptions <= 60 s",
            f"{most['seconds']:.1f} s ({most['sent']:,} digests)",
            _verdict(most["seconds"] <= 60 and most["unsent"] == 0),
        )
    ]
    if len(runs) > 1 and fewest["peak_rss_mb"]:
        ratio = most["peak_rss_mb"] / fewest["peak_rss_mb"]
        checks.append(
            Check(
                f"digest memory flat: peak at {most['subscriptions']:,} / "
                f"{fewest['subscriptions']:,} subscriptions <= 1.2x",
                f"{ratio:.2f}x ({most['peak_rss_mb']:.0f} / {fewest['peak_rss_mb']:.0f} MB)",
                _verdict(ratio <= 1.2),
            )
        )
    return checks


def _export_load_checks(large: dict, large_name: str) -> list[Check]:
    """Every page's p95 while two full exports download at once (bench.export_load),
    and the time to send a full export from its file (reported, no target)."""
    measured = large.get("export_load")
    if not measured:
        return []
    checks = []
    for page in measured["pages"]:
        if page["name"] == "floor":
            continue
        limit = 150 if page["name"] in SEARCH_PAGES else 100
        ok = page["status"] == 200 and page["p95_ms"] <= limit
        checks.append(
            Check(
                f"{page['name']} p95 <= {limit} ms during two full exports at {large_name}",
                f"{page['p95_ms']:.1f} ms",
                _verdict(ok),
            )
        )
    sent = measured["from_file"]
    checks.append(
        Check(
            f"full export sent from its file at {large_name}",
            f"{sent['p50_s'] * 1000:.0f} ms for {sent['bytes'] / 1e6:.1f} MB "
            f"(built in {measured['build_s']:.1f} s)",
            "N/A",
        )
    )
    return checks
