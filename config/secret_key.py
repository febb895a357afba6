"""The rule for SECRET_KEY with DEBUG off: long, random, and not a value anyone can read.

A key this project publishes (the .env.example value, the DEBUG fallback) protects
nothing: with it anyone can forge sessions, CSRF tokens and password-reset links.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

MIN_LENGTH = 50
HOW_TO_MAKE_ONE = 'python -c "import secrets; print(secrets.token_urlsafe(50))"'
# Used only with DEBUG on and no SECRET_KEY set.
DEVELOPMENT_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
PUBLISHED_KEYS = frozenset(
    {
        DEVELOPMENT_KEY,
        # .env.example
        "change-me-to-a-long-random-string",
    }
)


def require_production_key(key: str) -> None:
    """Refuse to start with a key that cannot keep production's signatures secret."""
    if not key:
        problem = "SECRET_KEY must be set when DEBUG is off"
    elif key in PUBLISHED_KEYS:
        problem = "SECRET_KEY is a placeholder published with this project"
    elif len(key) < MIN_LENGTH:
        problem = f"SECRET_KEY has {len(key)} characters; it needs at least {MIN_LENGTH}"
    else:
        return
    raise ImproperlyConfigured(
        f"{problem} (DEBUG is off). Make a random one with: {HOW_TO_MAKE_ONE}"
    )
