"""The results as plain-text tables (also pasted into the README)."""

from __future__ import annotations


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    out = [line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(r) for r in rows]
    return "\n".join(out)


def pages_table(results: dict) -> str:
    scales = results.get("scales", {})
    headers = ["page"]
    for name in scales:
        headers += [
            f"{name} p50 ms",
            f"{name} p95 ms",
            f"{name} p95 median turn",
            f"{name} p99 ms",
            f"{name} queries",
            f"{name} req/s cached",
            f"{name} vs floor",
            f"{name} HTML bytes",
        ]
    names: list[str] = []
    for scale in scales.values():
        names += [p["name"] for p in scale.get("pages", []) if p["name"] not in names]
    rows = []
    for page in names:
        row = [page]
        for scale in scales.values():
            p = next((x for x in scale.get("pages", []) if x["name"] == page), None)
            load = next((x for x in scale.get("load", []) if x["name"] == page), None)
            row += [
                f"{p['p50_ms']:.1f}" if p else "-",
                f"{p['p95_ms']:.1f}" if p else "-",
                f"{p['p95_median_turn_ms']:.1f}" if p and "p95_median_turn_ms" in p else "-",
                f"{p['p99_ms']:.1f}" if p and "p99_ms" in p else "-",
                str(p["queries"]) if p else "-",
                f"{load['requests_per_s']:.0f}" if load else "-",
                f"{load['ratio'] * 100:.0f}%" if load and load.get("ratio") is not None else "-",
                str(p["bytes"]) if p and "bytes" in p else "-",
            ]
        rows.append(row)
    return _table(headers, rows)


def render(results: dict) -> str:
    parts = [
        f"Machine: {results['machine']}",
        "",
        "Pages: ms and queries in-process with the page cache off (the cost of a render;",
        "p95 over every sample, and the median of the three turns' p95s, which the",
        "targets check; p99 over every sample, at most twice the page's p95 target);",
        "req/s with wrk against gunicorn with the page cache on.",
        pages_table(results),
        "",
    ]
    other = []
    for name, scale in results.get("scales", {}).items():
        other += _scale_rows(name, scale)
    other += _ingestion_rows(results)
    if other:
        parts += [_table(["measure", "result"], other), ""]
    for section, reason in results.get("skipped", {}).items():
        parts.append(f"SKIPPED {section}: {reason}")
    checks = results.get("targets", [])
    if checks:
        parts += [
            "",
            _table(
                ["target", "measured", "verdict"],
                [[c["target"], c["measured"], c["verdict"]] for c in checks],
            ),
        ]
        failed = sum(c["verdict"] == "FAIL" for c in checks)
        parts.append(f"{len(checks) - failed} of {len(checks)} targets hold; {failed} fail.")
    return "\n".join(parts)


def _cold_rows(name: str, cold: dict) -> list[list[str]]:
    """First requests after a curated edit, the worker's rebuild, and first visits to
    new filter combinations (bench/cold.py)."""
    rows = []
    edit = cold.get("after_edit") or {}
    for page in ("list", "company"):
        if page in edit:
            e = edit[page]
            rows.append(
                [
                    f"{page}, first request after an edit, {name}",
                    f"p50 {e['p50_ms']:.1f} ms, p95 {e['p95_ms']:.1f} ms ({e['samples']} edits)",
                ]
            )
    if "every_page" in edit:
        e = edit["every_page"]
        rows.append(
            [
                f"every page, first request after an edit, {name}",
                f"p50 {e['p50_ms']:.1f} ms, p95 {e['p95_ms']:.1f} ms ({e['samples']} requests)",
            ]
        )
    if "rebuild_ms" in edit:
        r = edit["rebuild_ms"]
        rows.append([f"rebuild in the worker after an edit, {name}", f"p50 {r['p50_ms']:.0f} ms"])
    filters = cold.get("new_filters") or {}
    if filters:
        rows.append(
            [
                f"list, first visit to {filters['urls']} new filter combinations, {name}",
                f"p50 {filters['p50_ms']:.1f} ms, p95 {filters['p95_ms']:.1f} ms",
            ]
        )
    return rows


def _edit_load_rows(name: str, found: dict) -> list[list[str]]:
    """Each round of wrk without edits, then with an edit every few seconds."""
    rows = []
    for number, run in enumerate(found.get("rounds", []), 1):
        quiet, edited = run["without_edits"], run["with_edits"]
        rows.append(
            [
                f"mixed pages, {found['connections']} connections, {found['seconds']} s, "
                f"round {number}, {name}",
                f"{quiet['requests_per_s']:.0f} req/s without edits (p99 {quiet['p99_ms']:.0f} "
                f"ms), {edited['requests_per_s']:.0f} with {edited['edits']} edits (p99 "
                f"{edited['p99_ms']:.0f} ms, max {edited['max_ms']:.0f} ms, "
                f"{edited['over_1s']} over 1 s): {run['ratio'] * 100:.0f}%",
            ]
        )
    return rows


def _scale_rows(name: str, scale: dict) -> list[list[str]]:
    """Seeding, the near-duplicate lookup, a gunicorn worker's memory and the export,
    measured at one scale."""
    rows = _cold_rows(name, scale.get("cold") or {})
    if scale.get("seed"):
        s = scale["seed"]
        rows.append([f"seed_bulk {name}", f"{s['seconds']:.0f} s, peak {s['peak_rss_mb']:.0f} MB"])
    if scale.get("dedupe"):
        d = scale["dedupe"]
        rows.append(
            [
                f"near-dup lookup, {d['stored_articles']:,} stored",
                f"p50 {d['p50_ms']:.2f} ms, p95 {d['p95_ms']:.2f} ms "
                f"(index {d['index_entries']:,}, first {d['first_lookup_ms']:.0f} ms)",
            ]
        )
    rows += _edit_load_rows(name, scale.get("edit_load") or {})
    if scale.get("gunicorn_worker_peak_mb"):
        rows.append([f"gunicorn worker peak, {name}", f"{scale['gunicorn_worker_peak_mb']:.0f} MB"])
    if scale.get("export"):
        e = scale["export"]
        rows.append(
            [f"export_dataset {name}", f"{e['seconds']:.0f} s, peak {e['peak_rss_mb']:.0f} MB"]
        )
    for a in scale.get("alerts", []):
        rows.append(
            [
                f"digests, {a['subscriptions']:,} subscriptions ({a['targets']:,} targets)",
                f"{a['seconds']:.1f} s (plan {a['plan_seconds']:.1f}, build and send "
                f"{a['send_seconds']:.1f}) for {a['sent']:,} digests; "
                f"peak {a['peak_rss_mb']:.0f} MB",
            ]
        )
    return rows


def _ingestion_rows(results: dict) -> list[list[str]]:
    """Matching, the alias automaton, and the ingestion pipeline against trafilatura."""
    rows = [
        [
            f"matching, {row['aliases']:,} aliases",
            f"{row['ms_per_article']:.3f} ms/article (build {row['build_s']:.2f} s)",
        ]
        for row in results.get("matching", [])
    ]
    if results.get("automaton"):
        a = results["automaton"]
        rows.append([f"automaton, {a['aliases']:,} aliases", f"{a['automaton_mb']:.0f} MB"])
    ing = results.get("ingestion")
    if ing:
        for size in ing.get("sizes") or [ing]:
            label = f", {size['size']} pages" if "size" in size else ""
            rows.append(
                [
                    f"ingestion pipeline (worker, c=2){label}",
                    f"{size['pipeline_articles_per_s']:.1f} articles/s",
                ]
            )
            rows.append(
                [
                    f"trafilatura alone (2 processes){label}",
                    f"{size['trafilatura_articles_per_s']:.1f} articles/s",
                ]
            )
            steps = size.get("steps_ms")
            if steps:
                shown = ", ".join(
                    f"{name} {value:.1f}"
                    for name, value in steps.items()
                    if name not in ("own", "own_cpu", "articles")
                )
                rows.append([f"ms per article{label} (medians)", shown])
        mem = ing.get("worker_memory")
        if mem:
            rows.append(
                [
                    f"worker peak at {mem['early_at']:,} / {mem['articles']:,} articles",
                    f"{mem['early_peak_mb']:.0f} MB / {mem['final_peak_mb']:.0f} MB",
                ]
            )
    return rows
