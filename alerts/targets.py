"""What a subscription or a webhook follows: the controversies its target selects now,
how a mail names it, and the page it was followed from.

Each kind reads the same rule as the page it was followed on:

- a list filter (and every webhook): the list page's ``ControversyFilter`` on the stored
  query string;
- a controversy: that controversy;
- a company: the controversies that target it (the list's ``company`` filter);
- an organisation as actor: the list's ``organisation`` filter (it acted in one of the
  events, organised a campaign, or belongs to a coalition that did);
- a campaign: the controversies it is part of;
- a coalition: the list's ``coalition`` filter.

The selection is read when a digest is built, not when the subscription was made: a
controversy that starts matching later is followed from then on. A stored filter that
no longer validates (its company was deleted) follows nothing rather than everything.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.http import QueryDict

from alerts.models import Subscription, Webhook
from controversies import follow
from controversies.filters import ControversyFilter
from controversies.models import (
    Campaign,
    Coalition,
    CoalitionMembership,
    Controversy,
    EventActor,
)

Kind = Subscription.Kind

# The list filter each organisation-like kind is, with the value its record gives.
FILTER_OF_KIND = {
    Kind.COMPANY: "company",
    Kind.ACTOR: "organisation",
    Kind.COALITION: "coalition",
}


def filter_params(target: Subscription | Webhook) -> QueryDict | None:
    """The list filter's parameters that select ``target``'s controversies, or None for
    a kind that is not a filter (a controversy, a campaign)."""
    kind = getattr(target, "kind", Kind.FILTER)
    if kind == Kind.FILTER:
        return QueryDict(target.query or "")
    name = FILTER_OF_KIND.get(kind)
    if name is None:
        return None
    record = target.target
    data = QueryDict(mutable=True)
    data[name] = record.slug if record is not None else ""
    return data


def selected(target: Subscription | Webhook, within: QuerySet | None = None) -> QuerySet | None:
    """The controversies ``target`` selects, among ``within`` (all by default), as a
    queryset of ids; None when it follows every controversy."""
    base = within if within is not None else Controversy.objects.all()
    kind = getattr(target, "kind", Kind.FILTER)
    if kind == Kind.CONTROVERSY:
        return base.filter(pk=target.controversy_id).values("pk")
    if kind == Kind.CAMPAIGN:
        return base.filter(campaigns=target.campaign_id).values("pk")
    if kind in FILTER_OF_KIND:
        # The record is known: its filter's rule is applied to its slug directly,
        # without looking the slug up again as the form would.
        record = target.target
        if record is None:
            return base.none().values("pk")
        name = FILTER_OF_KIND[kind]
        method = getattr(ControversyFilter(), ControversyFilter.base_filters[name].method)
        return method(base, name, record.slug).values("pk")
    params = filter_params(target)
    if not any(value.strip() for value in params.values()):
        return None
    filterset = ControversyFilter(params, queryset=base)
    if filterset.problems:
        return base.none().values("pk")
    return filterset.qs.values("pk")


def among(ids: Iterable[int]) -> QuerySet:
    """The controversies with these ids, given to PostgreSQL as one array parameter:
    a list of a thousand literals cost more to plan than the filter took to run (the
    target "digest build 10,000 subscriptions <= 60 s", bench/alerts.py)."""
    if connection.vendor != "postgresql":
        return Controversy.objects.filter(pk__in=list(ids))
    array = RawSQL("SELECT unnest(%s::integer[])", [list(ids)])
    return Controversy.objects.filter(pk__in=array)


def controversy_ids(
    target: Subscription | Webhook, within: Iterable[int] | None = None
) -> set[int] | None:
    """Ids of the controversies ``target`` selects now; None means every controversy.
    With ``within`` (ids), only those among them are looked at (None still means all)."""
    base = None if within is None else among(within)
    ids = selected(target, base)
    if ids is None:
        return None
    return set(ids.values_list("pk", flat=True))


# --- many targets of one kind at once ---------------------------------------------------
# The same rules as ``selected`` for the kinds that follow a record, read for every
# record at once among a few controversies (a digest window's): one query per path
# instead of one per target. tests/alerts/test_digest_targets.py checks that both agree.

Pairs = Iterable[tuple[int, int]]


def _event_paths(within: list[int]) -> dict[str, Pairs]:
    """(record id, controversy id) pairs through the controversies' events."""
    on_events = {"event__controversies__in": within}
    return {
        "actor": EventActor.objects.filter(**on_events).values_list(
            "organization_id", "event__controversies"
        ),
        "member_signed": CoalitionMembership.objects.filter(
            coalition__actions__controversies__in=within
        ).values_list("organization_id", "coalition__actions__controversies"),
        "coalition_signed": Coalition.actions.through.objects.filter(**on_events).values_list(
            "coalition_id", "event__controversies"
        ),
    }


def _campaign_paths(within: list[int]) -> dict[str, Pairs]:
    """(record id, controversy id) pairs through the controversies' campaigns."""
    return {
        "campaign": Campaign.controversies.through.objects.filter(
            controversy_id__in=within
        ).values_list("campaign_id", "controversy_id"),
        "organiser": Campaign.organisers.through.objects.filter(
            campaign__controversies__in=within
        ).values_list("organization_id", "campaign__controversies"),
        "member_organised": CoalitionMembership.objects.filter(
            coalition__campaigns__controversies__in=within
        ).values_list("organization_id", "coalition__campaigns__controversies"),
        "coalition_organised": Campaign.objects.filter(
            organising_coalition__isnull=False, controversies__in=within
        ).values_list("organising_coalition_id", "controversies"),
    }


PATHS_OF_KIND = {
    Kind.COMPANY: ("company",),
    Kind.ACTOR: ("actor", "organiser", "member_signed", "member_organised"),
    Kind.COALITION: ("coalition_signed", "coalition_organised"),
    Kind.CAMPAIGN: ("campaign",),
}


def selections_of_kind(kind: str, within: Iterable[int]) -> dict[int, frozenset[int]]:
    """For every record a ``kind`` of subscription can follow (company, organisation as
    actor, coalition, campaign): the controversies among ``within`` it selects, by the
    record's id. A record absent from the answer selects none of them."""
    ids = list(within)
    paths = {
        "company": Controversy.companies.through.objects.filter(controversy_id__in=ids).values_list(
            "organization_id", "controversy_id"
        ),
        **(_event_paths(ids) if kind in (Kind.ACTOR, Kind.COALITION) else {}),
        **(_campaign_paths(ids) if kind != Kind.COMPANY else {}),
    }
    wanted = set(ids)
    found: dict[int, set[int]] = {}
    for name in PATHS_OF_KIND[kind]:
        for record_id, controversy_id in paths[name]:
            if controversy_id in wanted:
                found.setdefault(record_id, set()).add(controversy_id)
    return {record_id: frozenset(found_ids) for record_id, found_ids in found.items()}


def record_id(subscription: Subscription) -> int | None:
    field = Subscription.TARGET_FIELD.get(subscription.kind)
    return getattr(subscription, f"{field}_id") if field else None


def describe(subscription: Subscription | Webhook) -> str:
    """The target in words, as its page's Follow box names it."""
    kind = getattr(subscription, "kind", Kind.FILTER)
    record = subscription.target if kind != Kind.FILTER else None
    if kind == Kind.FILTER:
        return _describe_filter(subscription.query)
    if record is None:
        return "Something that no longer exists"
    if kind == Kind.CONTROVERSY:
        return follow.controversy(record.slug, record.title).label
    if kind == Kind.CAMPAIGN:
        return f"Controversies of the campaign {record.name}"
    if kind == Kind.COALITION:
        return f"Controversies {record.name} acted on"
    if kind == Kind.COMPANY:
        return f"Controversies targeting {record.name}"
    return f"Controversies {record.name} acted in"


def _describe_filter(query: str) -> str:
    params = QueryDict(query or "")
    if not any(value.strip() for value in params.values()):
        return "All controversies"
    filterset = ControversyFilter(params, queryset=Controversy.objects.none())
    described = [
        (name, filterset.label_for(name, value)) for name, value in filterset.active.items()
    ]
    return follow.describe("Controversies", described)


def target_url(subscription: Subscription | Webhook) -> str:
    """The path of the page that was followed (the list page with its filters for a
    filter; the record's own page otherwise)."""
    kind = getattr(subscription, "kind", Kind.FILTER)
    if kind == Kind.FILTER:
        params = QueryDict(subscription.query or "")
        return follow.url("controversies:controversy_list", params=list(params.items()))
    record = subscription.target
    if record is None:
        return follow.url("controversies:controversy_list")
    if kind in (Kind.COMPANY, Kind.ACTOR):
        return follow.url("controversies:organization", record.slug)
    return record.get_absolute_url()
