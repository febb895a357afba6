"""Ingestion and the other apps read the domain through its selectors and services,
never through its tables."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("app", ["ingestion", "opendata", "archive"])
def test_no_module_outside_controversies_names_one_of_its_tables(app):
    config = apps.get_app_config("controversies")
    tables = {model._meta.db_table for model in config.get_models(include_auto_created=True)}
    named = re.compile(r"\b(" + "|".join(sorted(map(re.escape, tables))) + r")\b")
    found = [
        f"{path.relative_to(ROOT)}: {match.group(1)}"
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
        for match in named.finditer(path.read_text(encoding="utf-8"))
    ]

    assert found == []
