"""The demo's YAML files: what they say is what the database holds, a curator's correction
is applied on the next run, and a mistake is named (file, record, field) with nothing
written."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from controversies.canonical import canonicalize_url
from controversies.demo import files, loader
from controversies.demo.files import DATA_DIR, DemoDataError, read_demo
from controversies.models import (
    Campaign,
    Coalition,
    Controversy,
    Event,
    Organization,
    ShareholderResolution,
    Source,
)

pytestmark = pytest.mark.django_db


def slugs(manager: Any) -> set[str]:
    return set(manager.values_list("slug", flat=True))


def test_the_database_holds_exactly_what_the_files_say():
    data = read_demo()
    loader.load_demo()

    for spec in data.organisations:
        org = Organization.objects.get(slug=spec.slug)
        assert (org.name, org.kind, org.description, org.website, org.country) == (
            spec.name,
            spec.kind,
            spec.description,
            spec.website,
            spec.country,
        )
        assert (org.ticker, org.sec_cik, org.wikidata_id) == (
            spec.ticker,
            spec.sec_cik,
            spec.wikidata_id,
        )
        assert org.alias_list == list(spec.aliases)
        assert (org.parent.slug if org.parent else "") == spec.parent
    keys = {}
    for spec in data.sources:
        source = Source.objects.get(canonical_url=canonicalize_url(spec.url))
        assert (source.title, source.publisher, source.published_on, source.excerpt) == (
            spec.title,
            spec.publisher,
            spec.published_on,
            spec.excerpt,
        )
        keys[source.pk] = spec.key
    for spec in data.controversies:
        case = Controversy.objects.get(slug=spec.slug)
        assert (case.title, case.summary, case.status, case.started_on) == (
            spec.title,
            spec.summary,
            spec.status,
            spec.started_on,
        )
        assert slugs(case.companies) == set(spec.companies)
        assert slugs(case.topics) == set(spec.topics)
    for spec in data.events:
        event = Event.objects.get(occurred_on=spec.occurred_on, title=spec.title)
        assert (event.occurred_on_precision, event.kind, event.summary) == (
            spec.precision,
            spec.kind,
            spec.summary,
        )
        assert slugs(event.controversies) == set(spec.controversies)
        assert set(event.event_actors.values_list("organization__slug", "role")) == {
            (actor.organisation, actor.role) for actor in spec.actors
        }
        cited = [(keys[c.source_id], c.locator) for c in event.citations.order_by("position")]
        assert cited == [(cite.source, cite.locator) for cite in spec.sources]
    for spec in data.coalitions:
        coalition = Coalition.objects.get(slug=spec.slug)
        members = coalition.memberships.values_list("organization__slug", "role", "joined_on")
        assert set(members) == {(m.organisation, m.role, m.joined_on) for m in spec.members}
        actions = set(coalition.actions.values_list("occurred_on", "title"))
        assert actions == {(ref.occurred_on, ref.title) for ref in spec.actions}
    for spec in data.campaigns:
        campaign = Campaign.objects.get(slug=spec.slug)
        assert (campaign.name, campaign.summary, campaign.outcome) == (
            spec.name,
            spec.summary,
            spec.outcome,
        )
        assert slugs(campaign.organisers) == set(spec.organisers)
        assert slugs(campaign.targets) == set(spec.targets)
        for demand_spec in spec.demands:
            demand = campaign.demands.get(position=demand_spec.position)
            assert demand.text == demand_spec.text
            statuses = set(demand.statuses.values_list("status", "on", "note"))
            assert statuses == {(s.status, s.date, s.note) for s in demand_spec.statuses}
    for spec in data.resolutions:
        resolution = ShareholderResolution.objects.get(slug=spec.slug)
        assert (resolution.item_number, resolution.title, resolution.ask) == (
            spec.item_number,
            spec.title,
            spec.ask,
        )
        assert (resolution.status, resolution.board_recommendation) == (
            spec.status,
            spec.board_recommendation,
        )
        assert slugs(resolution.co_filers) == set(spec.co_filers)
        advice = resolution.adviser_recommendations.values_list("adviser__slug", "recommendation")
        assert set(advice) == {(a.adviser, a.recommendation) for a in spec.advisers}
        if spec.vote:
            assert resolution.vote.reported_support_pct == spec.vote.reported_support_pct
            assert resolution.vote.reported_basis == spec.vote.reported_basis


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of the data files for a test to edit."""
    return shutil.copytree(DATA_DIR, tmp_path / "data")


def edit(data: Path, name: str, change: Any) -> None:
    content = yaml.safe_load((data / name).read_text())
    change(content)
    (data / name).write_text(yaml.safe_dump(content, allow_unicode=True))


def test_a_curators_correction_is_loaded_on_the_next_run(data):
    loader.load_demo()
    amazon = Organization.objects.get(slug="amazon")
    before = amazon.history.count()

    def correct(content):
        content["organisations"][0]["description"] = "Online retailer and cloud company."

    edit(data, "organisations.yaml", correct)
    report = loader.load_demo(data)

    amazon.refresh_from_db()
    assert amazon.description == "Online retailer and cloud company."
    assert amazon.history.count() == before + 1
    assert report.lines() == ["Updated: 1 organizations."]


def _set(section: str, index: int, name: str, value: Any):
    def change(content):
        content[section][index][name] = value

    return change


MISTAKES = {
    "unknown-actor": (
        "timeline.yaml",
        lambda c: c["events"][0]["actors"].append({"aclu-of-nowhere": "author"}),
        "timeline.yaml, events[0] (2018-05-22 ACLU reveals Amazon is marketing Rekognition "
        "to police), field 'actors': no organisation 'aclu-of-nowhere' is defined",
    ),
    "bad-date": (
        "timeline.yaml",
        _set("events", 2, "occurred_on", "2018-13-01"),
        "field 'occurred_on': '2018-13-01' is not a date (YYYY-MM-DD)",
    ),
    "misspelt-field": (
        "sources.yaml",
        lambda c: c["sources"][0].update(publshed_on="2018-05-22"),
        "sources.yaml, sources[0] (aclu-2018-05-22): unknown field 'publshed_on'",
    ),
    "missing-field": (
        "topics.yaml",
        lambda c: c["topics"][1].pop("name"),
        "topics.yaml, topics[1] (surveillance), field 'name': is missing",
    ),
    "kind-not-allowed": (
        "organisations.yaml",
        _set("organisations", 0, "kind", "compnay"),
        "organisations.yaml, organisations[0] (amazon), field 'kind': 'compnay' is not one of",
    ),
    "unquoted-number": (
        "shareholders.yaml",
        _set("resolutions", 0, "item_number", 6),
        "field 'item_number': expected text, got 6 (put it in quotes)",
    ),
    "unknown-source": (
        "shareholders.yaml",
        lambda c: c["resolutions"][1]["vote"].update(source="reuters-2019"),
        "shareholders.yaml, resolutions[1] (amazon-2019-item-7-rekognition-independent-study), "
        "field 'vote.source': no source 'reuters-2019' is defined",
    ),
    "unknown-event": (
        "advocacy.yaml",
        lambda c: c["coalitions"][0]["actions"][0].update(title="About 40 groups write"),
        "advocacy.yaml, coalitions[0] (face-surveillance-coalition-2019), field 'actions': "
        "no event '2018-05-22 About 40 groups write' is defined",
    ),
    "duplicate-slug": (
        "organisations.yaml",
        _set("organisations", 1, "slug", "amazon"),
        "organisations.yaml, organisations[1] (amazon): slug already used by an earlier record",
    ),
    "parent-listed-after": (
        "organisations.yaml",
        _set("organisations", 0, "parent", "google"),
        "organisations.yaml, organisations[0] (amazon), field 'parent': 'google' must be an "
        "organisation listed before it",
    ),
    "source-cited-twice": (
        "timeline.yaml",
        lambda c: c["events"][4]["sources"].append("aclu-2018-07-26"),
        "field 'sources': a source is cited twice",
    ),
    "one-address-two-sources": (
        "sources.yaml",
        lambda c: c["sources"].append({**c["sources"][0], "key": "aclu-again"}),
        "sources.yaml, sources[34] (aclu-again): url already used by an earlier record",
    ),
    "retired-event-still-loaded": (
        "retired.yaml",
        lambda c: c["events"].append(
            {
                "occurred_on": "2020-06-08",
                "title": "IBM stops offering general-purpose facial recognition",
            }
        ),
        "retired.yaml, events: '2020-06-08 IBM stops offering general-purpose facial "
        "recognition' is retired but still in the data files",
    ),
    "retired-but-loaded": (
        "retired.yaml",
        lambda c: c["organisations"].append("open-mic"),
        "retired.yaml, organisations: 'open-mic' is retired but still in the data files",
    ),
}


@pytest.mark.parametrize(("name", "change", "message"), MISTAKES.values(), ids=MISTAKES.keys())
def test_a_mistake_is_named_and_nothing_is_written(data, name, change, message):
    edit(data, name, change)

    with pytest.raises(DemoDataError) as error:
        loader.load_demo(data)

    assert message in str(error.value)
    assert not Organization.objects.exists()
    assert not Source.objects.exists()


def test_a_file_that_is_not_yaml_is_named(data):
    (data / "topics.yaml").write_text("topics:\n  - slug: privacy\n   name: [Privacy\n")

    with pytest.raises(DemoDataError, match=r"^topics\.yaml: not valid YAML"):
        loader.load_demo(data)


def test_the_command_prints_the_mistake_without_a_traceback(monkeypatch, data):
    edit(data, "timeline.yaml", _set("events", 2, "occurred_on", "2018-13-01"))
    monkeypatch.setattr(files, "DATA_DIR", data)

    with pytest.raises(CommandError, match="The demo was not loaded: timeline.yaml, events"):
        call_command("load_demo", stdout=StringIO())
    assert not Event.objects.exists()


def test_a_date_that_does_not_exist_is_named_with_its_line(data):
    timeline = (data / "timeline.yaml").read_text()
    line = timeline.splitlines().index("  - occurred_on: 2018-06-01") + 1
    (data / "timeline.yaml").write_text(timeline.replace("2018-06-01", "2018-06-31"))

    with pytest.raises(DemoDataError) as error:
        loader.load_demo(data)

    assert str(error.value) == f"timeline.yaml: line {line}: '2018-06-31' is not a date"
