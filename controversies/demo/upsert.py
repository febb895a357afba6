"""Change-aware upserts: write a row only when it is new or its values differ.

Django's ``update_or_create`` saves an existing row even when nothing changed, and every
save adds a django-simple-history record. A demo load that runs on every ``make demo``
must leave the database untouched the second time, history included, so these helpers
compare first and save only what changed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)

CHANGE_REASON = "load_demo"


@dataclass
class LoadReport:
    """What a load created, changed and removed, per model, for the command's summary."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    removed: Counter[str] = field(default_factory=Counter)

    def note(
        self,
        model: type[models.Model],
        *,
        created: bool = False,
        updated: bool = False,
        removed: bool = False,
    ) -> None:
        name = model._meta.verbose_name_plural
        if created:
            self.created[name] += 1
        if updated:
            self.updated[name] += 1
        if removed:
            self.removed[name] += 1

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated or self.removed)

    def lines(self) -> list[str]:
        if not self.changed_anything:
            return ["Nothing to do: the demo data is already loaded and up to date."]
        lines = []
        counters = (("Created", self.created), ("Updated", self.updated), ("Removed", self.removed))
        for label, counter in counters:
            if counter:
                parts = ", ".join(f"{n} {name}" for name, n in sorted(counter.items()))
                lines.append(f"{label}: {parts}.")
        return lines


def upsert(
    model: type[M], report: LoadReport, *, lookup: dict[str, Any], values: dict[str, Any]
) -> M:
    """The row matching ``lookup``, created with or brought up to date with ``values``.

    Foreign keys belong in ``values`` as ``<name>_id`` so comparing them costs no query.
    """
    _check_lengths(model, values)
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj._change_reason = CHANGE_REASON
        obj.save()
        report.note(model, created=True)
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            changed.append("updated_at")
        obj._change_reason = CHANGE_REASON
        obj.save(update_fields=changed)
        report.note(model, updated=True)
    return obj


def _check_lengths(model: type[models.Model], values: dict[str, Any]) -> None:
    """Refuse text longer than its column on every database, not only on PostgreSQL.

    SQLite ignores ``max_length``, so without this a spec that only fails on PostgreSQL
    would pass a first-run demo on SQLite.
    """
    for name, value in values.items():
        limit = getattr(model._meta.get_field(name), "max_length", None)
        if isinstance(value, str) and limit is not None and len(value) > limit:
            raise ValueError(
                f"{model.__name__}.{name} is {len(value)} characters, over its {limit}: "
                f"{value[:60]!r}..."
            )


def add_missing(manager: Any, objects: Iterable[models.Model]) -> int:
    """Add to a many-to-many only the objects not already linked.

    ``add()`` with objects already present still fires ``m2m_changed``, which makes
    django-simple-history write a record for the owner; skipping them keeps reruns silent.
    """
    present = set(manager.values_list("pk", flat=True))
    missing = [obj for obj in objects if obj.pk not in present]
    if missing:
        manager.add(*missing)
    return len(missing)


def set_exactly(manager: Any, objects: Iterable[models.Model], report: LoadReport) -> None:
    """Make a many-to-many hold exactly ``objects``: add the missing, remove the extra.

    Like ``add_missing``, it touches the relation only when it differs, so a rerun
    writes no history.
    """
    objects = list(objects)
    wanted = {obj.pk for obj in objects}
    extra = [pk for pk in manager.values_list("pk", flat=True) if pk not in wanted]
    if extra:
        manager.remove(*extra)
        report.note(manager.through, removed=True)
    add_missing(manager, objects)
