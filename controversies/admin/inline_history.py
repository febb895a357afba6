"""What a parent's History page shows of the inline rows saved with each of its versions.

Every history record written while serving one request carries the same moment
(``controversies.history``), so the inline rows saved with a version of the parent are
the parent's child rows recorded at that version's moment by the same user. Child history
is read in bulk: two queries per inline model and one per foreign key the rows point at,
however many versions and rows a page shows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.text import Truncator, capfirst
from simple_history.utils import get_history_model_for_model

ADDED, CHANGED, DELETED = "+", "~", "-"
MAX_SHOWN_CHARS = 200


@dataclass(frozen=True)
class InlineRows:
    """One inline of a parent's admin: its model, the key to the parent, its name."""

    model: type[models.Model]
    parent_key: models.ForeignKey
    verbose_name: str

    @property
    def one_per_parent(self) -> bool:
        return self.parent_key.one_to_one


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str | None  # None: the row was added or deleted, only its value is shown
    new: str


@dataclass(frozen=True)
class RowChange:
    heading: str
    fields: list[FieldChange]


def parent_key(child: type[models.Model], parent: type[models.Model], fk_name: str | None):
    """The child's foreign key (or one-to-one) to the parent model, or None."""
    if fk_name:
        return child._meta.get_field(fk_name)
    targets = {parent._meta.concrete_model, *parent._meta.get_parent_list()}
    keys = [
        field
        for field in child._meta.concrete_fields
        if (field.many_to_one or field.one_to_one) and field.remote_field.model in targets
    ]
    return keys[0] if len(keys) == 1 else None


def attach_inline_changes(
    records: Sequence[models.Model], *, parent: models.Model, inlines: list[InlineRows]
) -> None:
    """Set ``inline_changes`` (a list of RowChange) on each of the parent's history
    ``records``: the inline rows added, changed or deleted in the same save."""
    for record in records:
        record.inline_changes = []
    if not records:
        return
    # Newest first: when one request saved the parent twice, the newest version shows it.
    versions: dict[tuple, models.Model] = {}
    for record in records:
        versions.setdefault((record.history_date, record.history_user_id), record)
    moments = list(versions)
    for inline in inlines:
        for moment, changes in _changes_by_moment(inline, parent, moments).items():
            versions[moment].inline_changes.extend(changes)


def _changes_by_moment(
    inline: InlineRows, parent: models.Model, moments: list[tuple]
) -> dict[tuple, list[RowChange]]:
    history = get_history_model_for_model(inline.model)
    pk_name = inline.model._meta.pk.attname
    wanted = set(moments)
    dates = [date for date, _ in moments]
    saved_with_parent: dict[tuple, dict[object, list]] = defaultdict(lambda: defaultdict(list))
    for row in history.objects.filter(
        **{inline.parent_key.attname: parent.pk},
        history_date__in=set(dates),
    ).order_by("history_date", "history_id"):
        moment = (row.history_date, row.history_user_id)
        if moment in wanted:
            saved_with_parent[moment][getattr(row, pk_name)].append(row)
    if not saved_with_parent:
        return {}
    child_ids = {pk for rows in saved_with_parent.values() for pk in rows}
    versions_of: dict[object, list] = defaultdict(list)
    for row in history.objects.filter(
        **{f"{pk_name}__in": child_ids, "history_date__lte": max(dates)}
    ).order_by("history_date", "history_id"):
        versions_of[getattr(row, pk_name)].append(row)

    saves: dict[tuple, list[_SavedRow]] = {}
    for moment, rows_by_child in saved_with_parent.items():
        saves[moment] = [
            _SavedRow(
                before=_version_before(versions_of[pk], rows[0]), first=rows[0], after=rows[-1]
            )
            for pk, rows in sorted(rows_by_child.items(), key=lambda item: item[1][0].history_id)
        ]
    every_row = [row for rows in saves.values() for saved in rows for row in saved.rows()]
    shown = _RowDisplay(inline, parent, every_row)
    return {
        moment: [change for saved in rows if (change := shown.change(saved))]
        for moment, rows in saves.items()
    }


@dataclass(frozen=True)
class _SavedRow:
    """One child row in one save: its version before the save (None if the save added it
    or its earlier history is gone), its first and its last version in the save."""

    before: object | None
    first: object
    after: object

    def rows(self) -> list:
        return [row for row in (self.before, self.first, self.after) if row is not None]


def _version_before(versions: list, first_saved) -> object | None:
    if first_saved.history_type == ADDED:
        return None
    ids = [version.history_id for version in versions]
    at = ids.index(first_saved.history_id)
    return versions[at - 1] if at > 0 else None


class _RowDisplay:
    """Words for child rows, with every row they point at read once for all of them."""

    def __init__(self, inline: InlineRows, parent: models.Model, rows: list) -> None:
        self.inline = inline
        self.parent = parent
        self.fields = [
            field
            for field in inline.model._meta.concrete_fields
            if field.editable and not field.primary_key and field != inline.parent_key
        ]
        keys = [f for f in inline.model._meta.concrete_fields if f.is_relation]
        self.related: dict[str, dict] = {}
        for key in keys:
            if key == inline.parent_key:
                continue
            ids = {getattr(row, key.attname) for row in rows if row is not None} - {None}
            model = key.remote_field.model
            self.related[key.name] = model._base_manager.in_bulk(ids) if ids else {}

    def change(self, saved: _SavedRow) -> RowChange | None:
        name = capfirst(self.inline.verbose_name)
        before, after = saved.before, saved.after
        added = saved.first.history_type == ADDED
        if after.history_type == DELETED:
            if added:
                return None  # added and deleted in the same save
            heading = f"{name} deleted{self._row(after)}"
            return RowChange(heading, self._values(after, heading))
        if added or before is None:
            heading = f"{name} added{self._row(after)}" if added else self._changed(name, after)
            return RowChange(heading, self._values(after, heading))
        changed = [
            FieldChange(
                capfirst(field.verbose_name),
                self._value(field, getattr(before, field.attname)),
                self._value(field, getattr(after, field.attname)),
            )
            for field in self.fields
            if getattr(before, field.attname) != getattr(after, field.attname)
        ]
        if not changed:
            return None
        return RowChange(self._changed(name, after), changed)

    def _changed(self, name: str, row) -> str:
        return name if self.inline.one_per_parent else f"{name} {self._str(row)}"

    def _row(self, row) -> str:
        return "" if self.inline.one_per_parent else f": {self._str(row)}"

    def _str(self, row) -> str:
        """The row as its model names it, with what it points at taken from memory."""
        instance = row.instance
        for key in instance._meta.concrete_fields:
            if not key.is_relation or getattr(instance, key.attname) is None:
                continue
            if key == self.inline.parent_key:
                target = self.parent
            else:
                value = getattr(instance, key.attname)
                target = self.related[key.name].get(value) or key.remote_field.model(pk=value)
            key.set_cached_value(instance, target)
        return str(instance)

    def _values(self, row, heading: str) -> list[FieldChange]:
        """The row's filled-in fields, leaving out a named choice or a row it points at
        when the heading already names it ("Actor added: ACLU (Signatory)")."""
        shown = []
        for field in self.fields:
            value = getattr(row, field.attname)
            if value is None or value == "":
                continue
            text = self._value(field, value)
            if (field.is_relation or field.choices) and text in heading:
                continue
            shown.append(FieldChange(capfirst(field.verbose_name), None, text))
        return shown

    def _value(self, field: models.Field, value: object) -> str:
        if value is None:
            return "(none)"
        if field.is_relation:
            target = self.related[field.name].get(value)
            return str(target) if target is not None else f"#{value} (deleted)"
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, int):
            return f"{value:,}"
        if isinstance(value, (Decimal, dt.date)):
            return str(value)
        if value == "":
            return "(blank)"
        return f"“{Truncator(str(value)).chars(MAX_SHOWN_CHARS)}”"
