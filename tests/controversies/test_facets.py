from __future__ import annotations

import pytest

from controversies import facets
from controversies.models import Controversy, EventActor
from tests import factories as f
from tests.scenarios import add_event

pytestmark = pytest.mark.django_db


def counts(facet: str) -> dict[str, int]:
    return {v.value: v.count for v in facets.all_facets()[facet]}


def test_it_counts_an_organisation_once_per_controversy_whatever_the_path(world):
    # ACLU acted in several Rekognition events and is a member of the coalition that
    # signed one of them: still one controversy there, plus the Microsoft one.
    assert counts("organisation")["aclu"] == 2
    assert counts("coalition") == {"face-coalition": 2}
    assert counts("status") == {"resolved": 1, "ongoing": 1, "dormant": 1}
    assert counts("year")["2020"] == 2


def test_it_forgets_counts_when_a_link_changes(world):
    assert "microsoft" not in {
        v.value
        for v in facets.facet_counts(
            Controversy.objects.filter(pk=world.rekognition.pk), cache_key="one"
        )["company"]
    }
    world.rekognition.companies.add(world.microsoft)
    found = facets.facet_counts(
        Controversy.objects.filter(pk=world.rekognition.pk), cache_key="one"
    )["company"]
    assert "microsoft" in {v.value for v in found}


def test_it_keeps_counts_when_only_sources_change(world, django_assert_num_queries):
    facets.all_facets()
    f.SourceFactory()  # ingestion adds sources all day; facets do not depend on them
    with django_assert_num_queries(0):
        facets.all_facets()
    event = add_event(controversy=world.chatbot)
    f.EventActorFactory(event=event, organization=world.open_mic, role=EventActor.Role.ACTOR)
    with django_assert_num_queries(1):
        assert counts("organisation")["open-mic"] == 2


def test_a_limit_keeps_the_most_involved_values_and_every_status(world):
    everything = Controversy.objects.all()
    full = facets.facet_counts(everything, cache_key="all-of-them")
    limited = facets.facet_counts(everything, cache_key="all-of-them", limit=1)
    assert len(full["organisation"]) > 1
    assert limited["organisation"] == full["organisation"][:1]
    assert limited["status"] == full["status"]  # their counts add up to the results
    assert len(limited["status"]) == 3
