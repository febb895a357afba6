"""The API does what its OpenAPI document promises (schemathesis, every built-in check).

Schemathesis reads /api/openapi.json and sends, for every operation, requests that fit
the schema (which must be accepted: 2xx, or 404 for a slug or cursor of nothing) and
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
    case.call_and_validate()
