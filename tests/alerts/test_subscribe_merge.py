"""An organisation merged away: its followers follow the kept one, whether they
followed it by page (a foreign key) or through a list filter (its slug in a query)."""

from __future__ import annotations

import pytest

from alerts.models import Subscriber, Subscription, Webhook
from alerts.targets import controversy_ids
from controversies.services import organization_merge
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def amazons():
    return f.CompanyFactory(name="Amazon", slug="amazon"), f.CompanyFactory(
        name="Amazon.com, Inc.", slug="amazon-com-inc"
    )


def _reader(email: str = "reader@example.org") -> Subscriber:
    return Subscriber.objects.get_or_create(email=email)[0]


def test_a_company_subscription_follows_the_kept_organisation(amazons):
    kept, dropped = amazons
    subscription = Subscription.objects.create(
        subscriber=_reader(), kind="company", organization=dropped, frequency="daily"
    )

    organization_merge(survivor=kept, others=[dropped])

    subscription.refresh_from_db()
    assert subscription.organization == kept


def test_following_both_leaves_one_subscription(amazons):
    kept, dropped = amazons
    reader = _reader()
    Subscription.objects.create(subscriber=reader, kind="actor", organization=kept)
    Subscription.objects.create(subscriber=reader, kind="actor", organization=dropped)
    Subscription.objects.create(subscriber=reader, kind="company", organization=dropped)

    organization_merge(survivor=kept, others=[dropped])

    assert sorted(reader.subscriptions.values_list("kind", "organization")) == [
        ("actor", kept.pk),
        ("company", kept.pk),
    ]


def test_a_filter_naming_the_dropped_slug_is_rewritten_and_still_selects(amazons):
    """GIVEN a filter subscription on company=<dropped slug>
    WHEN the company is merged into another
    THEN the stored filter names the kept slug and selects the kept company's cases
    (the dropped slug is not an alias of the kept record: only its name is)."""
    kept, dropped = amazons
    controversy = f.ControversyFactory(companies=[dropped])
    topic = f.TopicFactory(slug="policing")
    controversy.topics.add(topic)
    subscription = Subscription.objects.create(
        subscriber=_reader(), kind="filter", query="company=amazon-com-inc&topic=policing"
    )
    hook = Webhook.objects.create(
        name="Newsroom", url="https://example.org/hook", query="organisation=amazon-com-inc"
    )

    organization_merge(survivor=kept, others=[dropped])

    subscription.refresh_from_db()
    hook.refresh_from_db()
    assert subscription.query == "company=amazon&topic=policing"
    assert hook.query == "organisation=amazon"
    assert controversy_ids(subscription) == {controversy.pk}


def test_a_rewritten_filter_equal_to_one_already_followed_is_folded(amazons):
    kept, dropped = amazons
    reader = _reader()
    Subscription.objects.create(subscriber=reader, kind="filter", query="company=amazon")
    Subscription.objects.create(subscriber=reader, kind="filter", query="company=amazon-com-inc")
    other = Subscription.objects.create(
        subscriber=_reader("other@example.org"), kind="filter", query="company=amazon-com-inc-2"
    )

    organization_merge(survivor=kept, others=[dropped])

    assert list(reader.subscriptions.values_list("query", flat=True)) == ["company=amazon"]
    other.refresh_from_db()
    assert other.query == "company=amazon-com-inc-2"  # another slug that only contains it


def test_a_follow_link_to_the_dropped_slug_gets_a_clear_page(client, amazons):
    kept, dropped = amazons
    organization_merge(survivor=kept, others=[dropped])
    response = client.get("/alerts/follow/?company=amazon-com-inc")
    assert response.status_code == 404
    assert "no company" in response.content.decode()
