"""Read the demo's YAML files (``data/``) into typed records, or say where one is wrong.

Each file holds sections of records; each record becomes the dataclass of ``specs`` its
section names, field by field, so a misspelt field, a missing one, text where a date
belongs or a value a model field does not allow is refused before anything is written.
Then every reference between records (slugs, source keys, event dates and titles) must
name a record the files define. Errors name the file, the record and the field.

Two short forms save repetition: a record whose first field is all that is needed may be
written as that value (a citation as its source key), and a record of two fields as a
one-entry mapping ``first: second`` (an event actor as ``aclu: author``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.apps import apps

from controversies.canonical import canonicalize_url

from .specs import (
    CampaignSpec,
    CoalitionSpec,
    ControversySpec,
    EventRef,
    EventSpec,
    MeetingSpec,
    OrgSpec,
    ProductSpec,
    ResolutionSpec,
    RetiredSpec,
    SourceSpec,
    TopicSpec,
)

DATA_DIR = Path(__file__).with_name("data")

# Each file's sections, in load order, and the record type of each.
FILES: dict[str, dict[str, type]] = {
    "organisations.yaml": {"organisations": OrgSpec, "products": ProductSpec},
    "topics.yaml": {"topics": TopicSpec},
    "sources.yaml": {"sources": SourceSpec},
    "timeline.yaml": {"controversies": ControversySpec, "events": EventSpec},
    "advocacy.yaml": {"coalitions": CoalitionSpec, "campaigns": CampaignSpec},
    "shareholders.yaml": {"meetings": MeetingSpec, "resolutions": ResolutionSpec},
}
RETIRED_FILE = "retired.yaml"


class DemoDataError(ValueError):
    """A mistake in a demo data file, named by file, record and field."""


@dataclasses.dataclass(frozen=True)
class DemoData:
    organisations: tuple[OrgSpec, ...]
    products: tuple[ProductSpec, ...]
    topics: tuple[TopicSpec, ...]
    sources: tuple[SourceSpec, ...]
    controversies: tuple[ControversySpec, ...]
    events: tuple[EventSpec, ...]
    coalitions: tuple[CoalitionSpec, ...]
    campaigns: tuple[CampaignSpec, ...]
    meetings: tuple[MeetingSpec, ...]
    resolutions: tuple[ResolutionSpec, ...]
    retired: RetiredSpec


def read_demo(directory: Path | None = None) -> DemoData:
    """Every record of the files in ``directory`` (default ``DATA_DIR``), checked; raises
    ``DemoDataError`` at the first fault."""
    directory = directory or DATA_DIR
    sections: dict[str, tuple[Any, ...]] = {}
    for name, kinds in FILES.items():
        content = _read_yaml(directory / name)
        _refuse_unknown(name, "", content, kinds)
        for section, record_type in kinds.items():
            items = content.get(section) or []
            if not isinstance(items, list):
                raise DemoDataError(f"{name}, section {section!r}: expected a list of records")
            sections[section] = tuple(
                _build(record_type, item, f"{name}, {label(section, index, item)}")
                for index, item in enumerate(items)
            )
    retired = _build(RetiredSpec, _read_yaml(directory / RETIRED_FILE), RETIRED_FILE)
    data = DemoData(**sections, retired=retired)
    _check_references(data)
    return data


def label(section: str, index: int, record: Any) -> str:
    """How an error names a record: its place in the file and its natural key."""
    get = record.get if isinstance(record, dict) else lambda name: getattr(record, name, None)
    key = get("slug") or get("key")
    if key is None and get("title") is not None:
        key = f"{get('occurred_on')} {get('title')}"
    return f"{section}[{index}]" + (f" ({key})" if key else "")


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DemoDataError(f"{path.name}: cannot be read ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise DemoDataError(f"{path.name}: not valid YAML: {exc}") from exc
    if content is None:
        return {}
    if not isinstance(content, dict):
        raise DemoDataError(f"{path.name}: expected sections (name: list of records)")
    return content


def _refuse_unknown(where: str, path: str, raw: dict[str, Any], known: Iterable[str]) -> None:
    unknown = [str(name) for name in raw if name not in known]
    if unknown:
        place = f"{where}, {path}" if path else where
        raise DemoDataError(
            f"{place}: unknown field {unknown[0]!r}; expected one of {', '.join(known)}"
        )


def _fail(where: str, path: str, message: str) -> typing.NoReturn:
    raise DemoDataError(f"{where}, field {path!r}: {message}")


def _build(record_type: type, raw: Any, where: str, path: str = "") -> Any:
    """The record ``raw`` describes, each field converted to its declared type."""
    fields = {f.name: f for f in dataclasses.fields(record_type)}
    raw = _expand_short_form(list(fields), raw)
    if not isinstance(raw, dict):
        place = f"{where}, field {path!r}" if path else where
        raise DemoDataError(f"{place}: expected a record with fields, got {raw!r}")
    _refuse_unknown(where, path, raw, fields)
    hints = typing.get_type_hints(record_type)
    values = {}
    for name, spec_field in fields.items():
        field_path = f"{path}.{name}" if path else name
        has_default = not (
            spec_field.default is dataclasses.MISSING
            and spec_field.default_factory is dataclasses.MISSING
        )
        if raw.get(name) is None and has_default:
            continue
        if name not in raw:
            _fail(where, field_path, "is missing")
        value = _convert(hints[name], raw[name], where, field_path)
        if "choices" in spec_field.metadata:
            _check_choice(spec_field.metadata["choices"], value, where, field_path)
        values[name] = value
    return record_type(**values)


def _expand_short_form(names: list[str], raw: Any) -> Any:
    if isinstance(raw, str):
        return {names[0]: raw}
    if isinstance(raw, dict) and len(raw) == 1 and len(names) == 2:
        ((first, second),) = raw.items()
        if first not in names:
            return {names[0]: first, names[1]: second}
    return raw


def _convert(hint: Any, value: Any, where: str, path: str) -> Any:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):  # X | None
        if value is None:
            return None
        (hint,) = (arg for arg in args if arg is not type(None))
        return _convert(hint, value, where, path)
    if origin is tuple:
        if not isinstance(value, list):
            _fail(where, path, f"expected a list, got {value!r}")
        return tuple(
            _convert(args[0], item, where, f"{path}[{index}]") for index, item in enumerate(value)
        )
    if dataclasses.is_dataclass(hint):
        return _build(hint, value, where, path)
    return _convert_scalar(hint, value, where, path)


def _convert_scalar(hint: type, value: Any, where: str, path: str) -> Any:
    if hint is dt.date:
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        _fail(where, path, f"{value!r} is not a date (YYYY-MM-DD)")
    if hint is Decimal:
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            try:
                return Decimal(str(value))
            except InvalidOperation:
                pass
        _fail(where, path, f"{value!r} is not a number")
    if hint is bool and not isinstance(value, bool):
        _fail(where, path, f"expected true or false, got {value!r}")
    if hint is int and (isinstance(value, bool) or not isinstance(value, int)):
        _fail(where, path, f"expected a whole number, got {value!r}")
    if hint is str and not isinstance(value, str):
        _fail(where, path, f"expected text, got {value!r} (put it in quotes)")
    return value


def _check_choice(target: tuple[str, str], value: str, where: str, path: str) -> None:
    model_name, field_name = target
    model_field = apps.get_model("controversies", model_name)._meta.get_field(field_name)
    allowed = [str(choice) for choice, _ in model_field.flatchoices]
    if value not in allowed:
        _fail(where, path, f"{value!r} is not one of {', '.join(allowed)}")


class _Refs:
    """The keys each kind of record defines, and the check that a reference names one."""

    def __init__(self, data: DemoData) -> None:
        self.known = {
            "organisation": _keys(data.organisations, "organisations.yaml", "organisations"),
            "product": _keys(data.products, "organisations.yaml", "products"),
            "topic": _keys(data.topics, "topics.yaml", "topics"),
            "source": _keys(data.sources, "sources.yaml", "sources", "key"),
            "controversy": _keys(data.controversies, "timeline.yaml", "controversies"),
            "coalition": _keys(data.coalitions, "advocacy.yaml", "coalitions"),
            "campaign": _keys(data.campaigns, "advocacy.yaml", "campaigns"),
            "meeting": _keys(data.meetings, "shareholders.yaml", "meetings", "key"),
            "event": _keys(data.events, "timeline.yaml", "events", "occurred_on", "title"),
        }

    def check(self, kind: str, values: Iterable[Any], where: str, path: str) -> None:
        for value in values:
            if value and value not in self.known[kind]:
                shown = " ".join(str(part) for part in value) if kind == "event" else value
                _fail(where, path, f"no {kind} {shown!r} is defined in the data files")


def _keys(records: tuple[Any, ...], name: str, section: str, *key_fields: str) -> set[Any]:
    key_fields = key_fields or ("slug",)
    keys = [tuple(getattr(r, f) for f in key_fields) for r in records]
    keys = [key[0] if len(key) == 1 else key for key in keys]
    seen: set[Any] = set()
    for index, key in enumerate(keys):
        if key in seen:
            raise DemoDataError(
                f"{name}, {label(section, index, records[index])}: "
                f"{'/'.join(key_fields)} already used by an earlier record"
            )
        seen.add(key)
    return seen


def _check_references(data: DemoData) -> None:
    refs = _Refs(data)

    def each(name: str, section: str) -> Iterable[tuple[str, Any]]:
        for index, record in enumerate(getattr(data, section)):
            yield f"{name}, {label(section, index, record)}", record

    earlier: set[str] = set()
    for where, org in each("organisations.yaml", "organisations"):
        if org.parent and org.parent not in earlier:
            _fail(where, "parent", f"{org.parent!r} must be an organisation listed before it")
        earlier.add(org.slug)
    for where, product in each("organisations.yaml", "products"):
        refs.check("organisation", [product.developer], where, "developer")
    urls = Counter(canonicalize_url(source.url) for source in data.sources)
    for where, source in each("sources.yaml", "sources"):
        if urls[canonicalize_url(source.url)] > 1:
            _fail(where, "url", "another source has the same address")
    for where, case in each("timeline.yaml", "controversies"):
        refs.check("organisation", case.companies, where, "companies")
        refs.check("product", case.products, where, "products")
        refs.check("topic", case.topics, where, "topics")
    for where, event in each("timeline.yaml", "events"):
        if not event.controversies:
            _fail(where, "controversies", "an event needs at least one controversy")
        refs.check("controversy", event.controversies, where, "controversies")
        refs.check("organisation", [a.organisation for a in event.actors], where, "actors")
        cited = [cite.source for cite in event.sources]
        refs.check("source", cited, where, "sources")
        if len(set(cited)) < len(cited):
            _fail(where, "sources", "a source is cited twice")
    for where, coalition in each("advocacy.yaml", "coalitions"):
        refs.check("organisation", [m.organisation for m in coalition.members], where, "members")
        refs.check("source", [m.source for m in coalition.members], where, "members")
        actions = [(ref.occurred_on, ref.title) for ref in coalition.actions]
        refs.check("event", actions, where, "actions")
    for where, campaign in each("advocacy.yaml", "campaigns"):
        refs.check("coalition", [campaign.organising_coalition], where, "organising_coalition")
        refs.check("source", [campaign.source], where, "source")
        refs.check("organisation", campaign.organisers, where, "organisers")
        refs.check("organisation", campaign.targets, where, "targets")
        refs.check("controversy", campaign.controversies, where, "controversies")
        positions = [demand.position for demand in campaign.demands]
        if len(set(positions)) < len(positions):
            _fail(where, "demands", "two demands have the same position")
        for demand in campaign.demands:
            refs.check("source", [s.source for s in demand.statuses], where, "demands.statuses")
    for where, meeting in each("shareholders.yaml", "meetings"):
        refs.check("organisation", [meeting.company], where, "company")
    for where, res in each("shareholders.yaml", "resolutions"):
        refs.check("meeting", [res.meeting], where, "meeting")
        refs.check("controversy", [res.controversy], where, "controversy")
        people = [res.lead_filer, *res.co_filers, res.organiser]
        refs.check("organisation", people, where, "lead_filer, co_filers or organiser")
        refs.check("campaign", [res.campaign], where, "campaign")
        refs.check("topic", res.topics, where, "topics")
        refs.check("organisation", [a.adviser for a in res.advisers], where, "advisers")
        refs.check("source", [a.source for a in res.advisers], where, "advisers")
        refs.check("source", [res.vote.source if res.vote else ""], where, "vote.source")
    _check_retired(data, refs)


def _check_retired(data: DemoData, refs: _Refs) -> None:
    """A retired row must not also be one the files load: the loader would delete it."""
    retired = data.retired
    urls = {canonicalize_url(source.url) for source in data.sources}
    clashes = {
        "events": [
            (e.occurred_on, e.title)
            for e in retired.events
            if (e.occurred_on, e.title) in refs.known["event"]
        ],
        "resolutions": [s for s in retired.resolutions if s in {r.slug for r in data.resolutions}],
        "organisations": [s for s in retired.organisations if s in refs.known["organisation"]],
        "sources": [u for u in retired.sources if canonicalize_url(u) in urls],
    }
    for section, found in clashes.items():
        if found:
            raise DemoDataError(
                f"{RETIRED_FILE}, {section}: {found[0]!r} is retired but still in the data files"
            )


__all__ = ["DATA_DIR", "DemoData", "DemoDataError", "EventRef", "read_demo"]
