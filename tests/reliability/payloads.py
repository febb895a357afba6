"""A case whose every text field carries a script: names, aliases, titles, summaries,
quotes, sources, a campaign, a coalition, a shareholder vote.

A payload "comes out escaped" when its markup never appears as markup: the raw
``<script>`` / ``<img ... onerror`` text must be absent from every HTML and XML answer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from controversies.models import Controversy, EventActor, Organization
from tests import factories as f

SCRIPT = '<script>alert("xss-script")</script>'
ATTRIBUTE = '"><img src=x onerror=alert("xss-attr")>'
PAYLOAD = f"Acme {SCRIPT}{ATTRIBUTE}"
# Raw markup that must never reach a page unescaped.
MARKERS = ('<script>alert("xss', "<img src=x onerror")
# A URL that passes URL validation yet tries to break out of the href attribute.
BREAKOUT_URL = 'https://news.example.org/x?a="><script>alert("xss-url")</script>'
# What URL validation must refuse wherever a URL can be typed or imported.
JAVASCRIPT_URL = "javascript:alert('xss-url')"


def unescaped(body: str) -> list[str]:
    return [marker for marker in MARKERS if marker in body]


@dataclass
class HostileCase:
    controversy: Controversy
    company: Organization
    group: Organization
    slugs: dict[str, str]


def hostile_case() -> HostileCase:
    company = f.CompanyFactory(
        name=f"Company {PAYLOAD}",
        slug="xss-company",
        aliases=f"{PAYLOAD}\nAcme Alias {SCRIPT}",
        description=PAYLOAD,
        website=BREAKOUT_URL,
    )
    group = f.AdvocacyGroupFactory(
        name=f"Group {PAYLOAD}", slug="xss-group", aliases=PAYLOAD, description=PAYLOAD
    )
    product = f.ProductFactory(
        name=f"Product {PAYLOAD}",
        slug="xss-product",
        developer=company,
        aliases=PAYLOAD,
        description=PAYLOAD,
        website=BREAKOUT_URL,
    )
    topic = f.TopicFactory(name=f"Topic {SCRIPT}", slug="xss-topic")
    controversy = f.ControversyFactory(
        title=f"Controversy {PAYLOAD}",
        slug="xss-controversy",
        summary=PAYLOAD,
        companies=[company],
        products=[product],
        topics=[topic],
    )
    event = f.EventFactory(
        controversy=controversy,
        occurred_on=dt.date(2020, 6, 10),
        title=f"Event {PAYLOAD}",
        summary=PAYLOAD,
    )
    f.EventActorFactory(event=event, organization=group, role=EventActor.Role.AUTHOR)
    f.EventActorFactory(event=event, organization=company, role=EventActor.Role.TARGET)
    source = f.SourceFactory(
        url=BREAKOUT_URL,
        canonical_url=BREAKOUT_URL,
        title=f"Source {PAYLOAD}",
        publisher=f"Publisher {SCRIPT}",
        author=PAYLOAD,
        excerpt=PAYLOAD,
        archive_url=BREAKOUT_URL,
    )
    f.EventSourceFactory(event=event, source=source, quote=PAYLOAD, locator=SCRIPT[:100])
    coalition = f.CoalitionFactory(
        name=f"Coalition {PAYLOAD}",
        slug="xss-coalition",
        description=PAYLOAD,
        website=BREAKOUT_URL,
        actions=[event],
    )
    f.CoalitionMembershipFactory(coalition=coalition, organization=group, role=SCRIPT[:100])
    campaign = f.CampaignFactory(
        name=f"Campaign {PAYLOAD}",
        slug="xss-campaign",
        summary=PAYLOAD,
        outcome=PAYLOAD,
        organisers=[group],
        targets=[company],
        controversies=[controversy],
    )
    demand = f.DemandFactory(campaign=campaign, text=PAYLOAD)
    f.DemandStatusFactory(demand=demand, note=PAYLOAD, source=source)
    meeting = f.ShareholderMeetingFactory(company=company, location=PAYLOAD[:200])
    resolution = f.ShareholderResolutionFactory(
        meeting=meeting,
        title=f"Resolution {PAYLOAD}",
        slug="xss-resolution",
        ask=PAYLOAD,
        lead_filer=group,
        controversy=controversy,
        campaign=campaign,
    )
    f.VoteResultFactory(resolution=resolution, source=source)
    return HostileCase(
        controversy=controversy,
        company=company,
        group=group,
        slugs={
            "controversy": controversy.slug,
            "company": company.slug,
            "group": group.slug,
            "product": product.slug,
            "coalition": coalition.slug,
            "campaign": campaign.slug,
            "resolution": resolution.slug,
        },
    )


# --- Hostile query strings and path segments ----------------------------------------------

# Search syntax with nothing to search for: PostgreSQL's query parser ran out of operator
# stack on 33 dashes ("tsquery stack too small").
OPERATOR_SOUP = '-"" OR -( ) | & ! '
SEARCH_SOUPS = [
    "-" * 33,
    "-" * 200,
    "- " * 100,
    OPERATOR_SOUP * 12,
    '"' * 101,
    '"a' * 100,
    "-a " * 60,  # only negations
    "or " * 70,
    "a" + "-" * 199,
    "!(&|<->:*" * 20,
]
# Values no filter can take: out-of-calendar years, huge numbers, impossible dates, NUL,
# 10,000 characters.
HOSTILE_QUERY_VALUES = [
    "0",
    "99999",
    "-1",
    "1e309",
    "NaN",
    "2020.5",
    "0000-00-00",
    "9999-99-99",
    "\x00",
    "a\x00b",
    "x" * 10_000,
    *SEARCH_SOUPS,
]
# Already percent-encoded: bytes no text can be encoded to (a lone surrogate's UTF-8 form,
# invalid UTF-8) and a NUL, for query values and path segments alike.
RAW_ENCODED_VALUES = ["%00", "%ED%A0%80", "%ED%BF%BF", "%FF%FE", "%C0%80", "a%00b"]
