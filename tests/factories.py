"""factory-boy factories for every domain model, with sensible, valid defaults.

Each factory builds a row that passes ``full_clean()`` and every database constraint.
Every call makes a new row (no get-or-create by slug: two names that slugify alike
would silently return the same row). Related rows are created on demand
(``EventFactory()`` makes its controversy); pass your own to share them.
Many-to-many fields take a list: ``ControversyFactory(companies=[amazon])``.
"""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from controversies.dates import Precision
from controversies.models import (
    AdvocacyGroup,
    Campaign,
    Coalition,
    CoalitionMembership,
    Company,
    Controversy,
    Demand,
    DemandStatus,
    Event,
    EventActor,
    EventSource,
    Organization,
    Product,
    ProxyAdviserRecommendation,
    Recommendation,
    ShareholderMeeting,
    ShareholderResolution,
    Source,
    Topic,
    VoteResult,
)


def _add_m2m(field: str):
    """A post_generation hook that adds the given objects to a many-to-many field."""

    def hook(obj, create, extracted, **kwargs):
        if create and extracted:
            getattr(obj, field).add(*extracted)

    hook.__name__ = field
    return factory.PostGeneration(hook)


# --- People ---------------------------------------------------------------------------


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def groups(obj, create, extracted, **kwargs):
        """``UserFactory(groups=["Curator"])`` adds the user to groups by name."""
        if create and extracted:
            obj.groups.add(*(Group.objects.get(name=name) for name in extracted))


class StaffUserFactory(UserFactory):
    is_staff = True


class CuratorFactory(StaffUserFactory):
    """A staff user in the "Curator" group (created by a data migration)."""

    username = factory.Sequence(lambda n: f"curator{n}")
    groups = factory.PostGeneration(
        lambda obj, create, extracted, **kw: (
            create and obj.groups.add(Group.objects.get(name="Curator"))
        )
    )


class EditorFactory(StaffUserFactory):
    """A staff user in the "Editor" group: a curator who may also delete."""

    username = factory.Sequence(lambda n: f"editor{n}")
    groups = factory.PostGeneration(
        lambda obj, create, extracted, **kw: (
            create and obj.groups.add(Group.objects.get(name="Editor"))
        )
    )


# --- Entities -------------------------------------------------------------------------


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.LazyAttributeSequence(lambda o, n: f"{slugify(o.name)[:180]}-{n}")
    kind = Organization.Kind.COMPANY
    country = "US"


class CompanyFactory(OrganizationFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n}")
    kind = Organization.Kind.COMPANY
    ticker = factory.Sequence(lambda n: f"C{n}")


class AdvocacyGroupFactory(OrganizationFactory):
    class Meta:
        model = AdvocacyGroup

    name = factory.Sequence(lambda n: f"Advocacy group {n}")
    kind = Organization.Kind.ADVOCACY_GROUP


class InvestorFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"Investor {n}")
    kind = Organization.Kind.INVESTOR


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.LazyAttributeSequence(lambda o, n: f"{slugify(o.name)[:180]}-{n}")
    developer = factory.SubFactory(CompanyFactory)
    description = "An AI system."


class TopicFactory(DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.LazyAttributeSequence(lambda o, n: f"{slugify(o.name)[:180]}-{n}")


# --- Controversies, events, sources ---------------------------------------------------


class ControversyFactory(DjangoModelFactory):
    class Meta:
        model = Controversy
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Controversy {n}")
    slug = factory.LazyAttributeSequence(lambda o, n: f"{slugify(o.title)[:180]}-{n}")
    summary = "What happened, in our own words."
    status = Controversy.Status.ONGOING
    started_on = dt.date(2018, 5, 22)

    companies = _add_m2m("companies")
    products = _add_m2m("products")
    topics = _add_m2m("topics")


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = Source

    url = factory.Sequence(lambda n: f"https://news.example.org/articles/{n}")
    canonical_url = factory.SelfAttribute("url")
    title = factory.Sequence(lambda n: f"Article {n}")
    publisher = "Example News"
    published_on = dt.date(2018, 5, 22)
    language = "en"


class EventFactory(DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    occurred_on = dt.date(2018, 5, 22)
    occurred_on_precision = Precision.DAY
    kind = Event.Kind.REPORT
    title = factory.Sequence(lambda n: f"Event {n}")
    summary = "One dated thing."

    @factory.post_generation
    def controversy(self, create: bool, extracted: object, **kwargs: object) -> None:
        """The controversy the event is on, or a list of them; a new one by default."""
        if not create:
            return
        on = extracted if isinstance(extracted, list | tuple) else [extracted]
        self.controversies.add(*(c or ControversyFactory() for c in on))


class EventActorFactory(DjangoModelFactory):
    class Meta:
        model = EventActor

    event = factory.SubFactory(EventFactory)
    organization = factory.SubFactory(CompanyFactory)
    role = EventActor.Role.ACTOR


class EventSourceFactory(DjangoModelFactory):
    class Meta:
        model = EventSource

    event = factory.SubFactory(EventFactory)
    source = factory.SubFactory(SourceFactory)
    position = factory.Sequence(lambda n: n % 30000 + 1)
    quote = "The passage that supports the event."


# --- Coalitions and campaigns ---------------------------------------------------------


class CoalitionFactory(DjangoModelFactory):
    class Meta:
        model = Coalition
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Coalition {n}")
    slug = factory.LazyAttributeSequence(lambda o, n: f"{slugify(o.name)[:180]}-{n}")
    formed_on = dt.date(2018, 5, 22)
    actions = _add_m2m("actions")


class CoalitionMembershipFactory(DjangoModelFactory):
    class Meta:
        model = CoalitionMembership

    coalition = factory.SubFactory(CoalitionFactory)
    organization = factory.SubFactory(AdvocacyGroupFactory)
    role = "member"
    joined_on = dt.date(2018, 5, 22)
    left_on = None


class CampaignFactory(DjangoModelFactory):
    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Campaign {n}")
    slug = factory.LazyAttributeSequence(lambda o, n: f"{slugify(o.name)[:180]}-{n}")
    summary = "What the campaign asks for."
    started_on = dt.date(2018, 6, 18)
    organisers = _add_m2m("organisers")
    targets = _add_m2m("targets")
    controversies = _add_m2m("controversies")


class DemandFactory(DjangoModelFactory):
    class Meta:
        model = Demand

    campaign = factory.SubFactory(CampaignFactory)
    text = factory.Sequence(lambda n: f"Stop selling the product to police (demand {n}).")
    position = 1


class DemandStatusFactory(DjangoModelFactory):
    class Meta:
        model = DemandStatus

    demand = factory.SubFactory(DemandFactory)
    status = DemandStatus.Status.MADE
    on = dt.date(2018, 6, 18)
    note = ""
    source = None


# --- Shareholders ---------------------------------------------------------------------


class ShareholderMeetingFactory(DjangoModelFactory):
    class Meta:
        model = ShareholderMeeting

    company = factory.SubFactory(CompanyFactory)
    held_on = factory.Sequence(lambda n: dt.date(2019, 5, 22) + dt.timedelta(days=n))
    kind = ShareholderMeeting.Kind.ANNUAL
    location = "Seattle, WA"


class ShareholderResolutionFactory(DjangoModelFactory):
    class Meta:
        model = ShareholderResolution
        skip_postgeneration_save = True

    meeting = factory.SubFactory(ShareholderMeetingFactory)
    item_number = factory.Sequence(lambda n: str(n % 1000 + 1))
    title = factory.Sequence(lambda n: f"Resolution {n}")
    slug = factory.LazyAttributeSequence(lambda o, n: f"{slugify(o.title)[:180]}-{n}")
    ask = "Report on the risks."
    lead_filer = factory.SubFactory(InvestorFactory)
    status = ShareholderResolution.Status.VOTED
    filed_on = dt.date(2018, 12, 1)
    board_recommendation = Recommendation.AGAINST
    co_filers = _add_m2m("co_filers")
    topics = _add_m2m("topics")


class ProxyAdviserRecommendationFactory(DjangoModelFactory):
    class Meta:
        model = ProxyAdviserRecommendation

    resolution = factory.SubFactory(ShareholderResolutionFactory)
    adviser = factory.SubFactory(OrganizationFactory, kind=Organization.Kind.OTHER)
    recommendation = Recommendation.FOR


class VoteResultFactory(DjangoModelFactory):
    """A vote with raw counts; pass ``votes_for=None, votes_against=None`` and a
    ``reported_support_pct`` for a result known only as a percentage."""

    class Meta:
        model = VoteResult

    resolution = factory.SubFactory(ShareholderResolutionFactory)
    votes_for = 10_000_000
    votes_against = 390_000_000
    abstentions = 1_000_000
    broker_non_votes = 50_000_000
    shares_outstanding = 500_000_000
    reported_support_pct = None
    passed = False
