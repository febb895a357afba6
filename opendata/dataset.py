"""Dataset releases: every public table as CSV and JSON, a data dictionary, a version and
a licence. Loading a release back into an empty database is opendata.dataset_import.

Determinism is the point: rows in primary-key order (link tables by their two keys),
columns in model order, fixed JSON and CSV formatting, so exporting the same data always
gives the same bytes, and export -> import into a fresh database -> export is identical.
Creation and modification times are internal bookkeeping and are left out; they are
the only columns that would not survive the round trip.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import models, transaction

from controversies import models as m
from opendata import csvsafe

# Format 2: events can be on several controversies. The events table lost its
# controversy_id column and the event_controversies link table holds every link.
# import_dataset still reads format 1 (opendata/dataset_formats.py).
FORMAT_VERSION = "2"
LICENSE_NAME = "ODbL-1.0"
LEFT_OUT = {"created_at", "updated_at"}
BATCH = 1000


@dataclass(frozen=True)
class Table:
    name: str
    model: type[models.Model]
    description: str
    # Nullable columns added after the format's first release: a release written before
    # them lacks them and still loads, each row taking null there.
    added_later: frozenset[str] = frozenset()

    @property
    def fields(self) -> list[models.Field]:
        return [
            f
            for f in self.model._meta.concrete_fields
            if f.name not in LEFT_OUT and not (self.is_link and f.primary_key)
        ]

    @property
    def is_link(self) -> bool:
        """An automatic many-to-many table: two foreign keys, its own id is meaningless."""
        return bool(self.model._meta.auto_created)

    @property
    def columns(self) -> list[str]:
        return [f.attname for f in self.fields]

    @property
    def ordering(self) -> list[str]:
        return self.columns[:2] if self.is_link else ["pk"]


def _through(field: Any) -> type[models.Model]:
    return field.through


# In loading order: everything a row points to comes before it.
TABLES = [
    Table(
        "organizations",
        m.Organization,
        "Companies, advocacy groups, investors and every other actor.",
    ),
    Table("products", m.Product, "AI systems and technologies."),
    Table("topics", m.Topic, "Harm or issue categories."),
    Table("controversies", m.Controversy, "Controversies."),
    Table(
        "controversy_companies",
        _through(m.Controversy.companies),
        "Target companies of each controversy.",
    ),
    Table(
        "controversy_products",
        _through(m.Controversy.products),
        "Products involved in each controversy.",
    ),
    Table("controversy_topics", _through(m.Controversy.topics), "Topics of each controversy."),
    Table("sources", m.Source, "Cited documents.", added_later=frozenset({"tags"})),
    Table("events", m.Event, "Dated events, each on one or more controversies' timelines."),
    Table(
        "event_controversies",
        _through(m.Event.controversies),
        "The controversies each event is on (an event shared by several cases is one row "
        "in events and one row here per case).",
    ),
    Table(
        "event_actors", m.EventActor, "Organisations that took part in an event, with their role."
    ),
    Table("event_sources", m.EventSource, "Numbered citations: this source supports this event."),
    Table("coalitions", m.Coalition, "Coalitions of organisations."),
    Table(
        "coalition_memberships",
        m.CoalitionMembership,
        "Members of each coalition.",
        added_later=frozenset({"source_id"}),
    ),
    Table(
        "coalition_actions",
        _through(m.Coalition.actions),
        "Events (letters, actions) each coalition signed.",
    ),
    Table("campaigns", m.Campaign, "Advocacy campaigns.", added_later=frozenset({"source_id"})),
    Table("campaign_organisers", _through(m.Campaign.organisers), "Organisers of each campaign."),
    Table("campaign_targets", _through(m.Campaign.targets), "Organisations each campaign targets."),
    Table(
        "campaign_controversies",
        _through(m.Campaign.controversies),
        "Controversies each campaign is about.",
    ),
    Table("demands", m.Demand, "What each campaign asks for."),
    Table("demand_statuses", m.DemandStatus, "Dated steps in each demand's life."),
    Table("shareholder_meetings", m.ShareholderMeeting, "Shareholder meetings."),
    Table("resolutions", m.ShareholderResolution, "Shareholder resolutions."),
    Table(
        "resolution_co_filers",
        _through(m.ShareholderResolution.co_filers),
        "Co-filers of each resolution.",
    ),
    Table(
        "resolution_topics", _through(m.ShareholderResolution.topics), "Topics of each resolution."
    ),
    Table(
        "adviser_recommendations",
        m.ProxyAdviserRecommendation,
        "Proxy advisers' voting recommendations.",
    ),
    Table("votes", m.VoteResult, "Vote results of resolutions."),
]


# --- Writing ---------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def table_rows(table: Table) -> Iterator[list[Any]]:
    queryset = table.model._default_manager.order_by(*table.ordering).values_list(*table.columns)
    yield from queryset.iterator(chunk_size=BATCH)


def _write_table(table: Table, directory: Path) -> None:
    columns = table.columns
    with (
        open(directory / f"{table.name}.csv", "w", encoding="utf-8", newline="") as csv_file,
        open(directory / f"{table.name}.json", "w", encoding="utf-8", newline="\n") as json_file,
    ):
        writer = csvsafe.writer(csv_file)
        writer.writerow(columns)
        json_file.write("[")
        first = True
        for row in table_rows(table):
            writer.writerow(row)
            record = {c: _json_value(v) for c, v in zip(columns, row, strict=True)}
            json_file.write(("\n  " if first else ",\n  ") + json.dumps(record, ensure_ascii=False))
            first = False
        json_file.write("\n]\n" if not first else "]\n")


_TYPES = {
    "AutoField": "integer",
    "BigAutoField": "integer",
    "IntegerField": "integer",
    "BigIntegerField": "integer",
    "PositiveIntegerField": "integer",
    "PositiveSmallIntegerField": "integer",
    "PositiveBigIntegerField": "integer",
    "ForeignKey": "integer",
    "OneToOneField": "integer",
    "DateField": "date",
    "DecimalField": "number",
    "BooleanField": "boolean",
}


def _field_description(field: models.Field) -> str:
    parts = [str(field.verbose_name).capitalize() + "."]
    if field.help_text:
        parts.append(str(field.help_text))
    if field.choices:
        parts.append("One of: " + ", ".join(str(value) for value, _ in field.choices) + ".")
    if field.is_relation:
        parts.append(f"Refers to {_table_of(field.related_model).name}.")
    return " ".join(parts)


def _table_of(model: type[models.Model]) -> Table:
    return next(t for t in TABLES if t.model is model)


def datapackage(version: str) -> dict[str, Any]:
    resources = []
    for table in TABLES:
        fields = []
        foreign_keys = []
        for field in table.fields:
            fields.append(
                {
                    "name": field.attname,
                    "type": _TYPES.get(field.get_internal_type(), "string"),
                    "description": _field_description(field),
                    "constraints": {"required": not field.null},
                }
            )
            if field.is_relation:
                foreign_keys.append(
                    {
                        "fields": field.attname,
                        "reference": {
                            "resource": _table_of(field.related_model).name,
                            "fields": "id",
                        },
                    }
                )
        resources.append(
            {
                "name": table.name,
                "path": f"{table.name}.csv",
                "json_path": f"{table.name}.json",
                "description": table.description,
                "format": "csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": fields,
                    "primaryKey": table.columns[:2] if table.is_link else "id",
                    "foreignKeys": foreign_keys,
                },
            }
        )
    return {
        "name": "ai-accountability-tracker",
        "title": "AI Accountability Tracker dataset",
        "format_version": FORMAT_VERSION,
        "version": version,
        "licenses": [
            {
                "name": LICENSE_NAME,
                "title": "Open Data Commons Open Database License 1.0",
                "path": "https://opendatacommons.org/licenses/odbl/1-0/",
            }
        ],
        "notes": (
            "JSON files are authoritative for types (null versus empty text); in CSV an "
            "empty cell is either. Dates are ISO 8601; decimals are strings. Created and "
            "modified times are not included. Every CSV cell is quoted, and a text cell "
            "that a spreadsheet would run as a formula (starting with =, +, -, @, a tab "
            "or a carriage return) has a ' added in front; the JSON has the text as is."
        ),
        "resources": resources,
    }


LICENSE_TEXT = """\
AI Accountability Tracker dataset

This database is made available under the Open Database License (ODbL) 1.0:
https://opendatacommons.org/licenses/odbl/1-0/

You are free to share, create works from and adapt the database, as long as you
attribute it ("AI Accountability Tracker"), share adapted databases under the same
licence, and keep them open. The individual contents (summaries written by the
tracker's curators) are released under the Database Contents License:
https://opendatacommons.org/licenses/dbcl/1-0/

Cited sources (articles, reports) belong to their publishers; the dataset records only
their addresses, titles and short notes.
"""


def _hash_file(digest: Any, path: Path) -> None:
    """Feed a file to ``digest`` a piece at a time: at scale a table's file runs to
    hundreds of megabytes, and reading it whole would hold all of it in memory."""
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)


def export_dataset(directory: Path) -> str:
    """Write the release into ``directory`` and return its version."""
    directory.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with transaction.atomic():  # one consistent snapshot of every table
        for table in TABLES:
            _write_table(table, directory)
    for table in TABLES:
        for suffix in ("csv", "json"):
            _hash_file(digest, directory / f"{table.name}.{suffix}")
    version = f"{FORMAT_VERSION}+{digest.hexdigest()[:12]}"
    (directory / "VERSION").write_text(version + "\n", encoding="utf-8")
    (directory / "LICENSE").write_text(LICENSE_TEXT, encoding="utf-8")
    package = json.dumps(datapackage(version), indent=2, ensure_ascii=False)
    (directory / "datapackage.json").write_text(package + "\n", encoding="utf-8")
    return version
