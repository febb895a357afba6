"""The shared factories build rows that pass model validation, for every domain model."""

from __future__ import annotations

import inspect

import pytest
from django.apps import apps
from factory.django import DjangoModelFactory

from tests import factories

pytestmark = pytest.mark.django_db

DOMAIN_FACTORIES = [
    factory
    for _, factory in inspect.getmembers(factories, inspect.isclass)
    if issubclass(factory, DjangoModelFactory)
    and factory._meta.model
    and factory._meta.model._meta.app_label == "controversies"
]


def test_it_has_a_factory_for_every_domain_model():
    models = {
        m
        for m in apps.get_app_config("controversies").get_models()
        if not m.__name__.startswith("Historical")
    }
    assert models <= {factory._meta.model for factory in DOMAIN_FACTORIES}


@pytest.mark.parametrize("factory", DOMAIN_FACTORIES, ids=lambda f: f.__name__)
def test_it_builds_valid_rows(factory):
    first, second = factory(), factory()
    for row in (first, second):
        row.full_clean()
    assert first.pk != second.pk
