"""Curation in Django admin: every page loads for a curator, search and filters work,
deleting takes the Editor group, bad input is refused field by field and saves nothing."""

from __future__ import annotations

import datetime as dt
from functools import reduce

import pytest
from django.contrib import admin
from django.urls import reverse

from controversies.models import (
    AdvocacyGroup,
    CoalitionMembership,
    Company,
    Controversy,
    Event,
    Organization,
    Topic,
    VoteResult,
)
from tests import factories as f
from tests.controversies.admin_forms import field_errors, form_data
from tests.scenarios import add_event

pytestmark = pytest.mark.django_db

FACTORIES = {
    factory._meta.model: factory
    for factory in [
        f.OrganizationFactory,
        f.CompanyFactory,
        f.AdvocacyGroupFactory,
        f.ProductFactory,
        f.TopicFactory,
        f.ControversyFactory,
        f.SourceFactory,
        f.EventFactory,
        f.CoalitionFactory,
        f.CampaignFactory,
        f.DemandFactory,
        f.ShareholderMeetingFactory,
        f.ShareholderResolutionFactory,
    ]
}
REGISTERED = [model for model in admin.site._registry if model._meta.app_label == "controversies"]


def _url(model, page: str, *args) -> str:
    return reverse(f"admin:controversies_{model._meta.model_name}_{page}", args=args)


def _ids(model) -> str:
    return model.__name__


@pytest.fixture
def curator(client):
    user = f.CuratorFactory()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def editor(client):
    user = f.EditorFactory()
    client.force_login(user)
    client.user = user
    return client


def test_it_has_a_factory_for_every_registered_admin():
    assert set(REGISTERED) == set(FACTORIES)


@pytest.mark.parametrize("model", REGISTERED, ids=_ids)
@pytest.mark.parametrize("admin_view", ["changelist", "add", "change", "history"])
def test_it_shows_every_admin_page_to_a_curator(curator, model, admin_view):
    obj = FACTORIES[model]()
    args = () if admin_view in ("changelist", "add") else (obj.pk,)
    response = curator.get(_url(model, admin_view, *args))
    assert response.status_code == 200
    if admin_view == "changelist":
        assert obj in response.context["cl"].result_list
    if admin_view == "change":
        assert response.context["original"] == obj
        assert "History" in response.content.decode()


def _first_search_value(model_admin, obj) -> str:
    path = model_admin.search_fields[0].split("__")
    return str(reduce(getattr, path, obj))


@pytest.mark.parametrize("model", REGISTERED, ids=_ids)
def test_it_finds_a_record_by_search_on_every_changelist(curator, model):
    # Made first, the other record has the lower sequence number, so the wanted record's
    # value ("Topic 12") can never be a substring of the other's ("Topic 11").
    other = FACTORIES[model]()
    wanted = FACTORIES[model]()
    term = _first_search_value(admin.site._registry[model], wanted)
    response = curator.get(_url(model, "changelist"), {"q": term})
    assert response.status_code == 200
    results = list(response.context["cl"].result_list)
    assert wanted in results
    assert other not in results


@pytest.mark.parametrize("model", REGISTERED, ids=_ids)
def test_it_applies_every_list_filter_choice(curator, model):
    FACTORIES[model]()
    changelist = curator.get(_url(model, "changelist")).context["cl"]
    followed = 0
    for spec in changelist.filter_specs:
        for choice in spec.choices(changelist):
            response = curator.get(_url(model, "changelist") + choice["query_string"])
            # An invalid filter redirects to ?e=1; every offered choice must apply.
            assert response.status_code == 200, choice["query_string"]
            followed += 1
    assert followed >= len(admin.site._registry[model].list_filter)


def test_it_filters_organisations_by_kind(curator):
    company, group = f.CompanyFactory(), f.AdvocacyGroupFactory()
    response = curator.get(_url(Organization, "changelist"), {"kind__exact": "advocacy_group"})
    assert list(response.context["cl"].result_list) == [group]
    assert company.kind == "company"


def test_it_shows_each_kind_in_its_own_section(curator):
    company, group = f.CompanyFactory(), f.AdvocacyGroupFactory()
    companies = curator.get(_url(Company, "changelist")).context["cl"].result_list
    groups = curator.get(_url(AdvocacyGroup, "changelist")).context["cl"].result_list
    assert [o.pk for o in companies] == [company.pk]
    assert [o.pk for o in groups] == [group.pk]


def test_it_gives_a_new_record_the_kind_of_its_section(curator):
    response = curator.get(_url(AdvocacyGroup, "add"))
    data = form_data(response) | {"name": ["Fight for the Future"], "slug": ["fftf"]}
    response = curator.post(_url(AdvocacyGroup, "add"), data)
    assert response.status_code == 302
    assert Organization.objects.get(slug="fftf").kind == "advocacy_group"


@pytest.mark.parametrize("model", REGISTERED, ids=_ids)
def test_it_refuses_deletion_to_a_curator(curator, model):
    obj = FACTORIES[model]()
    assert curator.get(_url(model, "delete", obj.pk)).status_code == 403
    assert curator.post(_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert type(obj)._base_manager.filter(pk=obj.pk).exists()
    action_form = curator.get(_url(model, "changelist")).context["action_form"]
    actions = [name for name, _ in action_form.fields["action"].choices] if action_form else []
    assert "delete_selected" not in actions


def test_it_lets_an_editor_delete(editor):
    topic = f.TopicFactory()
    assert editor.get(_url(Topic, "delete", topic.pk)).status_code == 200
    response = editor.post(_url(Topic, "delete", topic.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Topic.objects.filter(pk=topic.pk).exists()
    actions = editor.get(_url(Topic, "changelist")).context["action_form"].fields["action"]
    assert "delete_selected" in [name for name, _ in actions.choices]


@pytest.mark.parametrize("model", REGISTERED, ids=_ids)
def test_it_sends_anonymous_users_to_the_login_page(client, model):
    obj = FACTORIES[model]()
    pages = [
        _url(model, "changelist"),
        _url(model, "change", obj.pk),
        _url(model, "add"),
        _url(model, "history", obj.pk),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_it_sends_anonymous_users_and_non_staff_from_the_index_to_login(client):
    assert client.get("/admin/")["Location"].startswith(reverse("admin:login"))
    client.force_login(f.UserFactory())
    assert client.get("/admin/")["Location"].startswith(reverse("admin:login"))


def test_it_suggests_organisations_by_alias_in_relation_fields(curator):
    amazon = f.CompanyFactory(name="Amazon", aliases="Amazon.com\nAWS")
    f.CompanyFactory(name="Microsoft")
    response = curator.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "controversies",
            "model_name": "controversy",
            "field_name": "companies",
            "term": "aws",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == [amazon.name]


def test_it_keeps_the_autocomplete_from_anonymous_users(client):
    f.CompanyFactory(name="Amazon")
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "controversies", "model_name": "controversy", "field_name": "companies"},
    )
    assert response.status_code == 302
    assert "Amazon" not in response.content.decode()


def test_it_records_who_changed_a_record_on_its_history_page(curator):
    organization = f.OrganizationFactory(name="Amazon")
    url = _url(Organization, "change", organization.pk)
    data = form_data(curator.get(url)) | {"name": ["Amazon.com, Inc."]}
    assert curator.post(url, data).status_code == 302

    latest = organization.history.first()
    assert latest.history_user == curator.user
    history = curator.get(_url(Organization, "history", organization.pk))
    assert history.status_code == 200
    page = history.content.decode()
    assert curator.user.username in page
    assert "Amazon.com, Inc." in page


def test_it_records_the_author_of_a_change_made_in_the_companies_section(curator):
    company = f.CompanyFactory(name="Amazon")
    url = _url(Company, "change", company.pk)
    data = form_data(curator.get(url)) | {"ticker": ["AMZN"]}
    assert curator.post(url, data).status_code == 302
    history = curator.get(_url(Company, "history", company.pk))
    assert history.context["page_obj"][0].history_user == curator.user
    assert curator.user.username in history.content.decode()


def test_it_numbers_new_citations_after_the_existing_ones(curator):
    citation = f.EventSourceFactory(position=1)
    event = citation.event
    first, second = f.SourceFactory(), f.SourceFactory()
    response = _post_change(
        curator,
        event,
        **{
            "citations-TOTAL_FORMS": 3,
            "citations-1-position": 1,
            "citations-1-source": first.pk,
            "citations-1-quote": "28 members of Congress were falsely matched.",
            "citations-2-position": 1,
            "citations-2-source": second.pk,
        },
    )
    assert response.status_code == 302
    numbered = [(c.position, c.source) for c in event.citations.order_by("position")]
    assert numbered == [(1, citation.source), (2, first), (3, second)]
    assert event.citations.get(source=first).quote.startswith("28 members")


# --- Bad input: field errors, nothing saved ---------------------------------------------


def _post_change(client, obj, **changes):
    url = _url(type(obj), "change", obj.pk)
    data = form_data(client.get(url))
    data.update({k: [str(v)] for k, v in changes.items()})
    return client.post(url, data)


def test_it_refuses_more_votes_than_shares_outstanding(curator):
    resolution = f.ShareholderResolutionFactory(title="Ban sales to government")
    response = _post_change(
        curator,
        resolution,
        title="Edited",
        **{
            "vote-TOTAL_FORMS": 1,
            "vote-0-votes_for": 600,
            "vote-0-votes_against": 500,
            "vote-0-shares_outstanding": 1000,
        },
    )
    assert response.status_code == 200
    assert "more than the shares outstanding" in field_errors(response)["vote-0-votes_for"][0]
    resolution.refresh_from_db()
    assert resolution.title == "Ban sales to government"
    assert not VoteResult.objects.exists()


@pytest.mark.parametrize("pct", ["100.5", "-3"])
def test_it_refuses_a_percentage_outside_0_to_100(curator, pct):
    resolution = f.ShareholderResolutionFactory()
    response = _post_change(
        curator, resolution, **{"vote-TOTAL_FORMS": 1, "vote-0-reported_support_pct": pct}
    )
    assert response.status_code == 200
    assert "vote-0-reported_support_pct" in field_errors(response)
    assert not VoteResult.objects.exists()


def test_it_refuses_one_vote_count_without_the_other(curator):
    resolution = f.ShareholderResolutionFactory()
    response = _post_change(curator, resolution, **{"vote-TOTAL_FORMS": 1, "vote-0-votes_for": 10})
    assert "vote-0-votes_against" in field_errors(response)
    assert not VoteResult.objects.exists()


def test_it_refuses_a_negative_vote_count(curator):
    resolution = f.ShareholderResolutionFactory()
    response = _post_change(
        curator,
        resolution,
        **{"vote-TOTAL_FORMS": 1, "vote-0-votes_for": -1, "vote-0-votes_against": 5},
    )
    assert "vote-0-votes_for" in field_errors(response)
    assert not VoteResult.objects.exists()


def test_it_saves_a_valid_vote_and_shows_both_conventions(curator):
    resolution = f.ShareholderResolutionFactory()
    response = _post_change(
        curator,
        resolution,
        **{
            "vote-TOTAL_FORMS": 1,
            "vote-0-votes_for": 25,
            "vote-0-votes_against": 70,
            "vote-0-abstentions": 5,
        },
    )
    assert response.status_code == 302
    page = curator.get(_url(type(resolution), "change", resolution.pk)).content.decode()
    assert "26.32%" in page
    assert "25.00%" in page


def test_it_refuses_an_event_date_more_precise_than_its_precision(curator):
    controversy = f.ControversyFactory()
    data = form_data(curator.get(_url(Event, "add"))) | {
        "controversy": [str(controversy.pk)],
        "occurred_on": ["2019-05-15"],
        "occurred_on_precision": ["quarter"],
        "title": ["Q2 report"],
    }
    response = curator.post(_url(Event, "add"), data)
    assert response.status_code == 200
    assert "first day" in field_errors(response)["occurred_on"][0]
    assert not Event.objects.exists()


def test_it_refuses_a_membership_that_ends_before_it_starts(curator):
    coalition = f.CoalitionFactory(name="Rekognition letter")
    group = f.AdvocacyGroupFactory()
    response = _post_change(
        curator,
        coalition,
        name="Renamed",
        **{
            "memberships-0-organization": group.pk,
            "memberships-0-joined_on": "2019-01-15",
            "memberships-0-left_on": "2019-01-14",
        },
    )
    assert response.status_code == 200
    assert "memberships-0-left_on" in field_errors(response)
    coalition.refresh_from_db()
    assert coalition.name == "Rekognition letter"
    assert not CoalitionMembership.objects.exists()


def test_it_refuses_a_campaign_that_ends_before_it_starts(curator):
    campaign = f.CampaignFactory(started_on=dt.date(2018, 6, 18))
    response = _post_change(curator, campaign, ended_on="2018-06-01")
    assert "ended_on" in field_errors(response)
    campaign.refresh_from_db()
    assert campaign.ended_on is None


def test_it_refuses_an_identifier_another_organisation_has(curator):
    f.OrganizationFactory(name="Amazon", sec_cik="0001018724")
    duplicate = f.OrganizationFactory(name="Amazon.com")
    response = _post_change(curator, duplicate, sec_cik="0001018724")
    assert response.status_code == 200
    assert "Amazon already has this SEC CIK" in field_errors(response)["sec_cik"][0]
    assert Organization.objects.filter(sec_cik="0001018724").count() == 1


def test_it_refuses_a_duplicate_slug_as_a_field_error(curator):
    f.TopicFactory(name="Policing", slug="policing")
    topic = f.TopicFactory(name="Police")
    response = _post_change(curator, topic, slug="policing")
    assert "slug" in field_errors(response)


TIMELINE = "Event_controversies"  # the prefix of the controversy's timeline rows


def test_it_saves_nothing_when_one_inline_row_is_invalid(curator):
    """GIVEN a controversy edited together with two new timeline rows
    WHEN one row links an existing event and the other names an event that does not exist
    THEN neither row nor the controversy's own change is saved."""
    controversy = f.ControversyFactory(title="Rekognition")
    letter = f.EventFactory(title="Coalition letter")
    response = _post_change(
        curator,
        controversy,
        title="Rekognition, edited",
        **{
            f"{TIMELINE}-TOTAL_FORMS": 2,
            f"{TIMELINE}-0-event": letter.pk,
            f"{TIMELINE}-1-event": 999_999,
        },
    )
    assert response.status_code == 200
    assert f"{TIMELINE}-1-event" in field_errors(response)
    controversy.refresh_from_db()
    assert controversy.title == "Rekognition"
    assert not controversy.events.exists()


def test_it_adds_an_event_of_another_controversy_to_the_timeline(curator):
    """An event already on one case is linked to a second: one event on both timelines,
    and the second case's last-event date follows."""
    amazon = f.ControversyFactory(title="Amazon")
    microsoft = f.ControversyFactory(title="Microsoft")
    letter = f.EventFactory(
        controversy=amazon, title="Coalition letter", occurred_on=dt.date(2019, 1, 15)
    )
    response = _post_change(
        curator, microsoft, **{f"{TIMELINE}-TOTAL_FORMS": 1, f"{TIMELINE}-0-event": letter.pk}
    )
    assert response.status_code == 302
    microsoft.refresh_from_db()
    assert list(microsoft.events.all()) == [letter]
    assert microsoft.last_event_on == dt.date(2019, 1, 15)
    assert set(letter.controversies.all()) == {amazon, microsoft}
    assert Event.objects.count() == 1


def test_the_controversy_page_links_to_a_new_event_with_the_controversy_filled_in(curator):
    controversy = f.ControversyFactory(title="Rekognition")
    page = curator.get(_url(Controversy, "change", controversy.pk)).content.decode()
    add_url = f"{_url(Event, 'add')}?controversies={controversy.pk}"
    assert f'href="{add_url}"' in page
    form = curator.get(add_url).content.decode()
    assert f'<option value="{controversy.pk}" selected>Rekognition</option>' in form


def test_moving_an_event_to_another_controversy_updates_both_dates(curator):
    old = f.ControversyFactory(title="Old")
    new = f.ControversyFactory(title="New")
    kept = add_event(controversy=old, occurred_on=dt.date(2018, 1, 1), title="Kept")
    moved = add_event(controversy=old, occurred_on=dt.date(2020, 1, 1), title="Moved")
    old.refresh_from_db()
    assert old.last_event_on == dt.date(2020, 1, 1)
    response = _post_change(curator, moved, controversies=new.pk)
    assert response.status_code == 302
    old.refresh_from_db()
    new.refresh_from_db()
    assert list(old.events.all()) == [kept]
    assert (old.last_event_on, new.last_event_on) == (dt.date(2018, 1, 1), dt.date(2020, 1, 1))
