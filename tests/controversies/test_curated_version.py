"""The curated data version: what other apps watch to know curated rows changed."""

from __future__ import annotations

import pytest

from controversies.curated_version import curated_data_version
from controversies.models import Organization, Source, Topic

pytestmark = pytest.mark.django_db


def test_it_changes_when_an_alias_a_topic_or_a_link_changes():
    seen = [curated_data_version()]
    org = Organization.objects.create(name="Acme", slug="acme")
    seen.append(curated_data_version())
    org.aliases = "Acme Corp"
    org.save()
    seen.append(curated_data_version())
    Topic.objects.create(name="surveillance", slug="surveillance")
    seen.append(curated_data_version())

    assert None not in seen
    assert len(set(seen)) == len(seen)


def test_it_stays_while_only_sources_are_written():
    before = curated_data_version()
    Source.objects.create(
        url="https://news.example.test/a", canonical_url="https://news.example.test/a"
    )

    assert curated_data_version() == before
