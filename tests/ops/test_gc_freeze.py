"""gunicorn workers and Celery pool processes freeze what they keep out of the garbage
collector's full walks (config/heap.py): once loaded, and a web worker again once warm."""

from __future__ import annotations

import gc
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest

from config import heap

GUNICORN_CONFIG = Path(__file__).resolve().parents[2] / "config" / "gunicorn.conf.py"


@pytest.fixture
def freezes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Each freeze_long_lived call, recorded with its real effect undone afterwards."""
    calls: list[int] = []

    def record() -> int:
        calls.append(1)
        return 0

    monkeypatch.setattr(heap, "freeze_long_lived", record)
    return calls


def test_a_gunicorn_worker_freezes_once_loaded_and_once_warm(freezes):
    hooks = runpy.run_path(str(GUNICORN_CONFIG))
    worker = SimpleNamespace(nr=0)
    hooks["post_worker_init"](worker)
    assert len(freezes) == 1
    for _ in range(heap.WARM_REQUESTS + 50):
        worker.nr += 1
        hooks["post_request"](worker, None, {}, None)
    assert len(freezes) == 2  # the warm freeze, once only


def test_a_celery_pool_process_freezes_what_the_main_process_loaded(freezes):
    from config import celery as celery_config

    celery_config._freeze_loaded_heap()  # connected to worker_process_init
    assert len(freezes) == 1


def test_freezing_moves_what_is_alive_out_of_the_collectors_walks():
    kept = [[n] for n in range(1_000)]  # containers the collector tracks
    try:
        assert heap.freeze_long_lived() >= len(kept)
        assert gc.get_freeze_count() >= len(kept)
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0
