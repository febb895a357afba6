"""The API does what its OpenAPI document promises (schemathesis, every built-in check).

Schemathesis reads /api/openapi.json and sends, for every operation, requests that fit
the schema (which must be accepted: 2xx, 404 for a slug or cursor of nothing, or a 400
for a filter value that names no record or several) and
requests that do not (which must be refused with a 4xx), and checks every response
against the declared status codes, content types and response schemas; never a 5xx.
It calls the app in-process through WSGI, so it reads this test's database (the demo
case, so real slugs exist alongside generated ones).

Every operation of the API is a GET; none needs CSRF or a login, so none is excluded.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from ninja.responses import NinjaJSONEncoder
from schemathesis.specs.openapi.checks import positive_data_acceptance

from opendata.api.routes import api
from tests.reliability.site import seed_site

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(900)]

# Enough to reach every constraint of each operation (positive and negative), few enough
# for CI: about 15 operations x this many examples.
MAX_EXAMPLES = 40


def _load_schema() -> schemathesis.schemas.BaseSchema:
    """The document /api/openapi.json serves, built at collection (it needs no database
    or request), run in-process against the WSGI app. (schemathesis.pytest.from_fixture
    would load it per test, but does not run under pytest 9.)"""
    document = json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder))
    schema = schemathesis.openapi.from_dict(document)
    schema.app = get_wsgi_application()
    schema.config.generation.update(max_examples=MAX_EXAMPLES)
    return schema


schema = _load_schema()


def valid_data_is_accepted_unless_it_names_nothing(ctx, response, case) -> None:
    """Schemathesis's ``positive_data_acceptance``, with one exception the API owes its
    readers: a well-formed filter value that names no record (or several) is refused with
    a 400 naming it, never answered with an unfiltered list. So a 400 for valid data must
    be such a refusal, every problem in it "unknown" or "ambiguous"."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return
    status = response.status_code
    if 200 <= status < 300 or status in (401, 403, 404):
        return
    if status == 400:
        problems = {error.get("problem") for error in response.json().get("errors", [])}
        if problems and problems <= {"unknown", "ambiguous"}:
            return
    raise AssertionError(f"Valid data refused with {status}: {response.text[:300]}")


@pytest.fixture(autouse=True)
def demo_site(settings):
    settings.API_RATE_LIMIT = ""
    settings.ALLOWED_HOSTS = ["localhost"]  # the Host of schemathesis's WSGI requests
    seed_site()
    # The WSGI handler closes the database connection after each request, which would
    # end the test's transaction; Django's own test client keeps it open the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_it_keeps_every_promise_of_the_openapi_schema(case):
    case.call_and_validate(
        excluded_checks=[positive_data_acceptance],
        additional_checks=[valid_data_is_accepted_unless_it_names_nothing],
    )
