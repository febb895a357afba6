"""The environment variable names config/settings.py (with alerts/email_config.py, which
it calls for the mail settings) and the gunicorn config read, found by parsing their
source.

Parsing (rather than importing) sees every env_* call, including ones in branches the
current environment does not take.
"""

from __future__ import annotations

import ast
from pathlib import Path

SETTINGS = Path(__file__).resolve().parents[2] / "config" / "settings.py"
GUNICORN_CONFIG = SETTINGS.with_name("gunicorn.conf.py")
EMAIL_CONFIG = SETTINGS.parents[1] / "alerts" / "email_config.py"
ENV_HELPERS = {"env_str", "env_bool", "env_int", "env_list"}


def names_read_by_settings() -> set[str]:
    return names_read_by(SETTINGS) | names_read_by(EMAIL_CONFIG)


def names_read_by(module: Path) -> set[str]:
    tree = ast.parse(module.read_text())
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
