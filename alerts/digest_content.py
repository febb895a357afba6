"""What a digest says: the events of a window that its subscription's target selects,
grouped by controversy, each with its date, title, what changed and its sources.

A ``Window`` reads the changes of ``(since, until]`` once (``alerts.changes``) and then
answers for any number of subscriptions whose windows end at ``until`` and start at or
after ``since``: the planner asks whether a subscription has anything new, the sender
asks for the content. A target's selection is looked up once per target and only among
the controversies the window touched, so the cost of a window grows with its changes
and its distinct targets, not with the number of subscribers.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch

from alerts import changes, targets
from alerts.models import Subscription
from controversies.models import Controversy, Event, EventSource

# Events one mail lists at most (the most recently changed); the rest are counted and
# the mail links to the followed page, so a mail stays readable and its size bounded.
MAX_EVENTS = 50
# Targets whose selection is kept at once; subscriptions arrive grouped by target, so a
# small cache serves them all and memory stays the same for any number of them.
TARGET_CACHE_SIZE = 500


def target_key(subscription: Subscription) -> tuple:
    """Subscriptions with equal keys follow the same controversies."""
    return (
        subscription.kind,
        subscription.query if subscription.kind == Subscription.Kind.FILTER else "",
        subscription.controversy_id,
        subscription.organization_id,
        subscription.campaign_id,
        subscription.coalition_id,
    )


_UNSEEN = object()

TARGET_ORDER = ("kind", "query", "controversy_id", "organization_id", "campaign_id", "coalition_id")


@dataclass(frozen=True)
class SourceLink:
    title: str
    url: str
    publisher: str


@dataclass
class Item:
    event_id: int
    date: str
    title: str
    url: str
    created: bool
    changed: list[str]
    sources: list[SourceLink]


@dataclass
class Section:
    title: str
    url: str
    items: list[Item] = field(default_factory=list)


@dataclass
class Content:
    sections: list[Section]
    events: int
    left_out: int


class Window:
    def __init__(self, since: dt.datetime | None, until: dt.datetime) -> None:
        self.since, self.until = since, until
        self.moments = changes.moments_between(since, until)
        self.links = changes.controversies_of({m.event_id for m in self.moments})
        self.touched = set().union(*self.links.values()) if self.links else set()
        self._by_controversy: dict[int, list[changes.EventChange]] = {}
        for moment in self.moments:
            for controversy_id in self.links.get(moment.event_id, ()):
                self._by_controversy.setdefault(controversy_id, []).append(moment)
        self._selections: OrderedDict[tuple, frozenset[int] | None] = OrderedDict()
        self._labels: dict[tuple, tuple[str, str]] = {}
        # Every record's selection, per kind of subscription that follows a record.
        self._by_kind: dict[str, dict[int, frozenset[int]]] = {}
        self._latest: OrderedDict[tuple, dt.datetime | None] = OrderedDict()
        self._events: dict[int, Event] | None = None
        self._controversies: dict[int, Controversy] | None = None

    def covers(self, since: dt.datetime | None, until: dt.datetime) -> bool:
        starts_early = self.since is None or (since is not None and since >= self.since)
        return until == self.until and starts_early

    def selection(self, subscription: Subscription) -> frozenset[int] | None:
        """The touched controversies ``subscription`` follows (None: every one)."""
        key = target_key(subscription)
        if key in self._selections:
            self._selections.move_to_end(key)
            return self._selections[key]
        found = self._select(subscription)
        self._selections[key] = found
        if len(self._selections) > TARGET_CACHE_SIZE:
            self._selections.popitem(last=False)
        return found

    def _select(self, subscription: Subscription) -> frozenset[int] | None:
        kind = subscription.kind
        if not self.touched:
            return frozenset()
        if kind == Subscription.Kind.CONTROVERSY:
            return frozenset({subscription.controversy_id} & self.touched)
        if kind in targets.PATHS_OF_KIND:
            if kind not in self._by_kind:
                self._by_kind[kind] = targets.selections_of_kind(kind, self.touched)
            return self._by_kind[kind].get(targets.record_id(subscription), frozenset())
        ids = targets.controversy_ids(subscription, within=self.touched)
        return None if ids is None else frozenset(ids)

    def changes_for(
        self, subscription: Subscription, since: dt.datetime | None
    ) -> list[changes.EventChange]:
        """One change per event that ``subscription`` follows, changed after ``since``."""
        followed = self.selection(subscription)
        if followed is None:
            return changes.merge(self.moments, since=since)
        # An event on two followed controversies comes twice: merging folds it into one.
        relevant = (moment for cid in followed for moment in self._by_controversy.get(cid, ()))
        return changes.merge(relevant, since=since)

    def label(self, subscription: Subscription) -> tuple[str, str]:
        """How the mail names the target and the path of its page (``targets.describe``
        and ``target_url``), read once per target."""
        key = target_key(subscription)
        if key not in self._labels:
            if len(self._labels) >= TARGET_CACHE_SIZE:
                self._labels.clear()
            self._labels[key] = (targets.describe(subscription), targets.target_url(subscription))
        return self._labels[key]

    def has_news(self, subscription: Subscription, since: dt.datetime | None) -> bool:
        """Whether an event ``subscription`` follows changed after ``since``."""
        key = target_key(subscription)
        latest = self._latest.get(key, _UNSEEN)
        if latest is _UNSEEN:
            changed = self.changes_for(subscription, None)
            latest = max((change.changed_at for change in changed), default=None)
            self._latest[key] = latest
            if len(self._latest) > TARGET_CACHE_SIZE:
                self._latest.popitem(last=False)
        return latest is not None and (since is None or latest > since)

    # --- content -----------------------------------------------------------------------

    def content(self, subscription: Subscription, since: dt.datetime | None) -> Content:
        """The digest's content: the MAX_EVENTS most recently changed events, by
        controversy (most recent change first inside each), and how many were left out."""
        events = self._details()[0]
        shown = [
            change for change in self.changes_for(subscription, since) if change.event_id in events
        ]
        left_out = max(0, len(shown) - MAX_EVENTS)
        sections = self._sections(subscription, shown[left_out:])
        return Content(sections, len(shown) - left_out, left_out)

    def _sections(
        self, subscription: Subscription, found: list[changes.EventChange]
    ) -> list[Section]:
        followed = self.selection(subscription)
        events, controversies = self._details()
        sections: dict[int, Section] = {}
        for change in reversed(found):
            event = events.get(change.event_id)
            if event is None:
                continue
            on = self.links.get(change.event_id, set())
            for controversy_id in sorted(on if followed is None else on & followed):
                controversy = controversies[controversy_id]
                section = sections.get(controversy_id)
                if section is None:
                    section = sections[controversy_id] = Section(
                        controversy.title, _absolute(controversy.get_absolute_url())
                    )
                section.items.append(_item(event, controversy, change))
        return sorted(sections.values(), key=lambda section: section.title.casefold())

    def _details(self) -> tuple[dict[int, Event], dict[int, Controversy]]:
        if self._events is None:
            ids = {moment.event_id for moment in self.moments}
            self._events = _load_events(ids)
            self._controversies = {
                c.pk: c
                for c in Controversy.objects.filter(pk__in=self.touched).only("title", "slug")
            }
        return self._events, self._controversies


def _load_events(ids: Iterable[int]) -> dict[int, Event]:
    citations = EventSource.objects.select_related("source").only(
        "event_id", "position", "source__url", "source__title", "source__publisher"
    )
    found = {}
    for chunk in changes.chunks(ids):
        events = Event.objects.filter(pk__in=chunk).prefetch_related(
            Prefetch("citations", queryset=citations)
        )
        found.update({event.pk: event for event in events})
    return found


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _item(event: Event, controversy: Controversy, change: changes.EventChange) -> Item:
    sources = [
        SourceLink(
            citation.source.title or citation.source.url,
            citation.source.url,
            citation.source.publisher,
        )
        for citation in event.citations.all()
    ]
    return Item(
        event_id=event.pk,
        date=event.display_date,
        title=event.title,
        url=_absolute(event.url_on(controversy)),
        created=change.created,
        changed=list(change.changed_fields),
        sources=sources,
    )
