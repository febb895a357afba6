"""Reverting a record from its History page takes the change permission, and bringing a
deleted record back also takes the add permission, in every admin with history."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import models
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from alerts.models import Webhook
from controversies.admin.base import HistoryAdmin
from tests import factories as f
from tests.controversies.admin_forms import form_data
from tests.controversies.test_admin import FACTORIES as DOMAIN_FACTORIES

pytestmark = pytest.mark.django_db

HISTORY_MODELS = [
    model
    for model, model_admin in admin.site._registry.items()
    if isinstance(model_admin, SimpleHistoryAdmin)
]
EDITED = "Edited"
# A factory for the model of every admin with history, the domain's and other apps'.
# (A webhook's address is a public IP: the admin form resolves a host name, offline here.)
FACTORIES = {
    **DOMAIN_FACTORIES,
    Webhook: lambda: Webhook.objects.create(name="Newsroom", url="https://93.184.215.14/in"),
}


def _ids(model) -> str:
    return model.__name__


def _text_field(model) -> str:
    """A plain text field of the model, to tell one version from another."""
    return next(
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, (models.CharField, models.TextField))
        and not isinstance(field, (models.SlugField, models.URLField))
        and field.editable
        and not field.unique
        and not field.choices
    )


def _edited_record(model) -> tuple[models.Model, int]:
    """A record whose text field was edited after creation, and its first version's id."""
    obj = FACTORIES[model]()
    setattr(obj, _text_field(model), EDITED)
    obj.save()
    first = obj.history.order_by("history_id").first()
    return obj, first.history_id


def _revert_url(model, pk: int, history_id: int) -> str:
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}_simple_history"
    return reverse(name, args=[pk, history_id])


def _snapshot(model, pk: int) -> tuple[dict | None, int]:
    """The record's field values (None once deleted) and the number of its versions."""
    obj = model._base_manager.filter(pk=pk).first()
    versions = model.history.filter(**{model._meta.pk.attname: pk}).count()
    return (model_to_dict(obj) if obj else None), versions


def _staff_client(model, *actions: str) -> Client:
    user = f.StaffUserFactory()
    codenames = [f"{action}_{model._meta.model_name}" for action in actions]
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label=model._meta.app_label, codename__in=codenames
        )
    )
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def _role_client(role: str) -> Client:
    user = {"Curator": f.CuratorFactory, "Editor": f.EditorFactory}[role]()
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def test_it_gives_every_admin_with_history_the_revert_rules():
    """GIVEN every registered admin whose History page can revert a record
    THEN each one derives from HistoryAdmin, which checks the revert permission."""
    history_admins = [
        model_admin
        for model_admin in admin.site._registry.values()
        if isinstance(model_admin, SimpleHistoryAdmin)
    ]
    assert history_admins
    assert [a for a in history_admins if not isinstance(a, HistoryAdmin)] == []


@pytest.mark.parametrize("model", HISTORY_MODELS, ids=_ids)
def test_it_refuses_a_revert_to_a_view_only_user(admin_client, model):
    """GIVEN a staff user who may only view the model
    WHEN they POST the revert form of an earlier version
    THEN they get 403 and the record keeps its current values."""
    obj, first_version = _edited_record(model)
    url = _revert_url(model, obj.pk, first_version)
    data = form_data(admin_client.get(url))
    before = _snapshot(model, obj.pk)
    viewer = _staff_client(model, "view")

    assert viewer.get(url).status_code == 200  # the old version is still readable
    assert viewer.post(url, data).status_code == 403
    assert _snapshot(model, obj.pk) == before
    assert getattr(model.objects.get(pk=obj.pk), _text_field(model)) == EDITED


@pytest.mark.parametrize("model", HISTORY_MODELS, ids=_ids)
@pytest.mark.parametrize("actions", [("view",), ("view", "change")], ids=["view", "change"])
def test_it_refuses_to_recreate_a_deleted_record_without_the_add_permission(
    admin_client, model, actions
):
    """GIVEN a deleted record and a staff user who may view (or view and change) but not add
    WHEN they POST the revert form of a version from before the deletion
    THEN they get 403 and the record stays deleted."""
    obj, first_version = _edited_record(model)
    url = _revert_url(model, obj.pk, first_version)
    data = form_data(admin_client.get(url))
    pk = obj.pk
    obj.delete()
    before = _snapshot(model, pk)

    assert _staff_client(model, *actions).post(url, data).status_code == 403
    assert _snapshot(model, pk) == before
    assert not model._base_manager.filter(pk=pk).exists()


@pytest.mark.parametrize("model", HISTORY_MODELS, ids=_ids)
def test_it_lets_a_user_who_may_change_but_not_add_revert_an_existing_record(admin_client, model):
    obj, first_version = _edited_record(model)
    url = _revert_url(model, obj.pk, first_version)
    data = form_data(admin_client.get(url))
    changer = _staff_client(model, "view", "change")

    assert changer.post(url, data).status_code == 302
    reverted = model.objects.get(pk=obj.pk)
    assert getattr(reverted, _text_field(model)) != EDITED
    assert reverted.history.first().history_user == changer.user


@pytest.mark.parametrize("model", HISTORY_MODELS, ids=_ids)
@pytest.mark.parametrize("role", ["Curator", "Editor"])
def test_it_lets_curators_and_editors_revert_and_restore(admin_client, model, role):
    """GIVEN a Curator or an Editor (both may add and change every domain record)
    WHEN they revert a record to its first version, and revert a deleted record
    THEN the record gets its old values back, and the deleted one exists again."""
    client = _role_client(role)
    obj, first_version = _edited_record(model)
    url = _revert_url(model, obj.pk, first_version)
    data = form_data(admin_client.get(url))
    first_value = getattr(obj.history.get(history_id=first_version), _text_field(model))

    assert client.post(url, data).status_code == 302
    assert getattr(model.objects.get(pk=obj.pk), _text_field(model)) == first_value

    pk = obj.pk
    model.objects.get(pk=pk).delete()
    assert client.post(url, data).status_code == 302
    restored = model.objects.get(pk=pk)
    assert getattr(restored, _text_field(model)) == first_value
    assert restored.history.first().history_user == client.user


@pytest.mark.parametrize("model", HISTORY_MODELS, ids=_ids)
def test_it_refuses_every_revert_when_reverting_is_disabled(admin_client, settings, model):
    settings.SIMPLE_HISTORY_REVERT_DISABLED = True
    obj, first_version = _edited_record(model)
    url = _revert_url(model, obj.pk, first_version)
    data = form_data(admin_client.get(url))

    assert admin_client.post(url, data).status_code == 403
    assert getattr(model.objects.get(pk=obj.pk), _text_field(model)) == EDITED


@pytest.mark.parametrize(
    "path",
    [
        "abc/history/",
        "abc/history/1/",
        "1/history/xyz/",
        "99999999999999999999/history/1/",
        "1/history/99999999999999999999/",
    ],
)
def test_it_answers_404_to_a_history_url_that_names_no_record(admin_client, path):
    f.OrganizationFactory()
    admin_client.raise_request_exception = False
    response = admin_client.get(f"/admin/controversies/organization/{path}")
    assert response.status_code == 404
