"""The domain: every model lives in a small module and is re-exported here."""

from __future__ import annotations

from .campaigns import Campaign, Coalition, CoalitionMembership, Demand, DemandStatus
from .controversy import Controversy, Event, EventActor, EventSource, Source
from .entities import AdvocacyGroup, Company, Organization, Product, Topic, split_aliases
from .shareholders import (
    ProxyAdviserRecommendation,
    Recommendation,
    ShareholderMeeting,
    ShareholderResolution,
    VoteResult,
)

__all__ = [
    "AdvocacyGroup",
    "Campaign",
    "Coalition",
    "CoalitionMembership",
    "Company",
    "Controversy",
    "Demand",
    "DemandStatus",
    "Event",
    "EventActor",
    "EventSource",
    "Organization",
    "Product",
    "ProxyAdviserRecommendation",
    "Recommendation",
    "ShareholderMeeting",
    "ShareholderResolution",
    "Source",
    "Topic",
    "VoteResult",
    "split_aliases",
]
