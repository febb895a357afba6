"""Every public page and API endpoint, fed random and invalid query parameters: never a
500 (a helpful page, a 400 or a 404 instead).

Parameter names come from the site itself: the fields of every form and the query keys
of every link on each page, and the query parameters the API's OpenAPI schema declares,
plus a few that readers and bots commonly try.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.reliability.site import public_routes, public_urls, seed_site

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(300)]

COMMON_NAMES = [
    "q",
    "page",
    "sort",
    "order",
    "format",
    "limit",
    "offset",
    "cursor",
    "year",
    "status",
    "company",
    "topic",
    "kind",
    "from",
    "to",
    "id",
    "slug",
    "utm_source",
]
NASTY_VALUES = [
    "",
    "\x00",
    "-1",
    "99999999999999999999999999",
    "1e309",
    "2024-13-45",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "%",
    "a" * 5000,
    "\u202e\uffff😀",
    "[]",
]


class _Names(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag in ("input", "select", "textarea") and attributes.get("name"):
            self.names.add(attributes["name"])
        for attribute in ("href", "hx-get"):
            if attributes.get(attribute) and "?" in attributes[attribute]:
                self.names.update(k for k, _ in parse_qsl(urlsplit(attributes[attribute]).query))


def _api_parameters(client: Client) -> dict[str, set[str]]:
    """Query parameter names per API path template, from the OpenAPI schema."""
    response = client.get("/api/openapi.json")
    if response.status_code == 404:
        return {}
    schema = json.loads(response.content)
    return {
        path: {
            p["name"]
            for op in item.values()
            for p in op.get("parameters", [])
            if p["in"] == "query"
        }
        for path, item in schema["paths"].items()
    }


def _targets(client: Client) -> list[tuple[str, list[str]]]:
    """(URL, parameter names worth trying on it) for every public URL."""
    api = _api_parameters(client)
    targets = []
    for url in public_urls():
        names = set(COMMON_NAMES)
        response = client.get(url)
        if "html" in response.headers.get("Content-Type", ""):
            parser = _Names()
            parser.feed(response.content.decode("utf-8", errors="replace"))
            names |= parser.names
        for template, params in api.items():
            prefix = template.split("{")[0]
            if url.startswith(prefix) and url.count("/") == template.count("/"):
                names |= params
        names.discard("csrfmiddlewaretoken")
        targets.append((url, sorted(names)))
    return targets


@pytest.fixture
def targets(settings):
    settings.API_RATE_LIMIT = ""
    seed_site()
    return _targets(Client())


def _failures(client: Client, url: str, params: list[tuple[str, str]], htmx: bool) -> list:
    query = urlencode(params)
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(f"{url}?{query}", headers=headers)
    if response.status_code >= 500:
        return [(url, query[:300], htmx, response.status_code)]
    return []


def test_it_answers_every_invalid_value_of_every_known_parameter_without_a_500(targets):
    """GIVEN every public URL and the parameter names its forms, links and the OpenAPI
    schema use
    WHEN each is requested with every parameter set at once to each of 12 invalid values
    (a NUL byte, huge numbers, impossible dates, SQL, markup, 5,000 characters, emoji),
    as a page and as an HTMX fragment
    THEN nothing answers 500."""
    names_seen = {name for _, names in targets for name in names}
    # Each public route yields at least one URL, and the pages' forms add their own names.
    assert len(targets) >= len(public_routes()) and len(names_seen) > len(COMMON_NAMES)
    client = Client()
    failures = []
    for url, names in targets:
        for value in NASTY_VALUES:
            failures += _failures(client, url, [(n, value) for n in names], htmx=value == "")
    assert not failures, "\n".join(map(str, failures))


VALUES = st.one_of(
    st.text(max_size=60),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.dates().map(str),
    st.sampled_from(NASTY_VALUES),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)


@hypothesis_settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_it_answers_random_parameters_without_a_500(targets, data):
    """Random URLs of the site with random subsets of their parameters (repeated keys
    and unknown names included) set to random text, numbers and dates: never a 500."""
    url, names = data.draw(st.sampled_from(targets), label="url")
    keys = st.one_of(st.sampled_from(names), st.text(min_size=1, max_size=12))
    params = data.draw(st.lists(st.tuples(keys, VALUES), max_size=6), label="params")
    htmx = data.draw(st.booleans(), label="htmx")
    assert _failures(Client(), url, params, htmx) == []
