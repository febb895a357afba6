"""Accepting an article keeps what matching found: the organisations it names are proposed
as the event's actors, and the sentence naming them as the citation's quote."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from controversies.models import Event, EventActor, Organization, Source
from controversies.services import event_create
from ingestion.models import Article
from tests.ingestion.test_review_admin import in_review

pytestmark = [pytest.mark.django_db, pytest.mark.services]

QUEUE = reverse("admin:ingestion_reviewitem_changelist")
FIRST_SENTENCE = (
    "Amazon has been selling its Rekognition face analysis service to police departments, "
    "according to documents obtained by the ACLU."
)


@pytest.fixture
def curator(db) -> Client:
    """A staff user in the Curator group, as curators work the queue."""
    from django.contrib.auth.models import Group

    user = User.objects.create_user("cur", "cur@example.test", "x", is_staff=True)
    user.groups.add(Group.objects.get(name="Curator"))
    client = Client()
    client.force_login(user)
    return client


def _form_page(client: Client, article: Article, action: str) -> lxml.html.HtmlElement:
    response = client.post(QUEUE, {"action": action, ACTION_CHECKBOX_NAME: [article.pk]})
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def _proposed(page: lxml.html.HtmlElement) -> dict[str, tuple[bool, str]]:
    """Organisation name -> (ticked?, role chosen), as the form page shows them."""
    shown = {}
    for row in page.xpath("//fieldset[h2='Actors']//tbody/tr"):
        name = row.xpath(".//td[2]")[0].text_content().strip()
        ticked = row.xpath(".//input[@type='checkbox']")[0].get("checked") is not None
        role = row.xpath(".//select/option[@selected]")[0].get("value")
        shown[name] = (ticked, role)
    return shown


def _new_event_post(article: Article, domain, **fields) -> dict:
    return {
        "action": "accept_new_event",
        ACTION_CHECKBOX_NAME: [article.pk],
        "apply": "1",
        "controversy": domain.controversy.pk,
        "occurred_on": "2024-05-02",
        "precision": "day",
        "kind": "report",
        "title": "Police bought Rekognition",
        "summary": "",
        **fields,
    }


def test_it_proposes_the_matched_organisations_and_the_sentence_naming_them(curator, domain):
    article = in_review(domain)

    page = _form_page(curator, article, "accept_new_event")

    assert _proposed(page) == {
        "Amazon": (True, "actor"),
        "American Civil Liberties Union": (True, "actor"),
        "U.S. Immigration and Customs Enforcement": (True, "actor"),
    }
    assert page.xpath("//textarea[@name='quote']")[0].text_content().strip() == FIRST_SENTENCE


def test_accepting_keeps_the_ticked_actors_in_their_roles_and_the_quote(curator, domain):
    article = in_review(domain)

    response = curator.post(
        QUEUE,
        _new_event_post(
            article,
            domain,
            quote="Rekognition wrongly matched 28 members of Congress.",
            **{
                f"actors-keep_{domain.amazon.pk}": "on",
                f"actors-role_{domain.amazon.pk}": "target",
                f"actors-keep_{domain.ice.pk}": "on",
                f"actors-role_{domain.ice.pk}": "customer",
                # the ACLU row unticked: its role is still submitted
                f"actors-role_{domain.aclu.pk}": "actor",
            },
        ),
    )

    assert response.status_code == 302
    event = Event.objects.get(title="Police bought Rekognition")
    actors = set(event.event_actors.values_list("organization__name", "role"))
    assert actors == {
        ("Amazon", EventActor.Role.TARGET),
        ("U.S. Immigration and Customs Enforcement", EventActor.Role.CUSTOMER),
    }
    assert event.citations.get().quote == "Rekognition wrongly matched 28 members of Congress."
    article.refresh_from_db()
    assert article.state == Article.State.ACCEPTED


def test_an_organisation_the_article_did_not_name_is_not_added(curator, domain):
    article = in_review(domain)
    stranger = Organization.objects.create(name="Someone Else", slug="someone-else")

    curator.post(
        QUEUE,
        _new_event_post(
            article,
            domain,
            **{f"actors-keep_{stranger.pk}": "on", f"actors-role_{stranger.pk}": "actor"},
        ),
    )

    event = Event.objects.get(title="Police bought Rekognition")
    assert not event.event_actors.exists()


@pytest.mark.parametrize(
    "bad",
    [
        lambda domain: {f"actors-role_{domain.amazon.pk}": "overlord"},  # not a role
        lambda domain: {"occurred_on": "2024-13-45"},  # not a date
    ],
    ids=["bad-role", "bad-date"],
)
def test_a_bad_form_writes_nothing_and_says_why(curator, domain, bad):
    article = in_review(domain)
    post = _new_event_post(
        article,
        domain,
        quote="A quote",
        **{f"actors-keep_{domain.amazon.pk}": "on", f"actors-role_{domain.amazon.pk}": "target"},
    )

    response = curator.post(QUEUE, {**post, **bad(domain)})

    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Event.objects.exists()
    assert not Source.objects.exists()
    assert not EventActor.objects.exists()
    article.refresh_from_db()
    assert article.state == Article.State.IN_REVIEW
    # What the curator typed is still there to fix.
    page = lxml.html.fromstring(response.content.decode())
    assert page.xpath("//textarea[@name='quote']")[0].text_content().strip() == "A quote"


def test_accepting_as_a_source_of_an_existing_event_offers_the_same(curator, domain):
    article = in_review(domain)
    event = event_create(
        controversy=domain.controversy, occurred_on=dt.date(2018, 5, 22), title="ACLU report"
    )
    page = _form_page(curator, article, "accept_existing_event")
    assert page.xpath("//textarea[@name='quote']")[0].text_content().strip() == FIRST_SENTENCE
    assert set(_proposed(page)) == {
        "Amazon",
        "American Civil Liberties Union",
        "U.S. Immigration and Customs Enforcement",
    }

    curator.post(
        QUEUE,
        {
            "action": "accept_existing_event",
            ACTION_CHECKBOX_NAME: [article.pk],
            "apply": "1",
            "event": event.pk,
            "quote": FIRST_SENTENCE,
            f"actors-keep_{domain.aclu.pk}": "on",
            f"actors-role_{domain.aclu.pk}": "author",
        },
    )

    assert event.citations.get().quote == FIRST_SENTENCE
    assert list(event.event_actors.values_list("organization__name", "role")) == [
        ("American Civil Liberties Union", EventActor.Role.AUTHOR)
    ]


def test_an_article_naming_no_organisation_proposes_none(curator, domain):
    article = in_review(
        domain, title="Face search", text="Rekognition is a face analysis service. It is sold."
    )

    page = _form_page(curator, article, "accept_new_event")

    assert _proposed(page) == {}
    quote = page.xpath("//textarea[@name='quote']")[0].text_content().strip()
    assert quote == "Rekognition is a face analysis service."  # a product is named too
