"""factory-boy factories for every domain model.

Each factory builds a valid row with the fewest required relations; tests pass what they
care about. Events keep their controversy's denormalised last-event date up to date, as
``services.event_create`` does, so list pages sort as they would with real data.
"""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from controversies import models
from controversies.services import controversy_refresh_last_event


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = models.Organization
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = models.Organization.Kind.ADVOCACY_GROUP


class CompanyFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"Company {n}")
    slug = factory.Sequence(lambda n: f"company-{n}")
    kind = models.Organization.Kind.COMPANY


class AdvocacyGroupFactory(OrganizationFactory):
    kind = models.Organization.Kind.ADVOCACY_GROUP


class InvestorFactory(OrganizationFactory):
    kind = models.Organization.Kind.INVESTOR


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = models.Product
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    developer = factory.SubFactory(CompanyFactory)


class TopicFactory(DjangoModelFactory):
    class Meta:
        model = models.Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class ControversyFactory(DjangoModelFactory):
    class Meta:
        model = models.Controversy
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Controversy {n}")
    slug = factory.Sequence(lambda n: f"controversy-{n}")
    summary = "What happened, in the tracker's words."
    status = models.Controversy.Status.ONGOING

    @factory.post_generation
    def companies(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.companies.add(*extracted)

    @factory.post_generation
    def products(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.products.add(*extracted)

    @factory.post_generation
    def topics(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.topics.add(*extracted)


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = models.Source
        django_get_or_create = ("canonical_url",)

    url = factory.Sequence(lambda n: f"https://news.example.org/story-{n}")
    canonical_url = factory.SelfAttribute("url")
    title = factory.Sequence(lambda n: f"Story {n}")
    publisher = "Example News"
    published_on = dt.date(2019, 1, 15)


class EventFactory(DjangoModelFactory):
    class Meta:
        model = models.Event
        skip_postgeneration_save = True

    controversy = factory.SubFactory(ControversyFactory)
    occurred_on = dt.date(2019, 1, 15)
    occurred_on_precision = "day"
    kind = models.Event.Kind.REPORT
    title = factory.Sequence(lambda n: f"Event {n}")
    summary = factory.Sequence(lambda n: f"Summary of event {n}.")

    @factory.post_generation
    def refresh_controversy(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            controversy_refresh_last_event(controversy=self.controversy)


class EventActorFactory(DjangoModelFactory):
    class Meta:
        model = models.EventActor

    event = factory.SubFactory(EventFactory)
    organization = factory.SubFactory(AdvocacyGroupFactory)
    role = models.EventActor.Role.ACTOR


class EventSourceFactory(DjangoModelFactory):
    class Meta:
        model = models.EventSource

    event = factory.SubFactory(EventFactory)
    source = factory.SubFactory(SourceFactory)
    position = factory.Sequence(lambda n: n + 1)
    quote = ""


class CoalitionFactory(DjangoModelFactory):
    class Meta:
        model = models.Coalition
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Coalition {n}")
    slug = factory.Sequence(lambda n: f"coalition-{n}")


class CoalitionMembershipFactory(DjangoModelFactory):
    class Meta:
        model = models.CoalitionMembership

    coalition = factory.SubFactory(CoalitionFactory)
    organization = factory.SubFactory(AdvocacyGroupFactory)
    role = "member"


class CampaignFactory(DjangoModelFactory):
    class Meta:
        model = models.Campaign
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Campaign {n}")
    slug = factory.Sequence(lambda n: f"campaign-{n}")

    @factory.post_generation
    def organisers(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.organisers.add(*extracted)

    @factory.post_generation
    def targets(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.targets.add(*extracted)

    @factory.post_generation
    def controversies(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.controversies.add(*extracted)


class DemandFactory(DjangoModelFactory):
    class Meta:
        model = models.Demand

    campaign = factory.SubFactory(CampaignFactory)
    text = factory.Sequence(lambda n: f"Demand {n}")


class ShareholderMeetingFactory(DjangoModelFactory):
    class Meta:
        model = models.ShareholderMeeting

    company = factory.SubFactory(CompanyFactory)
    held_on = dt.date(2019, 5, 22)


class ShareholderResolutionFactory(DjangoModelFactory):
    class Meta:
        model = models.ShareholderResolution

    meeting = factory.SubFactory(ShareholderMeetingFactory)
    item_number = factory.Sequence(lambda n: str(n + 1))
    title = factory.Sequence(lambda n: f"Resolution {n}")
    slug = factory.Sequence(lambda n: f"resolution-{n}")
    status = models.ShareholderResolution.Status.VOTED


class VoteResultFactory(DjangoModelFactory):
    class Meta:
        model = models.VoteResult

    resolution = factory.SubFactory(ShareholderResolutionFactory)
