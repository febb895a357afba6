"""Who may write: anonymous visitors nowhere but the login form and the email alerts'
own routes (site.ANONYMOUS_WRITE_ROUTES; CSRF enforced everywhere, HTMX requests
included, but for RFC 8058's one-click unsubscribe), staff only where their permissions
say.

The SSRF matrix lives in tests/ingestion/test_ssrf.py and `check --deploy` under the
production environment in tests/ops/test_production_settings.py; RELIABILITY.md lists
them beside these.
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from tests import factories as f
from tests.reliability.site import ANONYMOUS_WRITE_ROUTES, CSRF_EXEMPT_ROUTES, FILLERS, walk

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(300)]

WRITE_METHODS = ("post", "put", "patch", "delete")
HTMX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/"}


def _admin_model(name: str):
    """The model behind an admin URL name such as admin:controversies_event_change."""
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            return model
    return None


def every_url() -> list[str]:
    """Every URL pattern of the site, admin included, with real ids and slugs where the
    pattern takes them (a made-up value elsewhere: CSRF is checked before the view)."""
    urls = set()
    for route in walk():
        if not route.name:
            urls.add("/" + route.route.replace("^", "").replace("$", "").split("(")[0])
            continue
        kwargs_options = [{}]
        if route.name in FILLERS:
            kwargs_options = FILLERS[route.name]() or [{}]
        kwargs = dict(kwargs_options[0])
        model = _admin_model(route.name)
        for param in route.params:
            if param in kwargs:
                continue
            if param == "object_id" and model is not None:
                pk = model.objects.values_list("pk", flat=True).first()
                kwargs[param] = str(pk or 1)
            elif param == "app_label":
                kwargs[param] = "controversies"
            elif param == "fmt":
                kwargs[param] = "csv"
            else:
                kwargs[param] = "1"
        try:
            urls.add(reverse(route.name, kwargs=kwargs or None))
        except NoReverseMatch:
            urls.add(reverse(route.name, args=list(kwargs.values())) if kwargs else "/")
    return sorted(urls)


def _route(url: str) -> str:
    try:
        return resolve(url).view_name
    except Resolver404:
        return ""


def _row_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


@pytest.fixture
def world():
    from controversies.demo.loader import load_demo

    load_demo()
    return every_url()


def test_it_refuses_every_write_without_a_csrf_token(world, settings):
    """GIVEN every URL of the site, admin and API included
    WHEN an anonymous visitor POSTs, PUTs, PATCHes or DELETEs without a CSRF token, as a
    plain form and as an HTMX request
    THEN each is refused (403, or 405 where the URL only reads) and nothing is stored."""
    settings.API_RATE_LIMIT = ""
    assert len(world) >= 40
    client = Client(enforce_csrf_checks=True)
    before = _row_counts()
    accepted = []
    for url in world:
        if _route(url) in CSRF_EXEMPT_ROUTES:
            continue  # RFC 8058 one-click unsubscribe (tests/alerts/test_subscribe_manage.py)
        for method in WRITE_METHODS:
            for headers in ({}, HTMX):
                response = getattr(client, method)(url, {"name": "x"}, headers=headers)
                if response.status_code not in (403, 405):
                    accepted.append((method.upper(), url, bool(headers), response.status_code))
    assert not accepted, "\n".join(map(str, accepted))
    assert _row_counts() == before


def test_it_lets_an_anonymous_visitor_post_only_to_the_login_form(world, settings):
    """Even with a valid CSRF token, an anonymous POST anywhere but the login form (and
    logout, which only ends a session) is refused, sent to the login page, or answered by
    a read-only view exactly as a GET would be; nothing is stored."""
    settings.API_RATE_LIMIT = ""
    client = Client(enforce_csrf_checks=True)
    login = reverse("admin:login")
    client.get(login)
    token = client.cookies["csrftoken"].value
    before = _row_counts()
    allowed = []
    for url in world:
        if url in (login, reverse("admin:logout")) or _route(url) in ANONYMOUS_WRITE_ROUTES:
            continue
        for headers in ({}, HTMX):
            response = client.post(
                url,
                {"csrfmiddlewaretoken": token, "name": "x"},
                headers={**headers, "X-CSRFToken": token},
            )
            redirect = response.headers.get("Location", "")
            sent_to_login = response.status_code == 302 and redirect.startswith(login)
            if response.status_code in (403, 404, 405) or sent_to_login:
                continue
            # A read-only view that ignores the method (Atom feeds, the API's docs and
            # schema) may answer a POST exactly as it answers a GET: it wrote nothing.
            if response.status_code == 200 and _body(response) == _body(client.get(url)):
                continue
            allowed.append((url, bool(headers), response.status_code, redirect))
    assert not allowed, "\n".join(map(str, allowed))
    assert _row_counts() == before
    response = client.post(login, {"csrfmiddlewaretoken": token, "username": "x", "password": "y"})
    assert response.status_code == 200  # the form again, with its error: the one POST allowed


def _body(response) -> bytes:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    # An empty feed is "updated" now: compare without the clock.
    return re.sub(rb"<updated>[^<]*</updated>", b"", body)


def _change_urls(model, pk) -> dict[str, str]:
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    urls = {"add": reverse(f"{prefix}_add"), "changelist": reverse(f"{prefix}_changelist")}
    if pk is not None:
        urls["change"] = reverse(f"{prefix}_change", args=[pk])
        urls["delete"] = reverse(f"{prefix}_delete", args=[pk])
    return urls


@pytest.mark.parametrize("grant", ["nothing", "view only"])
def test_it_lets_staff_change_nothing_they_have_no_permission_for(world, grant):
    """GIVEN a staff user with no permission, or with only view permissions
    WHEN they post to the add, change and delete pages of every admin model and run the
    changelist's bulk actions (delete, merge) on its records
    THEN every attempt is refused and every record is exactly as it was."""
    user = f.StaffUserFactory()
    if grant == "view only":
        user.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    client = Client()
    client.force_login(user)
    before = _row_counts()
    changed = []
    for model, model_admin in admin.site._registry.items():
        obj = model_admin.get_queryset(_request_for(user)).first()
        snapshot = model_to_dict(obj) if obj is not None else None
        urls = _change_urls(model, obj.pk if obj is not None else None)
        data = {**(snapshot or {}), "name": "Changed by an intruder", "title": "Changed"}
        data = {k: v for k, v in data.items() if v is not None and not isinstance(v, list)}
        for action, url in urls.items():
            if action == "changelist":
                changed += _bulk_actions_let_through(client, url, model, obj, grant)
                continue
            if action == "delete":
                data = {"post": "yes"}
            response = client.post(url, data)
            if response.status_code != 403:
                changed.append((model.__name__, action, response.status_code))
        if obj is not None:
            still = model._default_manager.filter(pk=obj.pk).first()
            if still is None or model_to_dict(still) != snapshot:
                changed.append((model.__name__, "record changed", obj.pk))
    assert not changed, "\n".join(map(str, changed))
    assert _row_counts() == before


def _bulk_actions_let_through(client, url, model, obj, grant) -> list[tuple]:
    """The changelist's bulk actions (delete, merge) run on ``obj`` that answered as if
    allowed: a 200 to a user with no permission at all."""
    let_through = []
    for bulk in ("delete_selected", "merge_organizations"):
        response = client.post(
            url,
            {"action": bulk, "_selected_action": [obj.pk] if obj else [], "post": "yes"},
        )
        if response.status_code == 200 and grant == "nothing":
            let_through.append((model.__name__, bulk, response.status_code))
    return let_through


def _request_for(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request
