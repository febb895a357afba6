"""Every public page and API endpoint, fed random and invalid query parameters and path
segments: never a 500 (a helpful page, a 400 or a 404 instead), and never a body cut
short (every answer is read to its end: CSV rows complete, JSON and feeds parse).

Parameter names come from the site itself: the fields of every form and the query keys
of every link on each page, and the query parameters the API's OpenAPI schema declares,
plus a few that readers and bots commonly try. Path segments are those of every public
route with a parameter, from the URL resolver.
"""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlencode, urlsplit
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.reliability.payloads import (
    HOSTILE_QUERY_VALUES,
    OPERATOR_SOUP,
    RAW_ENCODED_VALUES,
    SEARCH_SOUPS,
)
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
    "event",
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
    *HOSTILE_QUERY_VALUES,
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
        if response.streaming:  # read to the end, as a browser does: it holds a slot
            b"".join(response.streaming_content)
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
    _lengthen_a_timeline()
    return _targets(Client())


def _lengthen_a_timeline() -> None:
    """One case long enough to be shown a year at a time, so its year, page and event
    links are among the parameters fuzzed."""
    import datetime as dt

    from controversies.models import Controversy
    from controversies.timeline_pages import WHOLE_TIMELINE
    from tests.scenarios import add_event

    case = Controversy.objects.order_by("pk").first()
    for n in range(WHOLE_TIMELINE + 1):  # one year, in two pages
        add_event(controversy=case, occurred_on=dt.date(2015, 1, 1) + dt.timedelta(days=5 * n))


def cut_short(response) -> str | None:
    """Why the body is not a whole document of its content type, or None. A streamed
    body is read to its end first (an error mid-stream raises here)."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    content_type = response.get("Content-Type", "")
    try:
        if "csv" in content_type:
            text = body.decode("utf-8-sig")
            rows = list(csv.reader(io.StringIO(text, newline="")))
            if not rows or not text.endswith("\n"):
                return "CSV without a header or a final line break"
            if any(len(row) != len(rows[0]) for row in rows):
                return "CSV row with a missing cell"
        elif "json" in content_type:
            json.loads(body)
        elif "xml" in content_type:
            ElementTree.fromstring(body)
    except (ValueError, ElementTree.ParseError) as error:
        return f"{content_type} does not parse: {error}"
    return None


def _failures(client: Client, url: str, params: list[tuple[str, str]] | str, htmx: bool) -> list:
    query = params if isinstance(params, str) else urlencode(params)
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(f"{url}?{query}", headers=headers)
    if response.status_code >= 500:
        return [(url, query[:300], htmx, response.status_code)]
    problem = cut_short(response)
    if problem:
        return [(url, query[:300], htmx, response.status_code, problem)]
    return []


def test_it_answers_every_invalid_value_of_every_known_parameter_without_a_500(targets):
    """GIVEN every public URL and the parameter names its forms, links and the OpenAPI
    schema use
    WHEN each is requested with every parameter set at once to each invalid value (a NUL
    byte, huge numbers, out-of-calendar years, impossible dates, SQL, markup, 10,000
    characters, emoji, search-operator soups, percent-encoded surrogates and invalid
    UTF-8), as a page and as an HTMX fragment
    THEN nothing answers 500 and every body is whole."""
    names_seen = {name for _, names in targets for name in names}
    # Each public route yields at least one URL, and the pages' forms add their own names.
    assert len(targets) >= len(public_routes()) and len(names_seen) > len(COMMON_NAMES)
    client = Client()
    failures = []
    for url, names in targets:
        for value in NASTY_VALUES:
            failures += _failures(client, url, [(n, value) for n in names], htmx=value == "")
        for raw in RAW_ENCODED_VALUES:
            failures += _failures(client, url, "&".join(f"{n}={raw}" for n in names), False)
    assert not failures, "\n".join(map(str, failures))


# Search syntax: operators, quotes, brackets and a few words, in any order and number.
SEARCH_SYNTAX = st.lists(
    st.sampled_from(["-", '"', "OR", "or", "|", "&", "!", "(", ")", "<->", ":*", " ", "a", "ai"]),
    max_size=120,
).map("".join)
VALUES = st.one_of(
    st.text(max_size=60),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.dates().map(str),
    st.sampled_from(NASTY_VALUES),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    SEARCH_SYNTAX,
    st.sampled_from(SEARCH_SOUPS + [OPERATOR_SOUP * 500]),
    st.integers(min_value=1, max_value=10_000).map(lambda n: "x" * n),
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


# --- path segments -------------------------------------------------------------------------

_PLACEHOLDER = "zzfuzzzz"
_PLACEHOLDER_NUMBER = 987654321


def _segment_templates() -> list[str]:
    """Every public route with a path parameter, as a URL with ``{}`` for one parameter."""
    templates = []
    for route in public_routes():
        params = set(route.params) - {"fmt"}
        if not params:
            continue
        for param in params:
            kwargs = {p: _PLACEHOLDER_NUMBER if p.endswith("_id") else "real" for p in params}
            kwargs[param] = _PLACEHOLDER if not param.endswith("_id") else _PLACEHOLDER_NUMBER
            if "fmt" in route.params:
                kwargs["fmt"] = "csv"
            try:
                url = reverse(route.name, kwargs=kwargs)
            except NoReverseMatch:
                # A segment the pattern limits to a few words (the index feeds' and
                # exports' names): any other value is the resolver's own 404, no view runs.
                continue
            marker = _PLACEHOLDER if not param.endswith("_id") else str(_PLACEHOLDER_NUMBER)
            templates.append(url.replace(marker, "{}", 1))
    return sorted(set(templates))


def _encoded(segment: str) -> str:
    """One path segment, percent-encoded (lone surrogates as their UTF-8 bytes, which no
    text decodes to)."""
    return quote(segment.encode("utf-8", "surrogatepass"), safe="")


def _segment_failures(client: Client, template: str, encoded_segment: str) -> list:
    url = template.format(encoded_segment)
    response = client.get(url)
    problems = []
    if response.status_code >= 500:
        problems.append(response.status_code)
    elif url.startswith("/api/") and "json" not in response.get("Content-Type", ""):
        problems.append(f"{response.status_code} not in JSON")
    problem = cut_short(response)
    if problem:
        problems.append(problem)
    return [(url[:300], *problems)] if problems else []


SEGMENTS = st.one_of(
    st.text(max_size=40),
    st.text(st.characters(codec=None, categories=["Cs", "Cc"]), min_size=1, max_size=5),
    st.sampled_from(["\x00", "a\x00", "\ud800", "x" * 10_000, OPERATOR_SOUP, "..", "%"]),
)


@pytest.fixture
def segment_templates(settings):
    settings.API_RATE_LIMIT = ""
    seed_site()
    templates = _segment_templates()
    # Every detail page and API record, the feeds and the timeline export.
    assert any(t.startswith("/api/controversies/") for t in templates)
    assert any(t.startswith("/controversies/") for t in templates)
    return templates


def test_it_answers_a_404_for_an_unmatchable_path_segment(segment_templates):
    """GIVEN every public route with a path parameter (pages, feeds, exports, the API)
    WHEN the parameter is a NUL, a percent-encoded surrogate or invalid UTF-8, or 10,000
    characters
    THEN the answer is a 404 (JSON under /api/), never a 500."""
    client = Client()
    failures = []
    for template in segment_templates:
        for encoded in [*RAW_ENCODED_VALUES, "x" * 10_000]:
            url = template.format(encoded)
            response = client.get(url)
            if response.status_code != 404:
                failures.append((url[:200], response.status_code))
            elif url.startswith("/api/") and "json" not in response["Content-Type"]:
                failures.append((url[:200], "404 not in JSON"))
    assert not failures, "\n".join(map(str, failures))


@hypothesis_settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_it_answers_random_path_segments_without_a_500(segment_templates, data):
    """Random text (control characters and lone surrogates included) in every path
    parameter of every public route: never a 500, a JSON answer under /api/."""
    template = data.draw(st.sampled_from(segment_templates), label="route")
    segment = data.draw(SEGMENTS, label="segment")
    assert _segment_failures(Client(), template, _encoded(segment)) == []
