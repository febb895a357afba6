"""The AI Incident Database snapshot: reports.csv become sources, incidents.csv become
controversies (the incident date is their first event), and the entities named in an
incident become organisations that keep their AIID slug.

Re-running updates in place, keyed on Source.aiid_report_number,
Controversy.aiid_incident_id and Organization.aiid_slug.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from django.utils.text import slugify

from controversies.canonical import InvalidURL, canonicalize_url
from controversies.dates import Precision
from controversies.models import Controversy, EventActor, Organization, Source
from opendata.importers.common import (
    CheckedCsv,
    FileError,
    ImportReport,
    RowError,
    check_csv,
    clip,
    first_event_upsert,
    import_rows,
    parse_int,
    parse_iso_date,
    unique_slug,
)

INCIDENT_COLUMNS = [
    "_id",
    "incident_id",
    "date",
    "reports",
    "Alleged deployer of AI system",
    "Alleged developer of AI system",
    "Alleged harmed or nearly harmed parties",
    "description",
    "title",
]
REPORT_COLUMNS = [
    "_id", "authors", "date_downloaded", "date_modified", "date_published", "date_submitted",
    "description", "epoch_date_downloaded", "epoch_date_modified", "epoch_date_published",
    "epoch_date_submitted", "image_url", "language", "ref_number", "report_number",
    "source_domain", "submitters", "text", "title", "url", "tags",
]  # fmt: skip
DEPLOYERS, DEVELOPERS, HARMED = INCIDENT_COLUMNS[4:7]
_ENTITY_SLUG = re.compile(r"^[a-z0-9][a-z0-9_.'-]*$")
# The largest value a PositiveIntegerField holds in every database Django supports.
MAX_REPORT_NUMBER = 2**31 - 1


@dataclass(frozen=True)
class Snapshot:
    """One of the snapshot's CSV files, checked; its rows come as dicts keyed on the
    header, numbered as a spreadsheet shows them (the header is row 1)."""

    checked: CheckedCsv
    names: list[str]

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        for number, record in self.checked.records():
            yield number, dict(zip(self.names, record, strict=False))


def read_csv(path: Path, columns: list[str]) -> Snapshot:
    checked = check_csv(path, header_rows=1)
    names = checked.header[0] if checked.header else []
    missing = [c for c in columns if c not in names]
    if missing:
        raise FileError(f"{path.name} lacks the columns {', '.join(missing)}.")
    return Snapshot(checked, names)


def entity_slugs(value: str, column: str) -> list[str]:
    """A JSON list of AIID entity slugs, such as ["youtube", "google"]."""
    text = (value or "").strip()
    if not text:
        return []
    try:
        items = json.loads(text)
    except json.JSONDecodeError:
        raise RowError(f"{column} is not a JSON list of entity slugs: {text[:60]!r}") from None
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise RowError(f"{column} is not a JSON list of entity slugs: {text[:60]!r}")
    slugs = []
    for item in items:
        slug = item.strip().lower()
        if not _ENTITY_SLUG.match(slug) or len(slug) > 200:
            raise RowError(f"{column} holds an invalid entity slug {item[:60]!r}")
        if slug not in slugs:
            slugs.append(slug)
    return slugs


def report_numbers(value: str) -> list[int]:
    """Report numbers as a JSON list ("[1, 2]") or separated by commas, ";" or spaces.
    A number no report can have (beyond the column's range) is left out, as an unknown
    report number is."""
    text = (value or "").strip()
    try:
        items = json.loads(text) if text.startswith("[") else re.split(r"[,;\s]+", text)
    except json.JSONDecodeError:
        raise RowError(f"reports is not a list of report numbers: {text[:60]!r}") from None
    numbers = []
    for item in items if isinstance(items, list) else []:
        if item in ("", None):
            continue
        number = _report_number(item)
        if 0 <= number <= MAX_REPORT_NUMBER:
            numbers.append(number)
    return numbers


def _report_number(item: object) -> int:
    """A whole number, written as one: not 1e999 (which JSON reads as infinity), 2.5
    or true."""
    if isinstance(item, int) and not isinstance(item, bool):
        return item
    if isinstance(item, str) and item.isascii() and item.isdigit():
        return int(item)
    raise RowError(f"reports holds {str(item)[:60]!r}, which is not a report number")


def readable_name(aiid_slug: str) -> str:
    """ "amazon-web-services" -> "Amazon Web Services"."""
    words = re.split(r"[-_]+", aiid_slug)
    return " ".join(w[:1].upper() + w[1:] for w in words if w) or aiid_slug


def organization_for_entity(aiid_slug: str, kind: str) -> Organization:
    found = Organization.objects.filter(aiid_slug=aiid_slug).first()
    if found is not None:
        return found
    # An organisation a curator already created under the same slug is the same entity.
    found = Organization.objects.filter(slug=slugify(aiid_slug), aiid_slug="").first()
    if found is not None:
        found.aiid_slug = aiid_slug
        found.save(update_fields=["aiid_slug", "updated_at"])
        return found
    name = clip(readable_name(aiid_slug), Organization, "name")
    organization = Organization(
        name=name,
        slug=unique_slug(Organization, aiid_slug, "entity"),
        kind=kind,
        aiid_slug=aiid_slug,
    )
    organization.full_clean()
    organization.save()
    return organization


def _authors(value: str) -> str:
    text = (value or "").strip()
    if text.startswith("["):
        try:
            names = json.loads(text)
        except json.JSONDecodeError:
            names = None
        if isinstance(names, list):
            text = ", ".join(str(n).strip() for n in names if str(n).strip())
    return clip(text, Source, "author")


def _published_on(row: dict[str, str]) -> dt.date | None:
    date = parse_iso_date(row.get("date_published", ""))
    if date is None and (row.get("epoch_date_published") or "").strip():
        try:
            seconds = int(float(row["epoch_date_published"]))
            date = dt.datetime.fromtimestamp(seconds, tz=dt.UTC).date()
        except (ValueError, OverflowError, OSError):
            date = None
    return date


def import_report_row(row: dict[str, str]) -> bool:
    number = parse_int(row.get("report_number", ""), "report_number")
    url = (row.get("url") or "").strip()
    try:
        canonical = canonicalize_url(url)
    except InvalidURL as exc:
        raise RowError(f"url: {exc}") from None
    source = Source.objects.filter(aiid_report_number=number).first()
    same_url = Source.objects.filter(canonical_url=canonical).exclude(
        pk=source.pk if source else None
    )
    other = same_url.first()
    if other is not None:
        if other.aiid_report_number is not None:
            raise RowError(f"url is the same article as report {other.aiid_report_number}")
        if source is None:
            source = other  # a source curators already cite: link it to the report
    created = source is None
    source = source or Source()
    text = row.get("text") or ""
    source.url = url
    source.canonical_url = canonical
    source.aiid_report_number = number
    source.title = clip(row.get("title", ""), Source, "title")
    source.publisher = clip(row.get("source_domain", ""), Source, "publisher")
    source.author = _authors(row.get("authors", ""))
    source.published_on = _published_on(row)
    source.language = clip(row.get("language", ""), Source, "language")
    source.text_hash = hashlib.sha256(text.encode()).hexdigest() if text.strip() else ""
    source.full_clean()
    source.save()
    return created


def import_incident_row(row: dict[str, str]) -> bool:
    incident_id = parse_int(row.get("incident_id", ""), "incident_id")
    title = (row.get("title") or "").strip()
    if not title:
        raise RowError("title is empty")
    date = parse_iso_date(row.get("date", ""))
    if date is None:
        raise RowError(f"date {row.get('date', '')!r} is not a YYYY-MM-DD date")
    deployers = entity_slugs(row.get(DEPLOYERS, ""), DEPLOYERS)
    developers = entity_slugs(row.get(DEVELOPERS, ""), DEVELOPERS)
    harmed = entity_slugs(row.get(HARMED, ""), HARMED)
    numbers = report_numbers(row.get("reports", ""))
    description = (row.get("description") or "").strip()

    controversy = Controversy.objects.filter(aiid_incident_id=incident_id).first()
    created = controversy is None
    if created:
        controversy = Controversy(
            aiid_incident_id=incident_id,
            slug=unique_slug(Controversy, title, f"aiid-{incident_id}"),
        )
    controversy.title = clip(title, Controversy, "title")
    controversy.summary = description
    controversy.started_on = date
    controversy.full_clean()
    controversy.save()

    companies = [organization_for_entity(s, Organization.Kind.COMPANY) for s in deployers]
    companies += [organization_for_entity(s, Organization.Kind.COMPANY) for s in developers]
    harmed_orgs = [organization_for_entity(s, Organization.Kind.OTHER) for s in harmed]
    controversy.companies.add(*companies)
    actors = [(org, EventActor.Role.ACTOR) for org in companies]
    actors += [(org, EventActor.Role.TARGET) for org in harmed_orgs]
    sources = list(Source.objects.filter(aiid_report_number__in=numbers))
    sources.sort(key=lambda s: numbers.index(s.aiid_report_number))
    first_event_upsert(
        controversy=controversy,
        occurred_on=date,
        precision=Precision.DAY,
        title=title,
        summary=description,
        actors=actors,
        sources=sources,
    )
    return created


def import_aiid(directory: Path, *, progress: TextIO | None = None) -> list[ImportReport]:
    """Both files are read through before any row is imported; then reports first, so
    incidents can cite them."""
    if not directory.is_dir():
        raise FileError(
            f"{directory} is not a directory: give the folder that holds incidents.csv "
            "and reports.csv."
        )
    reports = read_csv(directory / "reports.csv", REPORT_COLUMNS)
    incidents = read_csv(directory / "incidents.csv", INCIDENT_COLUMNS)
    return [
        import_rows(
            reports.rows(), import_report_row, ImportReport("reports"),
            total=reports.checked.data_rows, progress=progress,
        ),
        import_rows(
            incidents.rows(), import_incident_row, ImportReport("incidents"),
            total=incidents.checked.data_rows, progress=progress,
        ),
    ]  # fmt: skip
