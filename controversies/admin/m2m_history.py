"""Many-to-many changes for a History page, read in one query per field.

django-simple-history diffs a many-to-many field of two versions with two queries per
pair of versions, so a page of versions of a record with such a field (an event's
controversies, a controversy's companies) cost two queries per version. Here each
field's rows for every listed version are read at once and compared in memory, giving
the same changes in the same shape (a list of through-row dicts, related objects in
place of ids).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db.models import ForeignKey
from simple_history.models import ModelChange, ModelDelta
from simple_history.utils import get_m2m_reverse_field_name

SKIPPED = ("id", "m2m_history_id", "history")


def _rows_by_version(records: Sequence[Any], field: Any) -> dict[int, list[dict]]:
    manager = getattr(records[0], field.name)
    model = manager.model
    names = [f.name for f in model._meta.fields if f.editable and f.name not in SKIPPED]
    related = [n for n in names if isinstance(model._meta.get_field(n), ForeignKey)]
    order = get_m2m_reverse_field_name(field)
    rows = (
        model.objects.filter(history_id__in=[r.history_id for r in records])
        .select_related(*related)
        .order_by("history_id", order)
    )
    found: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        found[row.history_id].append({name: getattr(row, name) for name in names})
    return found


def deltas(records: Sequence[Any], foreign_keys_are_objs: bool) -> dict[int, ModelDelta]:
    """Each version's changes from the one before it (``records`` newest first), keyed by
    the newer version's history id."""
    if not records:
        return {}
    m2m_fields = list(records[0]._history_m2m_fields)
    excluded = [f.name for f in m2m_fields]
    by_field = {f.name: _rows_by_version(records, f) for f in m2m_fields}
    found = {}
    for newer, older in zip(records, records[1:], strict=False):
        own = newer.diff_against(
            older, excluded_fields=excluded, foreign_keys_are_objs=foreign_keys_are_objs
        )
        changes = list(own.changes)
        for name, rows in by_field.items():
            before, after = rows.get(older.history_id, []), rows.get(newer.history_id, [])
            if _ids(before) != _ids(after):
                changes.append(ModelChange(name, before, after))
        found[newer.history_id] = ModelDelta(
            changes=changes,
            changed_fields=[c.field for c in changes],
            old_record=older,
            new_record=newer,
        )
    return found


def _ids(rows: list[dict]) -> list[tuple]:
    return [tuple(getattr(v, "pk", v) for v in row.values()) for row in rows]
