"""Who may say a request came over HTTPS: only a proxy the operator declared with
SECURE_PROXY_SSL_HEADER, through X-Forwarded-Proto, read by Django. gunicorn trusts no
forwarded header itself, from loopback or anywhere else.

The HTTPS redirect (SECURE_SSL_REDIRECT) shows the verdict from outside: a request taken
for HTTPS is served, one taken for plain HTTP is redirected to https://.
"""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest

from tests.reliability.processes import base_env
from tests.reliability.site import collect_static

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(180),
]

PAGE = "/controversies/"
# Every header gunicorn's defaults take as "this came over HTTPS".
CLAIMS_HTTPS = {
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Ssl": "on",
    "X-Forwarded-Protocol": "ssl",
}


def _get(base: str, headers: dict[str, str]) -> tuple[int, str]:
    """Status and Location of GET PAGE, redirects not followed."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=15)
    try:
        connection.request("GET", PAGE, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location", "")
    finally:
        connection.close()


def _env(*, trust_proxy_header: bool) -> dict[str, str]:
    return base_env(
        SECURE_SSL_REDIRECT="true",
        SECURE_PROXY_SSL_HEADER="true" if trust_proxy_header else "false",
    )


def test_gunicorn_ignores_https_claims_from_loopback_with_the_setting_off(processes):
    """GIVEN gunicorn on loopback with SECURE_PROXY_SSL_HEADER off and the HTTPS redirect on
    WHEN a loopback client claims HTTPS in every forwarded header gunicorn knows
    THEN the request is still plain HTTP: it is redirected to https://."""
    collect_static()
    _server, base = processes.gunicorn("gunicorn", _env(trust_proxy_header=False), workers=1)

    status, location = _get(base, CLAIMS_HTTPS)

    assert status == 301
    assert location == f"https://127.0.0.1:{urlsplit(base).port}{PAGE}"


# (forwarded headers, served as HTTPS?) with SECURE_PROXY_SSL_HEADER off, then on.
WITHOUT_DECLARED_PROXY = [(CLAIMS_HTTPS, False), ({}, False)]
BEHIND_DECLARED_PROXY = [
    # The TLS proxy's X-Forwarded-Proto is believed (it overwrites the client's) ...
    ({"X-Forwarded-Proto": "https"}, True),
    ({"X-Forwarded-Proto": "http"}, False),
    # ... and only that header: gunicorn's other HTTPS headers are not.
    ({"X-Forwarded-Ssl": "on", "X-Forwarded-Protocol": "ssl"}, False),
    ({}, False),
]


@pytest.mark.parametrize(
    ("trust_proxy_header", "cases"),
    [(False, WITHOUT_DECLARED_PROXY), (True, BEHIND_DECLARED_PROXY)],
    ids=["setting-off", "setting-on"],
)
def test_behind_nginx_only_the_declared_header_makes_a_request_https(
    processes, trust_proxy_header, cases
):
    """GIVEN the web tier as `make stack` runs it (nginx in front of gunicorn) with the
    HTTPS redirect on
    WHEN requests arrive with forwarded headers (nginx passes them on)
    THEN one is served as HTTPS only when SECURE_PROXY_SSL_HEADER is on and
    X-Forwarded-Proto says https; every other is redirected to https://."""
    collect_static()
    base = processes.web_behind_nginx(_env(trust_proxy_header=trust_proxy_header))

    answers = [(headers, _get(base, headers)) for headers, _served in cases]

    expected = [(headers, 200 if served else 301) for headers, served in cases]
    assert [(headers, status) for headers, (status, _) in answers] == expected
    for _headers, (status, location) in answers:
        assert status == 200 or location.startswith("https://127.0.0.1:")
