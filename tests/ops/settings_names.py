"""The environment variable names config/settings.py reads, found by parsing its source.

Parsing (rather than importing) sees every env_* call, including ones in branches the
current environment does not take.
"""

from __future__ import annotations

import ast
from pathlib import Path

SETTINGS = Path(__file__).resolve().parents[2] / "config" / "settings.py"
ENV_HELPERS = {"env_str", "env_bool", "env_int", "env_list"}


def names_read_by_settings() -> set[str]:
    tree = ast.parse(SETTINGS.read_text())
    names = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ENV_HELPERS
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(node.args[0].value)
    return names
