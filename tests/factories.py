"""factory-boy factories for the domain models (additive: other helpers add theirs)."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from controversies import models


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = models.Organization
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = models.Organization.Kind.COMPANY


class CompanyFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"Company {n}")
    slug = factory.Sequence(lambda n: f"company-{n}")
    kind = models.Organization.Kind.COMPANY


class AdvocacyGroupFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"Advocacy group {n}")
    slug = factory.Sequence(lambda n: f"advocacy-group-{n}")
    kind = models.Organization.Kind.ADVOCACY_GROUP


class InvestorFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"Investor {n}")
    slug = factory.Sequence(lambda n: f"investor-{n}")
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
        django_get_or_create = ("slug",)

    title = factory.Sequence(lambda n: f"Controversy {n}")
    slug = factory.Sequence(lambda n: f"controversy-{n}")
    summary = "What happened, in the curators' words."


class EventFactory(DjangoModelFactory):
    class Meta:
        model = models.Event
        skip_postgeneration_save = True

    controversy = factory.SubFactory(ControversyFactory)
    occurred_on = dt.date(2019, 1, 15)
    kind = models.Event.Kind.REPORT
    title = factory.Sequence(lambda n: f"Event {n}")

    @factory.post_generation
    def refresh_last_event(obj, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            from controversies.services import controversy_refresh_last_event

            controversy_refresh_last_event(controversy=obj.controversy)


class EventActorFactory(DjangoModelFactory):
    class Meta:
        model = models.EventActor

    event = factory.SubFactory(EventFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = models.EventActor.Role.ACTOR


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = models.Source

    url = factory.Sequence(lambda n: f"https://news.example.org/story/{n}")
    canonical_url = factory.LazyAttribute(lambda o: o.url)
    title = factory.Sequence(lambda n: f"Story {n}")
    publisher = "Example News"
    published_on = dt.date(2019, 1, 16)


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


class CampaignFactory(DjangoModelFactory):
    class Meta:
        model = models.Campaign
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Campaign {n}")
    slug = factory.Sequence(lambda n: f"campaign-{n}")


class DemandFactory(DjangoModelFactory):
    class Meta:
        model = models.Demand

    campaign = factory.SubFactory(CampaignFactory)
    text = factory.Sequence(lambda n: f"Demand {n}")


class DemandStatusFactory(DjangoModelFactory):
    class Meta:
        model = models.DemandStatus

    demand = factory.SubFactory(DemandFactory)
    status = models.DemandStatus.Status.MADE
    on = dt.date(2019, 1, 15)


class ShareholderMeetingFactory(DjangoModelFactory):
    class Meta:
        model = models.ShareholderMeeting

    company = factory.SubFactory(CompanyFactory)
    held_on = dt.date(2019, 5, 22)


class ShareholderResolutionFactory(DjangoModelFactory):
    class Meta:
        model = models.ShareholderResolution
        django_get_or_create = ("slug",)

    meeting = factory.SubFactory(ShareholderMeetingFactory)
    item_number = factory.Sequence(lambda n: str(n + 1))
    title = factory.Sequence(lambda n: f"Resolution {n}")
    slug = factory.Sequence(lambda n: f"resolution-{n}")
    status = models.ShareholderResolution.Status.VOTED


class VoteResultFactory(DjangoModelFactory):
    class Meta:
        model = models.VoteResult

    resolution = factory.SubFactory(ShareholderResolutionFactory)


class ProxyAdviserRecommendationFactory(DjangoModelFactory):
    class Meta:
        model = models.ProxyAdviserRecommendation

    resolution = factory.SubFactory(ShareholderResolutionFactory)
    adviser = factory.SubFactory(OrganizationFactory, kind=models.Organization.Kind.OTHER)
    recommendation = models.Recommendation.FOR
