"""The AIAAIC repository CSV: three header rows, then one incident per row, with several
values in a cell separated by ";".

Each row becomes a controversy keyed on its AIAAIC id, with a first event dated as
precisely as "Occurred" allows; deployers and developers become target companies,
system names products, technologies and issues topics, and the links in
"Summary/links" sources of the first event. Re-running updates in place.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from django.utils.text import slugify

from controversies import services
from controversies.canonical import InvalidURL
from controversies.dates import Precision
from controversies.models import Controversy, EventActor, Organization, Product, Topic
from opendata.importers.common import (
    CheckedCsv,
    FileError,
    ImportReport,
    RowError,
    check_csv,
    clip,
    first_event_upsert,
    import_rows,
    organization_by_name,
    unique_slug,
)

HEADER_ROWS = 3
ID = "AIAAIC ID#"
COLUMNS = [
    ID, "Headline", "Occurred", "Country(ies)", "Sector(s)", "Deployer(s)", "Developer(s)",
    "System name(s)", "Technology(ies)", "Purpose(s)", "News trigger(s)", "Issue(s)",
    "Summary/links",
]  # fmt: skip
# Older files name the trigger column after the media.
ALIASES = {"Media trigger(s)": "News trigger(s)"}
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
    name = " ".join((cell or "").split())
    return ALIASES.get(name, name)


def read_rows(path: Path) -> tuple[int, Iterator[tuple[int, dict[str, str]]]]:
    """How many data rows the file has, and the rows, numbered as the spreadsheet shows
    them (the first data row is row 4). The whole file is read through first, so an
    unreadable one is refused before any row is imported.

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
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise FileError(f"{path.name} lacks the columns {', '.join(missing)}.")
    return checked.data_rows, _rows(checked, names)


def _rows(checked: CheckedCsv, names: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    for number, record in checked.records():
        row = {name: (record[i] if i < len(record) else "") for i, name in enumerate(names)}
        if len(record) > len(names) and any(c.strip() for c in record[len(names) :]):
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


def import_row(row: dict[str, str]) -> bool:
    if row.get("__extra__"):
        raise RowError("the row has more cells than the header has columns")
    aiaaic_id = " ".join((row.get(ID) or "").split())
    if not aiaaic_id:
        raise RowError(f"{ID} is empty")
    if len(aiaaic_id) > Controversy._meta.get_field("aiaaic_id").max_length:
        raise RowError(f"{ID} {aiaaic_id[:40]!r} is too long")
    headline = " ".join((row.get("Headline") or "").split())
    if not headline:
        raise RowError("Headline is empty")
    occurred_on, precision = parse_occurred(row.get("Occurred", ""))
    summary, links = _summary_and_links(row.get("Summary/links", ""))

    controversy = Controversy.objects.filter(aiaaic_id=aiaaic_id).first()
    created = controversy is None
    if created:
        controversy = Controversy(
            aiaaic_id=aiaaic_id, slug=unique_slug(Controversy, headline, aiaaic_id)
        )
    controversy.title = clip(headline, Controversy, "title")
    controversy.summary = summary
    controversy.started_on = occurred_on
    controversy.full_clean()
    controversy.save()

    deployers = [organization_by_name(n) for n in split_cell(row.get("Deployer(s)", ""))]
    developers = [organization_by_name(n) for n in split_cell(row.get("Developer(s)", ""))]
    lead_developer = developers[0] if developers else None
    products = [
        product_by_name(n, lead_developer) for n in split_cell(row.get("System name(s)", ""))
    ]
    topics = [
        topic_by_name(n)
        for column in ("Technology(ies)", "Issue(s)")
        for n in split_cell(row.get(column, ""))
    ]
    controversy.companies.add(*deployers, *developers)
    controversy.products.add(*products)
    controversy.topics.add(*topics)

    sources = []
    for link in links:
        try:
            source, _ = services.source_get_or_create(url=link)
        except InvalidURL:
            continue
        sources.append(source)
    context = [
        f"{label}: {', '.join(split_cell(row.get(column, '')))}."
        for label, column in (
            ("Country", "Country(ies)"),
            ("Sector", "Sector(s)"),
            ("Purpose", "Purpose(s)"),
            ("News trigger", "News trigger(s)"),
        )
        if split_cell(row.get(column, ""))
    ]
    actors = [(org, EventActor.Role.ACTOR) for org in [*deployers, *developers]]
    first_event_upsert(
        controversy=controversy,
        occurred_on=occurred_on,
        precision=precision,
        title=headline,
        summary=" ".join(context),
        actors=list(dict.fromkeys(actors)),
        sources=sources,
    )
    return created


def import_aiaaic(path: Path, *, progress: TextIO | None = None) -> ImportReport:
    total, rows = read_rows(path)
    return import_rows(
        rows, import_row, ImportReport("AIAAIC incidents"), total=total, progress=progress
    )
