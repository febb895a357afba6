"""Where an article's time goes in the bench's Celery worker, step by step.

The bench starts its worker with ``-A bench.ingest_steps``: the project's Celery app, with
the pipeline's step functions wrapped in timers in each pool process (a timer costs a
microsecond or two; nothing else changes). Each task appends one JSON line to the file
named by BENCH_STEP_LOG: the article, when the task started and ended in its process,
and the seconds spent in each step, by the clock and in the process's own CPU time
(which leaves out waiting for the database and, on a busy machine, for a core).
``summary()`` turns the lines of the timed articles into milliseconds per article.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import statistics
import time
from collections import defaultdict
from itertools import pairwise

from celery.signals import task_postrun, task_prerun, worker_process_init

from config.celery import app

__all__ = ["app", "summary"]

# (what is timed, the module whose attribute the pipeline calls it through, attribute).
# Nested: "store" contains "dedupe_check" (run under the writer's lock; the rows it
# reads come with the lock's statement, so reading them counts as "write"); "extract"
# contains "trafilatura" and "trafilatura_metadata"; "advance" contains every step.
TIMED = (
    ("advance", "ingestion.pipeline", "article_advance"),
    ("fetch", "ingestion.pipeline.runner", "fetch"),
    ("extract", "ingestion.pipeline.runner", "extract"),
    ("trafilatura", "trafilatura", "bare_extraction"),
    ("trafilatura_metadata", "trafilatura", "extract_metadata"),
    ("fingerprint", "ingestion.pipeline.dedupe", "fingerprint"),
    ("dedupe_check", "ingestion.pipeline.dedupe", "check"),
    ("match", "ingestion.pipeline.matching", "match"),
    ("suggest", "ingestion.pipeline.suggest", "suggest"),
    ("store", "ingestion.pipeline.write", "store_page"),
)

_spent: dict[str, float] = defaultdict(float)
_cpu: dict[str, float] = defaultdict(float)
_task: dict = {}


def _timed(name: str, function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            _spent[name] += time.perf_counter() - started
            _cpu[name] += time.process_time() - cpu

    return wrapper


@worker_process_init.connect
def _wrap_steps(**kwargs) -> None:
    for name, module, attribute in TIMED:
        owner = importlib.import_module(module)
        setattr(owner, attribute, _timed(name, getattr(owner, attribute)))


@task_prerun.connect
def _task_started(task_id=None, args=None, **kwargs) -> None:
    _spent.clear()
    _cpu.clear()
    _task.update(
        article=(args or [None])[0], start=time.perf_counter(), start_cpu=time.process_time()
    )


@task_postrun.connect
def _task_ended(**kwargs) -> None:
    path = os.environ.get("BENCH_STEP_LOG")
    if not path or "start" not in _task:
        return
    line = {
        **_task,
        "end": time.perf_counter(),
        "end_cpu": time.process_time(),
        "pid": os.getpid(),
        "steps": dict(_spent),
        "cpu": dict(_cpu),
    }
    with open(path, "a") as handle:
        handle.write(json.dumps(line) + "\n")


def _read(path: str, ids: set[int]) -> list[dict]:
    with open(path) as handle:
        return [line for line in map(json.loads, handle) if line["article"] in ids]


def _celery_ms(lines: list[dict]) -> float:
    """Per article, what the worker spends outside the pipeline: in the task around the
    runner (loading the row, the signals), and between one task's end and the next's
    start in the same process (acknowledging, taking the next message). Medians, so the
    idle wait at the end of a round does not count."""
    around = [line["end"] - line["start"] - line["steps"].get("advance", 0.0) for line in lines]
    between = []
    by_process = defaultdict(list)
    for line in lines:
        by_process[line["pid"]].append(line)
    for runs in by_process.values():
        runs.sort(key=lambda line: line["start"])
        between += [after["start"] - before["end"] for before, after in pairwise(runs)]
    return 1000 * (statistics.median(around) + (statistics.median(between) if between else 0.0))


def summary(path: str, ids: list[int]) -> dict:
    """Median milliseconds per article of each step for the articles ``ids``, the
    worker's own overhead ("celery"), and "own": all of it but trafilatura's calls."""
    lines = _read(path, set(ids))
    if not lines:
        return {}

    def ms(name: str, line: dict) -> float:
        return 1000 * line["steps"].get(name, 0.0)

    derived = {
        "fetch": lambda line: ms("fetch", line),
        "extract": lambda line: ms("extract", line),
        "of which trafilatura": lambda line: (
            ms("trafilatura", line) + ms("trafilatura_metadata", line)
        ),
        "dedupe": lambda line: ms("fingerprint", line) + ms("dedupe_check", line),
        "match": lambda line: ms("match", line),
        "suggest": lambda line: ms("suggest", line),
        "write": lambda line: ms("store", line) - ms("dedupe_check", line),
        "pipeline": lambda line: ms("advance", line),
    }
    steps = {name: round(statistics.median(map(f, lines)), 2) for name, f in derived.items()}
    steps["celery"] = round(_celery_ms(lines), 2)
    beyond = [ms("advance", line) - derived["of which trafilatura"](line) for line in lines]
    steps["own"] = round(statistics.median(beyond) + steps["celery"], 2)
    # The same in the worker process's CPU time, from the task's start to its end.
    trafilatura_cpu = ("trafilatura", "trafilatura_metadata")
    own_cpu = [
        line["end_cpu"] - line["start_cpu"] - sum(line["cpu"].get(n, 0.0) for n in trafilatura_cpu)
        for line in lines
    ]
    steps["own_cpu"] = round(1000 * statistics.median(own_cpu), 2)
    steps["articles"] = len(lines)
    return steps
