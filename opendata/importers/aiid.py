"""The AI Incident Database snapshot: reports.csv become sources, incidents.csv become
controversies (the incident date is their first event), and the entities named in an
incident become organisations that keep their AIID slug: deployers and developers as
companies, harmed parties as affected groups.

An incident joins the controversy that carries its id, else the one whose events cite
its reports' articles, else a new one (the rules are in merge.py). A report AIID tags
as a response becomes a company-response event instead of a source of the first event.
Re-running updates what the import wrote before and never what a curator set.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from django.utils.text import slugify

from controversies.canonical import InvalidURL, canonicalize_url
from controversies.dates import Precision
from controversies.models import Event, EventActor, Organization, Source
from controversies.models.entities import split_aliases
from opendata.importers.common import (
    CheckedCsv,
    FileError,
    ImportReport,
    Outcome,
    RowError,
    RowLog,
    check_csv,
    clip,
    import_rows,
    organization_named,
    parse_int,
    parse_iso_date,
    unique_slug,
)
from opendata.importers.merge import (
    Importer,
    controversy_upsert,
    event_upsert,
    fill_fields,
    find_controversy,
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
AIID = Importer("AIID")
# The tag AIID gives a report that is a response by a named party, not news coverage.
RESPONSE_TAG = "response"


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
    """The organisation with this AIID slug; else one a curator created under the same
    slug, name or alias (it gets the AIID slug, and keeps its kind); else a new one of
    ``kind``."""
    found = Organization.objects.filter(aiid_slug=aiid_slug).first()
    if found is not None:
        return found
    name = clip(readable_name(aiid_slug), Organization, "name")
    found = Organization.objects.filter(slug=slugify(aiid_slug), aiid_slug="").first()
    if found is None:
        named = organization_named(name)
        found = named if named is not None and not named.aiid_slug else None
    if found is not None:
        found.aiid_slug = aiid_slug
        found.save(update_fields=["aiid_slug", "updated_at"])
        return found
    organization = Organization(
        name=name,
        slug=unique_slug(Organization, aiid_slug, "entity"),
        kind=kind,
        aiid_slug=aiid_slug,
    )
    organization.full_clean()
    organization.save()
    return organization


def report_tags(value: str) -> tuple[str, ...]:
    """A JSON list of tags ("["response"]"), or tags separated by commas; an unreadable
    cell holds no tags rather than rejecting the report."""
    text = (value or "").strip()
    items: object = None
    if text.startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError:
            items = None
    if not isinstance(items, list):
        items = text.strip("[]").split(",")
    tags = [" ".join(str(item).strip().strip('"').split()) for item in items]
    return tuple(dict.fromkeys(tag for tag in tags if tag))


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


def import_report_row(
    row: dict[str, str], log: RowLog, tags: dict[int, tuple[str, ...]]
) -> Outcome:
    number = parse_int(row.get("report_number", ""), "report_number")
    log.key = f"report {number}"
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
    if other is not None and other.aiid_report_number is not None:
        raise RowError(f"url is the same article as report {other.aiid_report_number}")
    incoming: dict[str, object] = {}
    if source is not None:
        outcome = Outcome.UPDATED
        if other is None:  # the report's own URL, as AIID now gives it
            incoming.update(url=url, canonical_url=canonical)
    elif other is not None:
        outcome, source = Outcome.LINKED, other  # a source curators already cite
        source.aiid_report_number = number
    else:
        outcome, source = Outcome.CREATED, Source(url=url, canonical_url=canonical)
        source.aiid_report_number = number
    incoming.update(
        title=clip(row.get("title", ""), Source, "title"),
        publisher=clip(row.get("source_domain", ""), Source, "publisher"),
        author=_authors(row.get("authors", "")),
        published_on=_published_on(row),
        language=clip(row.get("language", ""), Source, "language"),
    )
    fill_fields(source, incoming, importer=AIID, log=log, together=[("url", "canonical_url")])
    text = row.get("text") or ""
    if not source.text_hash and text.strip():
        source.text_hash = hashlib.sha256(text.encode()).hexdigest()
    tags[number] = report_tags(row.get("tags", ""))
    # Tags only accumulate: a tag a curator added, or AIID dropped since, stays.
    source.tags = "\n".join(dict.fromkeys([*split_aliases(source.tags), *tags[number]]))
    source._change_reason = AIID.reason(log.key)
    source.full_clean()
    source.save()
    log.action = f"{outcome.value} source {source.canonical_url}"
    return outcome


def import_incident_row(
    row: dict[str, str], log: RowLog, tags: dict[int, tuple[str, ...]]
) -> Outcome:
    incident_id = parse_int(row.get("incident_id", ""), "incident_id")
    log.key = f"incident {incident_id}"
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
    sources = list(Source.objects.filter(aiid_report_number__in=numbers))
    sources.sort(key=lambda s: numbers.index(s.aiid_report_number))
    responses = [s for s in sources if RESPONSE_TAG in tags.get(s.aiid_report_number, ())]
    reports = [s for s in sources if s not in responses]

    link = find_controversy(id_field="aiid_incident_id", id_value=incident_id, sources=sources)
    controversy, outcome = controversy_upsert(
        link=link,
        id_field="aiid_incident_id",
        id_value=incident_id,
        importer=AIID,
        log=log,
        title=title,
        summary=description,
        started_on=date,
    )
    companies = [organization_for_entity(s, Organization.Kind.COMPANY) for s in deployers]
    companies += [organization_for_entity(s, Organization.Kind.COMPANY) for s in developers]
    companies = list(dict.fromkeys(companies))
    affected = [organization_for_entity(s, Organization.Kind.AFFECTED_GROUP) for s in harmed]
    controversy.companies.add(*companies)
    actors = [(org, EventActor.Role.ACTOR) for org in companies]
    actors += [(org, EventActor.Role.TARGET) for org in affected]
    event_upsert(
        controversy=controversy,
        importer=AIID,
        key=log.key,
        log=log,
        occurred_on=date,
        precision=Precision.DAY,
        kind=Event.Kind.REPORT,
        title=title,
        summary=description,
        actors=actors,
        sources=reports,
    )
    for response in responses:
        event_upsert(
            controversy=controversy,
            importer=AIID,
            key=f"{log.key}, response report {response.aiid_report_number}",
            log=log,
            occurred_on=response.published_on or date,
            precision=Precision.DAY,
            kind=Event.Kind.COMPANY_RESPONSE,
            title=response.title or f"Response to {title}",
            summary="",
            actors=[(org, EventActor.Role.RESPONDENT) for org in companies],
            sources=[response],
        )
    return outcome


@dataclass
class AiidImport:
    """The two files' reports, and the tags of each report (report number -> tags).

    The tags are also stored on each source (Source.tags); here they decide an event's
    kind (the response tag) and are summarised in the output."""

    reports: ImportReport
    incidents: ImportReport
    report_tags: dict[int, tuple[str, ...]]

    def lines(self, *, actions: bool = False) -> list[str]:
        counts = Counter(tag for tags in self.report_tags.values() for tag in tags)
        tagged = ", ".join(f"{tag} ({n})" for tag, n in sorted(counts.items()))
        return [
            *self.reports.lines(actions=actions),
            *self.incidents.lines(actions=actions),
            f"report tags: {tagged or 'none'}",
        ]


def import_aiid(directory: Path, *, progress: TextIO | None = None) -> AiidImport:
    """Both files are read through before any row is imported; then reports first, so
    incidents can cite them."""
    if not directory.is_dir():
        raise FileError(
            f"{directory} is not a directory: give the folder that holds incidents.csv "
            "and reports.csv."
        )
    reports = read_csv(directory / "reports.csv", REPORT_COLUMNS)
    incidents = read_csv(directory / "incidents.csv", INCIDENT_COLUMNS)
    tags: dict[int, tuple[str, ...]] = {}
    return AiidImport(
        import_rows(
            reports.rows(), lambda row, log: import_report_row(row, log, tags),
            ImportReport("reports"), total=reports.checked.data_rows, progress=progress,
        ),
        import_rows(
            incidents.rows(), lambda row, log: import_incident_row(row, log, tags),
            ImportReport("incidents"), total=incidents.checked.data_rows, progress=progress,
        ),
        tags,
    )  # fmt: skip
