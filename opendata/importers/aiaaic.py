"""The AIAAIC repository CSV: header rows, then one incident per row, with several
values in a cell separated by ";".

Two layouts are read, told apart by their column names: the older one (`Deployer(s)`,
`Issue(s)`, `Country(ies)`...) and the current one (`Deployer`, `Ethical issue
(taxonomy)`, `Jurisdiction`...). Both map onto one record. Each row becomes, or joins,
a controversy (the rules are in merge.py) with a first event dated as precisely as
"Occurred" allows; deployers and developers become target companies, system names
products, technologies and issues topics, and the links in "Summary/links" sources of
the first event. Re-running updates what the import wrote before and never what a
curator set.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from django.utils.text import slugify

from controversies import services
from controversies.canonical import InvalidURL, canonicalize_url
from controversies.dates import Precision
from controversies.models import (
    Controversy,
    Event,
    EventActor,
    Organization,
    Product,
    Source,
    Topic,
)
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
    organization_by_name,
    unique_slug,
)
from opendata.importers.merge import Importer, controversy_upsert, event_upsert, find_controversy

HEADER_ROWS = 3
ID = "AIAAIC ID#"
AIAAIC = Importer("AIAAIC")


@dataclass(frozen=True)
class Column:
    """One value of the internal record and the header names that hold it in each
    layout. An optional column may be missing from a file."""

    field: str
    current: tuple[str, ...]
    older: tuple[str, ...]
    required: bool = True

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self.current, *self.older)))


COLUMNS = [
    Column("id", (ID,), (ID,)),
    Column("headline", ("Headline",), ("Headline",)),
    Column("occurred", ("Occurred", "Released"), ("Occurred",)),
    Column("countries", ("Jurisdiction",), ("Country(ies)",)),
    Column("sectors", ("Sector", "Sector(s)"), ("Sector(s)",)),
    Column("deployers", ("Deployer",), ("Deployer(s)",)),
    Column("developers", ("Developer",), ("Developer(s)",)),
    Column("systems", ("System name", "System name(s)"), ("System name(s)",)),
    Column("technologies", ("Technology", "Technology(ies)"), ("Technology(ies)",)),
    Column("purposes", ("Purpose", "Purpose(s)"), ("Purpose(s)",)),
    Column(
        "trigger", ("Media trigger", "Media trigger(s)"), ("News trigger(s)", "Media trigger(s)")
    ),
    Column("issues", ("Ethical issue (taxonomy)", "Risks/harms"), ("Issue(s)",)),
    Column("transparency", ("Transparency",), ("Transparency",), required=False),
    Column("summary", ("Summary/links",), ("Summary/links",)),
]
# The columns of the older layout, as its files name them (tests write such files).
OLDER_COLUMNS = [
    ID, "Headline", "Occurred", "Country(ies)", "Sector(s)", "Deployer(s)", "Developer(s)",
    "System name(s)", "Technology(ies)", "Purpose(s)", "News trigger(s)", "Issue(s)",
    "Summary/links",
]  # fmt: skip
_URL = re.compile(r"https?://[^\s;,<>\"']+")
_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")
_MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (
        dt.date(2000, number, 1).strftime("%B").lower(),
        dt.date(2000, number, 1).strftime("%b").lower(),
    )
}


def _clean_header(cell: str) -> str:
    return " ".join((cell or "").split())


@dataclass(frozen=True)
class Layout:
    name: str  # "current" or "older"
    positions: dict[str, int]  # record field -> column index

    def record(self, cells: list[str]) -> dict[str, str]:
        return {f: cells[i] if i < len(cells) else "" for f, i in self.positions.items()}


def detect_layout(names: list[str], file_name: str) -> Layout:
    """Which header names the file uses for each record field; a missing required
    column refuses the file, naming every one that is missing."""
    index = {name.casefold(): i for i, name in reversed(list(enumerate(names))) if name}
    positions: dict[str, int] = {}
    missing = []
    current = False
    for column in COLUMNS:
        found = next((n for n in column.names if n.casefold() in index), None)
        if found is None:
            if column.required:
                missing.append(" or ".join(column.names))
            continue
        positions[column.field] = index[found.casefold()]
        # A name only the current layout uses tells the layouts apart.
        current = current or (found in column.current and found not in column.older)
    if missing:
        raise FileError(
            f"{file_name} is in no AIAAIC layout this importer reads: it lacks the "
            f"columns {'; '.join(missing)}."
        )
    return Layout("current" if current else "older", positions)


def read_rows(path: Path) -> tuple[int, Layout, Iterator[tuple[int, dict[str, str]]]]:
    """How many data rows the file has, its layout, and the rows as records, numbered as
    the spreadsheet shows them (the first data row is row 4). The whole file is read
    through first, so an unreadable one is refused before any row is imported.

    The column names are on whichever of the three header rows holds "AIAAIC ID#"; the
    other header rows hold titles and notes."""
    checked = check_csv(path, header_rows=HEADER_ROWS)
    headers = [[_clean_header(c) for c in row] for row in checked.header]
    names = next((row for row in headers if ID in row), None)
    if names is None:
        raise FileError(
            f"{path.name}: none of the first {HEADER_ROWS} rows names the column {ID!r}; "
            "is this the AIAAIC repository CSV?"
        )
    layout = detect_layout(names, path.name)
    return checked.data_rows, layout, _rows(checked, layout, len(names))


def _rows(checked: CheckedCsv, layout: Layout, width: int) -> Iterator[tuple[int, dict[str, str]]]:
    for number, record in checked.records():
        row = layout.record(record)
        if len(record) > width and any(c.strip() for c in record[width:]):
            row["__extra__"] = "yes"
        yield number, row


def split_cell(value: str) -> list[str]:
    items = []
    for part in (value or "").split(";"):
        part = " ".join(part.split())
        if part and part.lower() not in ("n/a", "unknown", "-") and part not in items:
            items.append(part)
    return items


def _iso_date(text: str) -> dt.date | None:
    """The date if ``text`` is a full ISO date; None sends the caller to looser forms."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def parse_occurred(value: str) -> tuple[dt.date, str]:
    """ "2019", "2019-2021", "March 2019", "2019-03-12" -> a date and its precision."""
    text = " ".join((value or "").split())
    iso = _iso_date(text[:10])
    if iso:
        return iso, Precision.DAY
    years = _YEAR.findall(text)
    if not years:
        raise RowError(f"Occurred {text!r} holds no year")
    year = int(years[0])
    words = re.findall(r"[a-z]+", text.lower())
    month = next((_MONTHS[w] for w in words if w in _MONTHS), None)
    if month is not None and len(years) == 1:
        return dt.date(year, month, 1), Precision.MONTH
    return dt.date(year, 1, 1), Precision.YEAR


def product_by_name(name: str, developer: Organization | None) -> Product:
    found = Product.objects.filter(name__iexact=name).first()
    if found is None and slugify(name):
        found = Product.objects.filter(slug=slugify(name)[:190]).first()
    if found is not None:
        return found
    product = Product(
        name=clip(name, Product, "name"),
        slug=unique_slug(Product, name, "product"),
        developer=developer,
    )
    product.full_clean()
    product.save()
    return product


def topic_by_name(name: str) -> Topic:
    name = clip(name, Topic, "name")
    found = Topic.objects.filter(name__iexact=name).first()
    if found is None and slugify(name):
        found = Topic.objects.filter(slug=slugify(name)[:100]).first()
    if found is not None:
        return found
    topic = Topic(name=name, slug=unique_slug(Topic, name, "topic", max_length=90))
    topic.full_clean()
    topic.save()
    return topic


def _summary_and_links(value: str) -> tuple[str, list[str]]:
    links = _URL.findall(value or "")
    text = " ".join(_URL.sub(" ", value or "").split())
    return text, links


def _existing_sources(links: list[str]) -> list[Source]:
    canonical = []
    for link in links:
        try:
            canonical.append(canonicalize_url(link))
        except InvalidURL:
            continue
    return list(Source.objects.filter(canonical_url__in=canonical))


def import_row(row: dict[str, str], log: RowLog) -> Outcome:
    if row.get("__extra__"):
        raise RowError("the row has more cells than the header has columns")
    aiaaic_id = " ".join((row.get("id") or "").split())
    if not aiaaic_id:
        raise RowError(f"{ID} is empty")
    if len(aiaaic_id) > Controversy._meta.get_field("aiaaic_id").max_length:
        raise RowError(f"{ID} {aiaaic_id[:40]!r} is too long")
    log.key = aiaaic_id
    headline = " ".join((row.get("headline") or "").split())
    if not headline:
        raise RowError("Headline is empty")
    occurred_on, precision = parse_occurred(row.get("occurred", ""))
    summary, links = _summary_and_links(row.get("summary", ""))

    link = find_controversy(
        id_field="aiaaic_id", id_value=aiaaic_id, sources=_existing_sources(links)
    )
    controversy, outcome = controversy_upsert(
        link=link,
        id_field="aiaaic_id",
        id_value=aiaaic_id,
        importer=AIAAIC,
        log=log,
        title=headline,
        summary=summary,
        started_on=occurred_on,
    )

    deployers = [organization_by_name(n) for n in split_cell(row.get("deployers", ""))]
    developers = [organization_by_name(n) for n in split_cell(row.get("developers", ""))]
    lead_developer = developers[0] if developers else None
    products = [product_by_name(n, lead_developer) for n in split_cell(row.get("systems", ""))]
    topics = [
        topic_by_name(n)
        for column in ("technologies", "issues")
        for n in split_cell(row.get(column, ""))
    ]
    controversy.companies.add(*deployers, *developers)
    controversy.products.add(*products)
    controversy.topics.add(*topics)

    sources = []
    for link_url in links:
        try:
            source, _ = services.source_get_or_create(url=link_url)
        except InvalidURL:
            continue
        sources.append(source)
    context = [
        f"{label}: {', '.join(split_cell(row.get(column, '')))}."
        for label, column in (
            ("Country", "countries"),
            ("Sector", "sectors"),
            ("Purpose", "purposes"),
            ("News trigger", "trigger"),
            ("Transparency", "transparency"),
        )
        if split_cell(row.get(column, ""))
    ]
    actors = [(org, EventActor.Role.ACTOR) for org in [*deployers, *developers]]
    event_upsert(
        controversy=controversy,
        importer=AIAAIC,
        key=log.key,
        log=log,
        occurred_on=occurred_on,
        precision=precision,
        kind=Event.Kind.REPORT,
        title=headline,
        summary=" ".join(context),
        actors=list(dict.fromkeys(actors)),
        sources=list(dict.fromkeys(sources)),
    )
    return outcome


def import_aiaaic(path: Path, *, progress: TextIO | None = None) -> ImportReport:
    total, layout, rows = read_rows(path)
    report = ImportReport("AIAAIC incidents", notes=[f"the file is in the {layout.name} layout"])
    return import_rows(rows, import_row, report, total=total, progress=progress)
