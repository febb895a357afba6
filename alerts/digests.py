"""Planning and sending digests: never twice, never skipped.

Planning (``plan``, run by beat per frequency) looks at each confirmed subscription of
an enabled address whose window is due and has no unsent digest: if an event its
target follows was added or changed in ``(sent_until, until]`` it writes a ``Digest``
row for that window (unique per subscription and ``until``), otherwise it moves
``sent_until`` to ``until`` without mail. A subscription with an unsent digest is not
planned again, so windows never overlap. One planner per frequency runs at a time
(a PostgreSQL advisory lock held for the run).

Sending (``send_due``) takes one unsent digest at a time with ``SELECT ... FOR UPDATE
SKIP LOCKED``, so two workers never hold the same one, sends it, and in the same
transaction marks it sent and moves the subscription's ``sent_until`` to its
``until``. A worker killed before that commit leaves the digest unsent (its lock goes
with its connection) and the next run sends it; the relay's acceptance is the last
step before the commit. The Message-ID is derived from the digest, so a copy sent again
after a kill in that last instant is recognisably the same message.

A relay that is down or refuses the recipient leaves the digest unsent with its
``attempts`` and ``last_error``; the k-th retry waits until k² minutes after the digest
was planned. A relay that cannot be reached ends the run (every other digest would fail
the same way); a refused recipient only skips that digest.

The window closes ALERTS_DIGEST_SETTLE_SECONDS behind the clock: a change is dated when
it is written but seen only once its transaction commits, and a curator's save commits
well within that.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.db.models import DateTimeField, Exists, ExpressionWrapper, F, Min, OuterRef, Q, Value
from django.utils import timezone

from alerts import mail, tokens
from alerts.digest_content import TARGET_ORDER, Content, Window
from alerts.models import Digest, Frequency, Subscription

log = logging.getLogger(__name__)

PERIODS = {
    Frequency.IMMEDIATE: dt.timedelta(0),
    Frequency.DAILY: dt.timedelta(days=1),
    Frequency.WEEKLY: dt.timedelta(days=7),
}
# Subscriptions read and written per round trip while planning.
BATCH = 1000
# Advisory lock keys of the planners, one per frequency.
PLANNER_LOCK = 22_0000
# Failures that concern one recipient: the run goes on with the next digest.
RECIPIENT_ERRORS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
)


@dataclass
class PlanReport:
    planned: int = 0
    advanced: int = 0
    skipped: bool = False


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    dropped: int = 0
    more: bool = False


# --- planning --------------------------------------------------------------------------


def due_subscriptions(frequency: str, until: dt.datetime) -> Subscription.objects:
    unsent = Digest.objects.filter(subscription=OuterRef("pk"), sent_at__isnull=True)
    window = until - PERIODS[frequency]
    due = Q(sent_until__lte=window) if PERIODS[frequency] else Q(sent_until__lt=window)
    return Subscription.objects.filter(
        due,
        frequency=frequency,
        confirmed_at__isnull=False,
        subscriber__disabled_at__isnull=True,
    ).exclude(Exists(unsent))


def plan(frequency: str, now: dt.datetime | None = None) -> PlanReport:
    """Write the due digests of ``frequency`` and advance the quiet subscriptions."""
    until = (now or timezone.now()) - dt.timedelta(seconds=settings.ALERTS_DIGEST_SETTLE_SECONDS)
    report = PlanReport()
    with _planner_lock(frequency) as held:
        if not held:
            report.skipped = True
            return report
        due = due_subscriptions(frequency, until)
        earliest = due.aggregate(earliest=Min("sent_until"))["earliest"]
        if earliest is None:
            return report
        window = Window(earliest, until)
        if not window.moments:  # nothing changed anywhere: every window moves on
            report.advanced = due.filter(sent_until__lt=until).update(sent_until=until)
            return report
        digests: list[Digest] = []
        quiet: list[int] = []
        for subscription in _streamed(due):
            if window.has_news(subscription, subscription.sent_until):
                digests.append(
                    Digest(subscription=subscription, since=subscription.sent_until, until=until)
                )
            else:
                quiet.append(subscription.pk)
            if len(digests) + len(quiet) >= BATCH:
                _write_plans(digests, quiet, until, report)
                digests, quiet = [], []
        _write_plans(digests, quiet, until, report)
    return report


def _streamed(due: Subscription.objects) -> Iterator[Subscription]:
    """The due subscriptions grouped by target, read in chunks."""
    fields = ("pk", "sent_until", *TARGET_ORDER, "organization__slug", "coalition__slug")
    ordered = due.order_by(*TARGET_ORDER, "pk").select_related("organization", "coalition")
    return ordered.only(*fields).iterator(chunk_size=BATCH)


def _write_plans(
    digests: list[Digest], quiet: list[int], until: dt.datetime, report: PlanReport
) -> None:
    with transaction.atomic():
        Digest.objects.bulk_create(digests, ignore_conflicts=True)
        report.planned += len(digests)
        report.advanced += Subscription.objects.filter(pk__in=quiet, sent_until__lt=until).update(
            sent_until=until
        )


@contextmanager
def _planner_lock(frequency: str) -> Iterator[bool]:
    key = PLANNER_LOCK + list(PERIODS).index(frequency)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


# --- sending ---------------------------------------------------------------------------


def send_due(now: dt.datetime | None = None, budget_seconds: float = 30.0) -> SendReport:
    """Send unsent digests whose retry time has come, one per transaction, until none
    is left, the relay is unreachable or ``budget_seconds`` have passed (``more`` then
    says a new run should follow)."""
    now = now or timezone.now()
    report = SendReport()
    tried: set[int] = set()
    windows: dict[dt.datetime, Window] = {}
    started = time.monotonic()
    while True:
        if time.monotonic() - started > budget_seconds:
            report.more = True
            return report
        outcome = _send_next(now, tried, windows, report)
        if outcome in ("none", "unreachable"):
            return report


def _claim(now: dt.datetime, tried: set[int]) -> Digest | None:
    """Lock the oldest unsent digest whose retry time has come and that no other
    worker holds (the lock is on the digest row only), with its subscription and
    address. The followed record is read once per target by the window."""
    retry_at = ExpressionWrapper(
        F("created_at") + F("attempts") * F("attempts") * Value(dt.timedelta(minutes=1)),
        output_field=DateTimeField(),
    )
    return (
        Digest.objects.filter(sent_at__isnull=True)
        .alias(retry_at=retry_at)
        .filter(retry_at__lte=now)
        .exclude(pk__in=tried)
        .order_by("created_at", "pk")
        .select_related("subscription__subscriber")
        .select_for_update(skip_locked=True, of=("self",))
        .first()
    )


def _send_next(
    now: dt.datetime, tried: set[int], windows: dict[dt.datetime, Window], report: SendReport
) -> str:
    with transaction.atomic():
        digest = _claim(now, tried)
        if digest is None:
            return "none"
        if digest.subscription.subscriber.disabled_at is not None:
            digest.delete()  # nothing goes to a disabled address
            report.dropped += 1
            return "dropped"
        window = _window_for(digest, windows)
        content = window.content(digest.subscription, digest.since)
        if not content.events:
            _drop(digest)  # its events were deleted or moved away since planning
            report.dropped += 1
            return "dropped"
        try:
            _mail(digest, content, window)
        except RECIPIENT_ERRORS as exc:
            _record_failure(digest, exc, report)
            tried.add(digest.pk)
            return "failed"
        except (smtplib.SMTPException, OSError) as exc:
            _record_failure(digest, exc, report)
            return "unreachable"
        _mark_sent(digest, now)
        report.sent += 1
        return "sent"


def _window_for(digest: Digest, windows: dict[dt.datetime, Window]) -> Window:
    """The window that serves ``digest``: one per ``until``, reaching back to the
    earliest unsent digest that ends there."""
    window = windows.get(digest.until)
    if window is None or not window.covers(digest.since, digest.until):
        earliest = Digest.objects.filter(until=digest.until, sent_at__isnull=True).aggregate(
            earliest=Min("since")
        )["earliest"]
        since = min(earliest, digest.since) if earliest else digest.since
        windows.clear()  # digests come in planning order: older windows are done
        window = windows[digest.until] = Window(since, digest.until)
    return window


def message_id(digest: Digest) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<digest-{digest.pk}-{int(digest.until.timestamp())}@{host}>"


def _mail(digest: Digest, content: Content, window: Window) -> None:
    subscription = digest.subscription
    count = content.events + content.left_out
    label, page = window.label(subscription)
    noun = "update" if count == 1 else "updates"
    mail.send_mail_to(
        subscription.subscriber,
        subject=f"{label}: {count} {noun}",
        template="digest",
        context={
            "subscription": subscription,
            "label": label,
            "page_url": settings.SITE_URL + page,
            "sections": content.sections,
            "count": count,
            "left_out": content.left_out,
            "since": digest.since,
            "until": digest.until,
            "frequency": subscription.get_frequency_display(),
        },
        unsubscribe_url=tokens.unsubscribe_url(subscription),
        message_id=message_id(digest),
    )


def _mark_sent(digest: Digest, now: dt.datetime) -> None:
    # A digest marked sent must survive a database crash, or it would be sent again
    # (workers otherwise commit without waiting for the disk: config/celery.py).
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO on")
    digest.sent_at = now
    digest.last_error = ""
    digest.save(update_fields=["sent_at", "last_error"])
    Subscription.objects.filter(pk=digest.subscription_id, sent_until__lt=digest.until).update(
        sent_until=digest.until
    )


def _drop(digest: Digest) -> None:
    Subscription.objects.filter(pk=digest.subscription_id, sent_until__lt=digest.until).update(
        sent_until=digest.until
    )
    digest.delete()


def _record_failure(digest: Digest, exc: Exception, report: SendReport) -> None:
    log.warning("digest %s not sent: %s", digest.pk, exc)
    digest.attempts += 1
    digest.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    digest.save(update_fields=["attempts", "last_error"])
    report.failed += 1
