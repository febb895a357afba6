"""Stored filters that name an organisation merged away.

A merge moves every foreign key to the kept organisation, subscriptions included. A
filter is stored as text (``company=amazon-com``), and the dropped slug is not among the
kept record's aliases (its name is), so the filter would stop matching: it is rewritten
to the kept slug. A subscriber already following the rewritten filter keeps that one and
loses the duplicate.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import QueryDict
from django.utils.http import urlencode

from alerts.models import Subscription, Webhook

# The filter parameters whose value is an organisation's slug.
ORGANISATION_PARAMS = ("company", "organisation", "organization")


def _rewritten(query: str, renames: dict[str, str]) -> str | None:
    """The query with dropped slugs replaced, or None when it names none of them."""
    params = QueryDict(query)
    pairs, changed = [], False
    for name, value in params.items():
        if name in ORGANISATION_PARAMS and value in renames:
            value, changed = renames[value], True
        pairs.append((name, value))
    return urlencode(sorted(pairs)) if changed else None


def _naming(model: type, slugs: Iterable[str]):
    rows = model.objects.none()
    for slug in slugs:
        rows |= model.objects.filter(query__contains=slug)
    return rows


def filters_follow_merge(*, kept_slug: str, dropped_slugs: Iterable[str]) -> int:
    """Rewrite stored filters (subscriptions and webhooks) naming a dropped slug; returns
    how many were rewritten or folded into an identical one. Runs inside the merge's
    transaction."""
    renames = {slug: kept_slug for slug in dropped_slugs if slug != kept_slug}
    if not renames:
        return 0
    count = 0
    for subscription in _naming(Subscription, renames).filter(kind=Subscription.Kind.FILTER):
        query = _rewritten(subscription.query, renames)
        if query is None:
            continue
        twin = Subscription.objects.filter(
            subscriber_id=subscription.subscriber_id, kind=Subscription.Kind.FILTER, query=query
        )
        if twin.exists():
            subscription.delete()
        else:
            subscription.query = query
            subscription.save(update_fields=["query"])
        count += 1
    for webhook in _naming(Webhook, renames):
        query = _rewritten(webhook.query, renames)
        if query is not None:
            webhook.query = query
            webhook.save(update_fields=["query"])
            count += 1
    return count
