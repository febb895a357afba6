"""Writes to the domain. Other apps (ingestion, importers) go through these functions."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models, transaction
from django.db.models import Max, Q

from controversies.canonical import canonicalize_url
from controversies.dates import Precision
from controversies.models import Controversy, Event, EventSource, Organization, Source


def controversy_refresh_last_event(*, controversy: Controversy) -> None:
    """Keep the denormalised last-event date in step with the timeline."""
    last = controversy.events.aggregate(last=Max("occurred_on"))["last"]
    Controversy.objects.filter(pk=controversy.pk).update(last_event_on=last)
    controversy.last_event_on = last


def controversies_refresh_last_event(*, ids: set[int] | list[int]) -> None:
    """The same for several controversies, e.g. every case a shared event is on."""
    for controversy in Controversy.objects.filter(pk__in=ids):
        controversy_refresh_last_event(controversy=controversy)


def source_get_or_create(*, url: str, **fields: object) -> tuple[Source, bool]:
    """The source for ``url``, keyed on its canonical form; new fields fill blanks only."""
    canonical = canonicalize_url(url)
    source, created = Source.objects.get_or_create(
        canonical_url=canonical, defaults={"url": url, **fields}
    )
    if not created:
        blanks = {k: v for k, v in fields.items() if v and not getattr(source, k)}
        if blanks:
            for key, value in blanks.items():
                setattr(source, key, value)
            source.save(update_fields=[*blanks, "updated_at"])
    return source, created


@transaction.atomic
def source_attach(
    *, event: Event, source: Source, quote: str = "", locator: str = ""
) -> EventSource:
    """Cite ``source`` on ``event`` as the next numbered source (idempotent)."""
    citation = EventSource.objects.filter(event=event, source=source).first()
    if citation:
        return citation
    last = event.citations.aggregate(last=Max("position"))["last"] or 0
    return EventSource.objects.create(
        event=event, source=source, position=last + 1, quote=quote, locator=locator
    )


def event_actors_add(*, event: Event, actors: list[tuple[Organization, str]]) -> None:
    """Give ``event`` these organisations in these roles; a pair it has already is kept."""
    for organization, role in actors:
        event.event_actors.get_or_create(organization=organization, role=role)


@transaction.atomic
def event_create(
    *,
    controversy: Controversy | list[Controversy],
    occurred_on: dt.date,
    title: str,
    precision: str = Precision.DAY,
    kind: str = Event.Kind.REPORT,
    summary: str = "",
    actors: list[tuple[Organization, str]] | None = None,
    sources: list[Source] | None = None,
) -> Event:
    """Add a dated event to one timeline or several, with its actors and sources, all
    or nothing."""
    on = controversy if isinstance(controversy, list) else [controversy]
    event = Event(
        occurred_on=occurred_on,
        occurred_on_precision=precision,
        kind=kind,
        title=title,
        summary=summary,
    )
    event.full_clean()
    event.save()
    event.controversies.add(*on)
    for organization, role in actors or []:
        event.event_actors.get_or_create(organization=organization, role=role)
    for source in sources or []:
        source_attach(event=event, source=source)
    for linked in on:
        controversy_refresh_last_event(controversy=linked)
    return event


# --- Merging duplicate organisations ----------------------------------------------------
# References are discovered from the model's relations rather than listed by hand, so a
# relation added later is moved too. A row that would collide with a unique constraint
# once repointed duplicates one the survivor already has: its own references are merged
# into that row, then it is dropped.

MERGE_FILLED_FIELDS = (
    "description",
    "website",
    "country",
    "ticker",
    "sec_cik",
    "wikidata_id",
    "aiid_slug",
)


@dataclass
class MergeReport:
    survivor: Organization
    merged_names: list[str]
    moved: Counter = field(default_factory=Counter)
    dropped_duplicates: Counter = field(default_factory=Counter)


def _stamp(instance: models.Model, *, reason: str, user: object | None) -> None:
    """Tell django-simple-history who made the next change to ``instance`` and why."""
    instance._change_reason = reason
    if user is not None:
        instance._history_user = user


def _unique_field_sets(model: type[models.Model]) -> list[tuple[tuple[str, ...], Q | None]]:
    meta = model._meta
    sets: list[tuple[tuple[str, ...], Q | None]] = [
        ((f.name,), None) for f in meta.concrete_fields if f.unique and not f.primary_key
    ]
    sets += [(tuple(names), None) for names in meta.unique_together]
    sets += [
        (tuple(c.fields), c.condition)
        for c in meta.constraints
        if isinstance(c, models.UniqueConstraint) and c.fields
    ]
    return sets


def _find_duplicate(row: models.Model, field_name: str) -> models.Model | None:
    """The existing row that ``row`` would collide with on a unique constraint, if any."""
    model = type(row)
    for names, condition in _unique_field_sets(model):
        if field_name not in names:
            continue
        lookup = {}
        for name in names:
            attname = model._meta.get_field(name).attname
            lookup[attname] = getattr(row, attname)
        if any(value is None for value in lookup.values()):
            continue  # NULLs never collide
        candidates = model._base_manager.filter(**lookup).exclude(pk=row.pk)
        if condition is not None:
            candidates = candidates.filter(condition)
        duplicate = candidates.first()
        if duplicate is not None:
            return duplicate
    return None


def _merge_rows(
    *, keep: models.Model, drop: models.Model, reason: str, user: object | None, report: MergeReport
) -> None:
    """Point every reference to ``drop`` at ``keep`` (recursively for collisions)."""
    meta = keep._meta.concrete_model._meta
    for rel in meta.related_objects:
        if not rel.many_to_many:
            _move_references(rel, keep=keep, drop=drop, reason=reason, user=user, report=report)
        elif rel.through._meta.auto_created:
            _move_links(rel, keep=keep, drop=drop, reason=reason, user=user, report=report)
        # An explicit through model is moved through its own foreign keys.
    # The dropped row's own many-to-many links (e.g. a duplicate resolution's co-filers).
    for m2m in meta.many_to_many:
        if not m2m.remote_field.through._meta.auto_created:
            continue
        linked = list(getattr(drop, m2m.name).all())
        if linked:
            _stamp(keep, reason=reason, user=user)
            getattr(keep, m2m.name).add(*linked)


def _move_links(
    rel: models.ForeignObjectRel,
    *,
    keep: models.Model,
    drop: models.Model,
    reason: str,
    user: object | None,
    report: MergeReport,
) -> None:
    """Relink every owner of an auto-created many-to-many link from ``drop`` to ``keep``."""
    owner_field = rel.field
    for owner in rel.related_model._base_manager.filter(**{owner_field.name: drop}):
        _stamp(owner, reason=reason, user=user)
        manager = getattr(owner, owner_field.name)
        manager.remove(drop)
        manager.add(keep)  # add() ignores a link that already exists
        report.moved[f"{rel.related_model._meta.verbose_name} {owner_field.name}"] += 1


def _move_references(
    rel: models.ForeignObjectRel,
    *,
    keep: models.Model,
    drop: models.Model,
    reason: str,
    user: object | None,
    report: MergeReport,
) -> None:
    """Point every row whose foreign key ``rel`` names ``drop`` at ``keep``; a row that
    would then duplicate another is merged into it and deleted."""
    fk = rel.field
    label = f"{rel.related_model._meta.verbose_name} {fk.name}"
    meta = keep._meta.concrete_model._meta
    for row in rel.related_model._base_manager.filter(**{fk.name: drop}):
        if row.pk == keep.pk and type(row)._meta.concrete_model is meta.model:
            # keep pointed at drop (e.g. its parent); it cannot point at itself.
            setattr(row, fk.name, None)
        else:
            setattr(row, fk.name, keep)
        duplicate = _find_duplicate(row, fk.name)
        if duplicate is not None:
            _merge_rows(keep=duplicate, drop=row, reason=reason, user=user, report=report)
            _stamp(row, reason=reason, user=user)
            row.delete()
            report.dropped_duplicates[label] += 1
        else:
            _stamp(row, reason=reason, user=user)
            row.save(update_fields=[fk.name])
            report.moved[label] += 1


def _merged_aliases(survivor: Organization, others: list[Organization]) -> str:
    seen = {survivor.name.casefold()}
    aliases: list[str] = []
    for alias in [*survivor.alias_list, *(a for o in others for a in [o.name, *o.alias_list])]:
        if alias.casefold() not in seen:
            seen.add(alias.casefold())
            aliases.append(alias)
    return "\n".join(aliases)


def _rewrite_stored_filters(survivor: Organization, others: list[Organization]) -> None:
    """Filters stored as text by the alerts app name organisations by slug; a dropped
    slug matches nothing after the merge, so they are pointed at the survivor."""
    if not apps.is_installed("alerts"):
        return
    from alerts.merge import filters_follow_merge

    filters_follow_merge(kept_slug=survivor.slug, dropped_slugs=[o.slug for o in others])


@transaction.atomic
def organization_merge(
    *, survivor: Organization, others: list[Organization], user: object | None = None
) -> MergeReport:
    """Fold ``others`` into ``survivor``: every reference moves, names become aliases,
    identifiers fill the survivor's blanks, and the others are deleted. All or nothing."""
    survivor = Organization.objects.select_for_update().get(pk=survivor.pk)
    other_pks = {o.pk for o in others} - {survivor.pk}
    if not other_pks:
        raise ValueError("Choose at least one organisation besides the survivor.")
    others = list(Organization.objects.select_for_update().filter(pk__in=other_pks))
    names = [o.name for o in others]
    reason = f"Merged {', '.join(names)} into {survivor.name}"[:100]
    report = MergeReport(survivor=survivor, merged_names=names)

    for other in others:
        _merge_rows(keep=survivor, drop=other, reason=reason, user=user, report=report)
    _rewrite_stored_filters(survivor, others)

    # Moving references may have touched the survivor's own row (its parent, say).
    survivor.refresh_from_db()
    filled = {}
    for other in others:
        for name in MERGE_FILLED_FIELDS:
            if not getattr(survivor, name) and not filled.get(name) and getattr(other, name):
                filled[name] = getattr(other, name)
        # Take the other's parent when the survivor has none, unless that parent is
        # being merged away or is the survivor itself.
        if survivor.parent_id is None and other.parent_id not in {None, survivor.pk, *other_pks}:
            filled.setdefault("parent_id", other.parent_id)
    aliases = _merged_aliases(survivor, others)

    # The others go first: their identifiers are unique and move to the survivor next.
    for other in others:
        other.refresh_from_db()
        _stamp(other, reason=reason, user=user)
        other.delete()
    for name, value in filled.items():
        setattr(survivor, name, value)
    survivor.aliases = aliases
    _stamp(survivor, reason=reason, user=user)
    survivor.save()
    return report
