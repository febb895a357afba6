"""Hand-made dataset releases for the import tests: every table's file, with only the rows
a test names (the others empty)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from opendata.dataset import FORMAT_VERSION, TABLES, datapackage
from opendata.dataset_formats import has_table


def table_named(name: str):
    return next(t for t in TABLES if t.name == name)


def row(table_name: str, **values: Any) -> dict[str, Any]:
    """A row with every column of the table: the given values, else the column's
    default, else null where allowed, else empty text."""
    record = {}
    for field in table_named(table_name).fields:
        if field.attname in values:
            record[field.attname] = values.pop(field.attname)
        elif field.has_default():
            record[field.attname] = field.get_default()
        else:
            record[field.attname] = None if field.null else ""
    assert not values, f"{table_name} has no columns {sorted(values)}"
    return record


def write_release(
    directory: Path, tables: dict[str, Iterable[dict[str, Any]]], version: str = FORMAT_VERSION
) -> Path:
    """Write a release laid out as export_dataset lays it out (one row per line); with
    an earlier ``version``, only the tables that format had."""
    directory.mkdir(parents=True, exist_ok=True)
    package = datapackage(f"{version}+test")
    package["format_version"] = version
    (directory / "datapackage.json").write_text(
        json.dumps(package, indent=2) + "\n", encoding="utf-8"
    )
    unknown = set(tables) - {t.name for t in TABLES if has_table(version, t.name)}
    assert not unknown, unknown
    for table in TABLES:
        if not has_table(version, table.name):
            continue
        with open(directory / f"{table.name}.json", "w", encoding="utf-8") as handle:
            handle.write("[")
            for number, record in enumerate(tables.get(table.name, ())):
                handle.write(("," if number else "") + "\n  " + json.dumps(record))
            handle.write("\n]\n")
    return directory


def a_voted_resolution(**vote: Any) -> dict[str, list[dict[str, Any]]]:
    """An organisation, its meeting, a resolution and the vote on it."""
    return {
        "organizations": [row("organizations", id=1, name="Amazon", slug="amazon")],
        "shareholder_meetings": [
            row("shareholder_meetings", id=1, company_id=1, held_on="2019-05-22")
        ],
        "resolutions": [
            row(
                "resolutions",
                id=1,
                meeting_id=1,
                item_number="6",
                title="Ban sales to government",
                slug="amazon-2019-ban",
            )
        ],
        "votes": [row("votes", id=1, resolution_id=1, **vote)],
    }


def write_large_release(directory: Path, *, cases: int) -> Path:
    """A release of ``cases`` controversies, each with a company, a source, an event and
    its citation: about 2.5 kB of JSON per case, most of it in sources.json (a report's
    excerpt), so a table's file is far larger than anything the importer should hold."""
    filler = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 2
    long_filler = filler * 12

    def rows(table_name: str, make) -> Iterable[dict[str, Any]]:
        return (row(table_name, **make(n)) for n in range(1, cases + 1))

    return write_release(
        directory,
        {
            "organizations": rows(
                "organizations",
                lambda n: {"id": n, "name": f"Company {n}", "slug": f"company-{n}",
                           "description": filler},
            ),
            "controversies": rows(
                "controversies",
                lambda n: {"id": n, "title": f"Controversy {n}", "slug": f"controversy-{n}",
                           "summary": filler, "started_on": "2020-01-01"},
            ),
            "controversy_companies": rows(
                "controversy_companies", lambda n: {"controversy_id": n, "organization_id": n}
            ),
            "sources": rows(
                "sources",
                lambda n: {"id": n, "url": f"https://news.example.org/{n}?utm_source=x",
                           "canonical_url": f"https://news.example.org/{n}",
                           "title": f"Report {n}", "excerpt": long_filler},
            ),
            "events": rows(
                "events",
                lambda n: {"id": n, "occurred_on": "2020-01-01", "title": f"Event {n}",
                           "summary": filler},
            ),
            "event_controversies": rows(
                "event_controversies", lambda n: {"event_id": n, "controversy_id": n}
            ),
            "event_sources": rows(
                "event_sources", lambda n: {"id": n, "event_id": n, "source_id": n}
            ),
        },
    )  # fmt: skip
