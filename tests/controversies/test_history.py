"""Every curated change is kept in history, including edits through the proxy sections."""

from __future__ import annotations

import pytest

from controversies.models import AdvocacyGroup, Company, Organization

pytestmark = pytest.mark.django_db


def test_it_records_history_for_a_record_saved_as_a_company():
    company = Company.objects.create(name="Amazon", slug="amazon")
    company.name = "Amazon.com, Inc."
    company.save()
    kinds = list(Organization.history.filter(id=company.pk).values_list("history_type", "name"))
    assert kinds == [("~", "Amazon.com, Inc."), ("+", "Amazon")]


def test_it_records_the_deletion_of_an_advocacy_group():
    group = AdvocacyGroup.objects.create(name="Fight for the Future", slug="fftf")
    pk = group.pk
    group.delete()
    assert Organization.history.filter(id=pk).first().history_type == "-"


def test_it_records_one_entry_per_save_of_a_plain_organisation():
    organization = Organization.objects.create(name="ACLU", slug="aclu")
    assert organization.history.count() == 1
