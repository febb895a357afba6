"""Reading releases written in an earlier format.

Each earlier format is read as the current one: its rows are rewritten on the way in,
and a table it did not have is produced from what it had. The rows then go through
exactly the checks a current release does.

Format 1 (before events could be shared): every event row named its one controversy in
``controversy_id`` and there was no event_controversies table. Each event's
controversy becomes its one link.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from opendata.dataset import FORMAT_VERSION

READABLE_FORMATS = ("1", FORMAT_VERSION)
# Tables a release of an earlier format does not have, by the format that added them.
ADDED_IN = {"event_controversies": "2"}


def has_table(version: str, table_name: str) -> bool:
    return int(ADDED_IN.get(table_name, "1")) <= int(version)


class FormatOneReader:
    """Rewrites format-1 rows table by table, in loading order."""

    def __init__(self) -> None:
        self.event_links: list[dict[str, Any]] = []

    def rows(self, table_name: str, rows: Iterator[tuple[int, Any]]) -> Iterator[tuple[int, Any]]:
        if table_name != "events":
            return rows
        return self._events(rows)

    def _events(self, rows: Iterator[tuple[int, Any]]) -> Iterator[tuple[int, Any]]:
        for number, record in rows:
            if isinstance(record, dict) and "controversy_id" in record:
                record = dict(record)
                controversy_id = record.pop("controversy_id")
                self.event_links.append(
                    {"event_id": record.get("id"), "controversy_id": controversy_id}
                )
            yield number, record

    def produced(self, table_name: str) -> Iterator[tuple[int, Any]]:
        """The rows of a table format 1 did not have."""
        if table_name == "event_controversies":
            yield from enumerate(self.event_links, start=1)
