"""The dataset release's CSV files follow the same formula rules as the exports."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from opendata.dataset import TABLES
from tests.opendata.formulas import PAYLOADS, check_csv_against_json, plant_formulas

pytestmark = pytest.mark.django_db


def test_it_quotes_every_cell_and_defuses_every_formula_in_the_release(world, tmp_path):
    # GIVEN formulas planted in every free-text column of every table, WHEN the release
    # is written, THEN in every CSV file every cell is quoted, none runs as a formula and
    # each gives back its JSON value once the apostrophe is stripped; the JSON files hold
    # the planted text unchanged.
    planted = plant_formulas()
    call_command("export_dataset", str(tmp_path))
    in_json: set[str] = set()
    for table in TABLES:
        csv_text = (tmp_path / f"{table.name}.csv").read_bytes().decode("utf-8")
        records = json.loads((tmp_path / f"{table.name}.json").read_text(encoding="utf-8"))
        in_json |= check_csv_against_json(csv_text, records)
    assert planted == set(PAYLOADS)
    assert planted <= in_json
