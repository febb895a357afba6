"""Django's mail settings from the environment.

Either one ``EMAIL_URL``:

- ``smtp://user:password@host:587/?tls=1``  SMTP, STARTTLS when ``tls`` is 1/true
- ``smtps://user:password@host:465/``       SMTP over TLS from the first byte
- ``console://``                            print each mail (the default)

(user and password percent-encoded; ``?timeout=`` seconds, 10 by default), or the usual
``EMAIL_HOST``, ``EMAIL_PORT``, ``EMAIL_HOST_USER``, ``EMAIL_HOST_PASSWORD``,
``EMAIL_USE_TLS``, ``EMAIL_USE_SSL``, ``EMAIL_TIMEOUT``. With neither, mail is printed
to the console, which is what ``make demo`` shows. A value it cannot read is an error
at start-up, never a silent fallback.
"""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

from config.env import EnvError, env_bool, env_int, env_str

SMTP = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"
DEFAULT_TIMEOUT = 10
TRUE, FALSE = ("1", "true", "True"), ("0", "false", "False", "")


def _flag(query: dict[str, list[str]], name: str) -> bool:
    value = query.get(name, [""])[-1]
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise EnvError(f"EMAIL_URL: {name}={value!r}: use 1/0 or true/false")


def _number(value: str, what: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise EnvError(f"EMAIL_URL: {what} {value!r} is not a number") from None


def parse_email_url(url: str) -> dict[str, object]:
    """The Django settings an ``EMAIL_URL`` stands for."""
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": CONSOLE}
    if parts.scheme not in ("smtp", "smtps"):
        raise EnvError(f"EMAIL_URL: scheme {parts.scheme!r}: use smtp://, smtps:// or console://")
    if not parts.hostname:
        raise EnvError("EMAIL_URL: no host, write it like smtp://user:password@host:587/")
    query = parse_qs(parts.query, keep_blank_values=True)
    ssl = parts.scheme == "smtps" or _flag(query, "ssl")
    tls = _flag(query, "tls")
    if ssl and tls:
        raise EnvError("EMAIL_URL: choose smtps:// (TLS from the start) or tls=1 (STARTTLS)")
    try:
        port = parts.port
    except ValueError:
        raise EnvError("EMAIL_URL: the port is not a number") from None
    timeout = query.get("timeout", [str(DEFAULT_TIMEOUT)])[-1]
    return {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port or (465 if ssl else 587 if tls else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": tls,
        "EMAIL_USE_SSL": ssl,
        "EMAIL_TIMEOUT": _number(timeout, "timeout"),
    }


def email_settings() -> dict[str, object]:
    """EMAIL_URL when set, else the EMAIL_HOST family, else the console."""
    url = env_str("EMAIL_URL")
    if url:
        return parse_email_url(url)
    host = env_str("EMAIL_HOST")
    if not host:
        return {"EMAIL_BACKEND": CONSOLE}
    ssl, tls = env_bool("EMAIL_USE_SSL"), env_bool("EMAIL_USE_TLS")
    if ssl and tls:
        raise EnvError("EMAIL_USE_SSL and EMAIL_USE_TLS: set one of them, not both")
    return {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": host,
        "EMAIL_PORT": env_int("EMAIL_PORT", 465 if ssl else 587 if tls else 25),
        "EMAIL_HOST_USER": env_str("EMAIL_HOST_USER"),
        "EMAIL_HOST_PASSWORD": env_str("EMAIL_HOST_PASSWORD"),
        "EMAIL_USE_TLS": tls,
        "EMAIL_USE_SSL": ssl,
        "EMAIL_TIMEOUT": env_int("EMAIL_TIMEOUT", DEFAULT_TIMEOUT),
    }
