"""Digest planning and building for many subscriptions over a seeded database.

``python -m bench.alerts OUT.json COUNT`` with DATABASE_URL set to a seeded database.
It adds a window of changes (new events with a source, edited events, sources added to
existing events), then COUNT confirmed immediate subscriptions spread over COUNT/4
targets of every kind (controversies, companies, actors, campaigns, coalitions, list
filters), most of them touched by the window. The clock then runs over
``alerts.digests.plan`` and ``send_due`` with a mail backend that discards the mail, so
every digest is built (content, both templates, headers) as it would be sent. The
process's peak resident memory is read after setup and at the end; the harness runs one
process per count to compare peaks. Everything it adds to the alerts tables is removed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from bench.memory import self_peak_mb

DOMAIN = "bench-alerts.example"
NEW_EVENTS = 200
EDITED_EVENTS = 200
ADDED_SOURCES = 100
CHUNK = 1000


def _clear() -> None:
    from alerts.models import Subscriber

    Subscriber.objects.filter(email__endswith=f"@{DOMAIN}").delete()


def _changes(rng: random.Random, run: str) -> set[int]:
    """Write the window's changes; returns the controversies they touch."""
    from controversies.models import Controversy, Event
    from controversies.services import event_create, source_attach, source_get_or_create

    controversy_ids = list(Controversy.objects.values_list("pk", flat=True))
    event_ids = list(Event.objects.order_by("?").values_list("pk", flat=True)[:2_000])
    touched = set()
    for n in range(NEW_EVENTS):
        case = Controversy.objects.get(pk=rng.choice(controversy_ids))
        source, _ = source_get_or_create(url=f"https://{DOMAIN}/{run}/{n}", title=f"Report {n}")
        event_create(
            controversy=case,
            occurred_on=dt.date(2026, 1 + n % 12, 1 + n % 28),
            title=f"Bench event {run} {n}",
            sources=[source],
        )
        touched.add(case.pk)
    for event in Event.objects.filter(pk__in=event_ids[:EDITED_EVENTS]):
        event.title = f"{event.title[:250]} (edited {run})"
        event.save()
    for n, event in enumerate(Event.objects.filter(pk__in=event_ids[-ADDED_SOURCES:])):
        source, _ = source_get_or_create(url=f"https://{DOMAIN}/{run}/added/{n}", title="More")
        source_attach(event=event, source=source)
    through = Event.controversies.through.objects.filter(event_id__in=event_ids)
    touched.update(through.values_list("controversy_id", flat=True))
    return touched


def _targets(rng: random.Random, touched: set[int], count: int) -> list[dict]:
    """``count`` distinct targets of every kind, mostly on touched controversies."""
    from alerts.models import Subscription
    from controversies.models import Campaign, Coalition, Controversy, Organization, Topic

    kind = Subscription.Kind
    cases = list(touched) + list(Controversy.objects.values_list("pk", flat=True)[:count])
    companies = list(
        Organization.objects.filter(controversies__in=list(touched)[:500])
        .values_list("pk", "slug")
        .distinct()
    )
    acting = Organization.objects.filter(event_roles__isnull=False)
    actors = list(acting.values_list("pk", "slug")[:2000])
    campaigns = list(Campaign.objects.values_list("pk", flat=True))
    coalitions = list(Coalition.objects.values_list("pk", flat=True))
    topics = list(Topic.objects.values_list("slug", flat=True))
    found: dict[tuple, dict] = {}
    while len(found) < count:
        roll = rng.random()
        if roll < 0.4:
            spec = {"kind": kind.CONTROVERSY, "controversy_id": rng.choice(cases)}
        elif roll < 0.55 and companies:
            spec = {"kind": kind.COMPANY, "organization_id": rng.choice(companies)[0]}
        elif roll < 0.65 and actors:
            spec = {"kind": kind.ACTOR, "organization_id": rng.choice(actors)[0]}
        elif roll < 0.75 and campaigns:
            spec = {"kind": kind.CAMPAIGN, "campaign_id": rng.choice(campaigns)}
        elif roll < 0.8 and coalitions:
            spec = {"kind": kind.COALITION, "coalition_id": rng.choice(coalitions)}
        else:
            params = [f"company={rng.choice(companies)[1]}"] if companies else []
            if topics and rng.random() < 0.5:
                params.append(f"topic={rng.choice(topics)}")
            if rng.random() < 0.3:
                params.append(rng.choice(["status=ongoing", "year_from=2020", "q=police"]))
            spec = {"kind": kind.FILTER, "query": "&".join(sorted(params))}
        found[tuple(sorted(spec.items()))] = spec
    return list(found.values())


def _subscriptions(count: int, targets: list[dict], since: dt.datetime) -> None:
    from alerts.models import Frequency, Subscriber, Subscription

    def chunks() -> Iterator[range]:
        for start in range(0, count, CHUNK):
            yield range(start, min(start + CHUNK, count))

    for numbers in chunks():
        subscribers = Subscriber.objects.bulk_create(
            [Subscriber(email=f"reader{n}@{DOMAIN}", confirmed_at=since) for n in numbers]
        )
        Subscription.objects.bulk_create(
            Subscription(
                subscriber=subscriber,
                frequency=Frequency.IMMEDIATE,
                confirmed_at=since,
                sent_until=since,
                **targets[n % len(targets)],
            )
            for n, subscriber in zip(numbers, subscribers, strict=True)
        )


def _reset_peak() -> None:
    """Start the kernel's peak-RSS count afresh (Linux: writing 5 to clear_refs), so the
    peak read at the end is that of planning and sending, not of the setup."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def run(count: int) -> dict:
    from django.conf import settings
    from django.utils import timezone

    from alerts import digests
    from alerts.models import Digest, Frequency

    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    settings.ALERTS_DIGEST_SETTLE_SECONDS = 0
    rng = random.Random(22)
    _clear()
    since = timezone.now()
    touched = _changes(rng, since.strftime("%Y%m%d%H%M%S%f"))
    targets = _targets(rng, touched, max(50, count // 4))
    _subscriptions(count, targets, since)
    setup_peak = self_peak_mb()
    _reset_peak()

    started = time.perf_counter()
    planned = digests.plan(Frequency.IMMEDIATE)
    planned_at = time.perf_counter()
    sent = digests.send_due(budget_seconds=3_600)
    finished = time.perf_counter()
    result = {
        "subscriptions": count,
        "targets": len(targets),
        "digests": planned.planned,
        "quiet": planned.advanced,
        "sent": sent.sent,
        "unsent": Digest.objects.filter(sent_at__isnull=True).count(),
        "plan_seconds": round(planned_at - started, 2),
        "send_seconds": round(finished - planned_at, 2),
        "seconds": round(finished - started, 2),
        "setup_peak_rss_mb": round(setup_peak, 1),
        "peak_rss_mb": round(self_peak_mb(), 1),
    }
    _clear()
    return result


def main(argv: list[str]) -> int:
    import django

    django.setup()
    with open(argv[0], "w") as handle:
        json.dump(run(int(argv[1])), handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
