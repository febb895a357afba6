"""README "Operations" documents every variable the settings read."""

from __future__ import annotations

import re
from pathlib import Path

from tests.ops.settings_names import names_read_by_settings

REPO = Path(__file__).resolve().parents[2]


def test_its_configuration_table_lists_every_variable_the_settings_read():
    readme = (REPO / "README.md").read_text()
    operations = readme.split("## Operations", 1)[1]
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", operations, flags=re.MULTILINE))
    missing = names_read_by_settings() - documented
    assert not missing, f"add {sorted(missing)} to README, Operations, Configuration"
    assert not documented - names_read_by_settings(), "README documents unread variables"
