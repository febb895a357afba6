"""Every admin add form, posted by a superuser with hostile values: the answer is the form
again with its errors (200) or the saved record (302), never a 500.

Field names come from the add page itself (every field of the form, inline rows
included), so a new admin or a new field is fuzzed too. The inline management fields
(how many rows were sent) keep their values: Django validates those itself, and a huge
row count would only make it build its cap of 2,000 empty rows per inline. Every post
is rolled back, so each one starts from the same empty database.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import lxml.html
import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.controversies.admin_forms import form_data

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(300)]

# Nasty values by the kind of field they are aimed at; every field gets all of them too.
NASTY = {
    "text": [
        "",
        " ",
        "\x00",
        "a\x00b",
        "\ud800",  # a lone surrogate: sent as bytes that are not valid UTF-8
        "\u202e\uffff😀𝕏\u0301",
        "x" * 20_000,
        "<script>alert(1)</script>",
        "' OR 1=1 --",
    ],
    "url": [
        "ftp://example.com/file",
        "ftps://example.com/file",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "http://",
        "http://[::1",
        "https://" + "a" * 3000 + ".example",
        "https://exa\x00mple.com/",
        "//example.com/",
    ],
    "date": ["2024-02-30", "0000-00-00", "99999-01-01", "1-01-01"],
    "number": ["-1", "1e309", "NaN", "Infinity", "99999999999999999999999999", "0.1"],
}
NASTY_VALUES = [value for values in NASTY.values() for value in values]
MANAGEMENT_FIELDS = ("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")

# Mostly well-formed URLs with an odd scheme, host or path: a malformed URL is refused by
# the URL field itself, so the fuzz must reach past it to what the form does next.
URLS = st.builds(
    "{}{}/{}".format,
    st.sampled_from(["http://", "https://", "ftp://", "ftps://", "javascript:", "data:", "//"]),
    st.sampled_from(["example.com", "127.0.0.1", "[::1]", "xn--80ak6aa92e.com", "a" * 64 + ".org"]),
    st.one_of(st.text(max_size=20), st.text("abc/?&=#%.", max_size=40)),
)
ANY_VALUE = st.one_of(
    st.sampled_from(NASTY_VALUES),
    st.text(max_size=40),
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=10).map(lambda s: s * 500),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.floats().map(str),
    st.dates().map(str),
    st.datetimes().map(lambda d: d.isoformat(sep=" ")),
)
TYPED_VALUES = {
    "url": URLS,
    "number": st.one_of(st.integers(), st.decimals(), st.floats()).map(str),
    "date": st.dates().map(str),
    "text": st.text(max_size=40),
}


def _superuser_request():
    request = RequestFactory().get("/admin/")
    request.user = get_user_model()(is_superuser=True, is_staff=True, is_active=True)
    return request


ADD_VIEWS = sorted(
    reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    for model, model_admin in admin.site._registry.items()
    if model_admin.has_add_permission(_superuser_request())
)


@dataclass
class AddForm:
    url: str
    blank: dict[str, list[str]]  # what the page submits untouched
    kinds: dict[str, str]  # every field but the management ones -> "text", "url", ...


def _add_form(client: Client, url: str) -> AddForm:
    response = client.get(url)
    doc = lxml.html.fromstring(response.content.decode())
    (form,) = [f for f in doc.forms if (f.get("id") or "").endswith("_form")]
    kinds = {
        element.name: _kind(element)
        for element in form.inputs
        if element.name
        and element.get("type") not in ("submit", "button")
        and element.name != "csrfmiddlewaretoken"
        and not element.name.endswith(MANAGEMENT_FIELDS)
    }
    return AddForm(url=url, blank=form_data(response), kinds=kinds)


def _kind(element: lxml.html.HtmlElement) -> str:
    if element.get("type") in ("url", "number"):
        return element.get("type")
    return "date" if "vDateField" in (element.get("class") or "") else "text"


def _post(client: Client, form: AddForm, values: dict[str, str]) -> int:
    """POST the form with ``values`` over what the page submits, urlencoded as a browser
    would (a lone surrogate becomes bytes that are not UTF-8); roll back what it saved."""
    fields = {**form.blank, **{name: [value] for name, value in values.items()}}
    pairs = [(name, value) for name, values in fields.items() for value in values]
    body = urlencode(pairs, encoding="utf-8", errors="surrogatepass")
    with transaction.atomic():
        response = client.post(form.url, body, content_type="application/x-www-form-urlencoded")
        transaction.set_rollback(True)
    if response.status_code == 200:
        # A 200 is only right when it shows the form with what was wrong.
        assert b'class="errornote"' in response.content, (form.url, values)
    return response.status_code


@pytest.fixture
def superuser(admin_client: Client) -> Client:
    admin_client.raise_request_exception = False
    return admin_client


@pytest.fixture(params=ADD_VIEWS)
def add_form(superuser: Client, request: pytest.FixtureRequest) -> AddForm:
    return _add_form(superuser, request.param)


def test_it_fuzzes_the_add_form_of_every_admin_that_can_add():
    assert reverse("admin:controversies_source_add") in ADD_VIEWS
    assert reverse("admin:ingestion_feed_add") in ADD_VIEWS
    assert reverse("admin:auth_user_add") in ADD_VIEWS


def test_it_answers_a_nasty_value_in_every_field_at_once(superuser, add_form):
    """GIVEN an admin add form
    WHEN every field is posted with the same nasty value (NUL, a lone surrogate, 20,000
    characters, ftp/javascript/data URLs, impossible dates, huge and non-finite numbers)
    THEN each answer is the form with its errors or a redirect to the saved record."""
    statuses = {
        value: _post(superuser, add_form, dict.fromkeys(add_form.kinds, value))
        for value in NASTY_VALUES
    }
    assert {value: s for value, s in statuses.items() if s not in (200, 302)} == {}


def test_it_answers_a_nasty_value_in_one_field_of_its_kind(superuser, add_form):
    """GIVEN an admin add form
    WHEN one URL, date or number field at a time gets each nasty value of its kind (the
    others left as the page submits them, so the value meets the form's later checks)
    THEN each answer is the form with its errors or a redirect."""
    statuses = {
        (name, value): _post(superuser, add_form, {name: value})
        for name, kind in add_form.kinds.items()
        if kind != "text"
        for value in NASTY[kind]
    }
    assert {key: s for key, s in statuses.items() if s not in (200, 302)} == {}


@hypothesis_settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_it_answers_random_values_in_random_fields_without_a_500(superuser, add_form, data):
    """Random fields of the add form set to random values, mostly of the field's kind
    (the others as the page submits them): a 200 with errors or a 302, never a 500."""
    names = sorted(add_form.kinds)
    chosen = data.draw(st.lists(st.sampled_from(names), unique=True), label="fields")
    values = {
        name: data.draw(st.one_of(TYPED_VALUES[add_form.kinds[name]], ANY_VALUE), label=name)
        for name in chosen
    }
    assert _post(superuser, add_form, values) in (200, 302)
