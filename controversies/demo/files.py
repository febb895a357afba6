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
from collections.abc import Callable, Iterable
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
        text = path.read_text(encoding="utf-8")
        content = yaml.safe_load(text)
    except OSError as exc:
        raise DemoDataError(f"{path.name}: cannot be read ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise DemoDataError(f"{path.name}: not valid YAML: {exc}") from exc
    except ValueError as exc:  # YAML reads 2018-06-31 as a date, which does not exist
        raise DemoDataError(f"{path.name}: {_impossible_date(text)}") from exc
    if content is None:
        return {}
    if not isinstance(content, dict):
        raise DemoDataError(f"{path.name}: expected sections (name: list of records)")
    return content


def _impossible_date(text: str) -> str:
    """Where the date that made YAML fail is: the first unquoted date-like value that is
    no date. Composing builds only the document's nodes and constructs no value."""
    pending = [yaml.compose(text, Loader=yaml.SafeLoader)]
    while pending:
        node = pending.pop(0)
        if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":timestamp"):
            try:
                dt.date.fromisoformat(node.value)
            except ValueError:
                return f"line {node.start_mark.line + 1}: {node.value!r} is not a date"
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            pending.extend(value for _, value in node.value)
    return "a value is not a date (YYYY-MM-DD)"


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
    convert, message = SCALARS[hint]
    try:
        return convert(value)
    except (TypeError, ValueError, InvalidOperation):
        _fail(where, path, message.format(value=value))


def _to_date(value: Any) -> dt.date:
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise TypeError


def _to_decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise TypeError
    return Decimal(str(value))


def _exactly(kind: type) -> Callable[[Any], Any]:
    """YAML reads `6` as a number and `no` as false: a field of another type refuses them."""

    def check(value: Any) -> Any:
        if type(value) is not kind:
            raise TypeError
        return value

    return check


# How a field of each scalar type is read, and what the error says when it cannot be.
SCALARS: dict[type, tuple[Callable[[Any], Any], str]] = {
    dt.date: (_to_date, "{value!r} is not a date (YYYY-MM-DD)"),
    Decimal: (_to_decimal, "{value!r} is not a number"),
    bool: (_exactly(bool), "expected true or false, got {value!r}"),
    int: (_exactly(int), "expected a whole number, got {value!r}"),
    str: (_exactly(str), "expected text, got {value!r} (put it in quotes)"),
}


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
            "resolution": _keys(data.resolutions, "shareholders.yaml", "resolutions"),
            "url": _keys(data.sources, "sources.yaml", "sources", "url", key=canonicalize_url),
        }

    def check(self, kind: str, values: Iterable[Any], where: str, path: str) -> None:
        for value in values:
            if value and value not in self.known[kind]:
                shown = " ".join(str(part) for part in value) if kind == "event" else value
                _fail(where, path, f"no {kind} {shown!r} is defined in the data files")


def _keys(
    records: tuple[Any, ...],
    name: str,
    section: str,
    *key_fields: str,
    key: Callable[[Any], Any] = lambda value: value,
) -> set[Any]:
    """The records' keys; two records with one key are refused."""
    key_fields = key_fields or ("slug",)
    seen: set[Any] = set()
    for index, record in enumerate(records):
        parts = tuple(key(getattr(record, f)) for f in key_fields)
        value = parts[0] if len(parts) == 1 else parts
        if value in seen:
            raise DemoDataError(
                f"{name}, {label(section, index, record)}: "
                f"{'/'.join(key_fields)} already used by an earlier record"
            )
        seen.add(value)
    return seen


def _repeats(values: list[Any]) -> bool:
    return len(set(values)) < len(values)


# Every reference between records: per section, the field, the kind of record it names
# and the values it holds.
REFERENCES: dict[str, tuple[tuple[str, str, Callable[[Any], Iterable[Any]]], ...]] = {
    "products": (("developer", "organisation", lambda r: [r.developer]),),
    "controversies": (
        ("companies", "organisation", lambda r: r.companies),
        ("products", "product", lambda r: r.products),
        ("topics", "topic", lambda r: r.topics),
    ),
    "events": (
        ("controversies", "controversy", lambda r: r.controversies),
        ("actors", "organisation", lambda r: [actor.organisation for actor in r.actors]),
        ("sources", "source", lambda r: [cite.source for cite in r.sources]),
    ),
    "coalitions": (
        ("members", "organisation", lambda r: [m.organisation for m in r.members]),
        ("members", "source", lambda r: [m.source for m in r.members]),
        ("actions", "event", lambda r: [(a.occurred_on, a.title) for a in r.actions]),
    ),
    "campaigns": (
        ("organising_coalition", "coalition", lambda r: [r.organising_coalition]),
        ("source", "source", lambda r: [r.source]),
        ("organisers", "organisation", lambda r: r.organisers),
        ("targets", "organisation", lambda r: r.targets),
        ("controversies", "controversy", lambda r: r.controversies),
        ("demands", "source", lambda r: [s.source for d in r.demands for s in d.statuses]),
    ),
    "meetings": (("company", "organisation", lambda r: [r.company]),),
    "resolutions": (
        ("meeting", "meeting", lambda r: [r.meeting]),
        ("controversy", "controversy", lambda r: [r.controversy]),
        ("lead_filer", "organisation", lambda r: [r.lead_filer]),
        ("co_filers", "organisation", lambda r: r.co_filers),
        ("organiser", "organisation", lambda r: [r.organiser]),
        ("campaign", "campaign", lambda r: [r.campaign]),
        ("topics", "topic", lambda r: r.topics),
        ("advisers", "organisation", lambda r: [a.adviser for a in r.advisers]),
        ("advisers", "source", lambda r: [a.source for a in r.advisers]),
        ("vote.source", "source", lambda r: [r.vote.source if r.vote else ""]),
    ),
}


def _no_case(event: EventSpec) -> str:
    return "" if event.controversies else "an event needs at least one controversy"


def _cited_twice(event: EventSpec) -> str:
    return "a source is cited twice" if _repeats([c.source for c in event.sources]) else ""


def _positions_repeat(campaign: CampaignSpec) -> str:
    positions = [demand.position for demand in campaign.demands]
    return "two demands have the same position" if _repeats(positions) else ""


# Other rules a record must keep: per section, the field and the fault found, if any.
RULES: dict[str, tuple[tuple[str, Callable[[Any], str]], ...]] = {
    "events": (("controversies", _no_case), ("sources", _cited_twice)),
    "campaigns": (("demands", _positions_repeat),),
}


def _check_references(data: DemoData) -> None:
    refs = _Refs(data)
    for file, sections in FILES.items():
        for section in sections:
            for index, record in enumerate(getattr(data, section)):
                where = f"{file}, {label(section, index, record)}"
                for path, kind, values in REFERENCES.get(section, ()):
                    refs.check(kind, values(record), where, path)
                for path, rule in RULES.get(section, ()):
                    if fault := rule(record):
                        _fail(where, path, fault)
    _check_parents(data)
    _check_retired(data, refs)


def _check_parents(data: DemoData) -> None:
    """A parent is listed before its subsidiaries, so the loader has written it."""
    earlier: set[str] = set()
    for index, org in enumerate(data.organisations):
        if org.parent and org.parent not in earlier:
            where = f"organisations.yaml, {label('organisations', index, org)}"
            _fail(where, "parent", f"{org.parent!r} must be an organisation listed before it")
        earlier.add(org.slug)


def _check_retired(data: DemoData, refs: _Refs) -> None:
    """A retired row must not also be one the files load: the loader would delete it."""
    retired = data.retired
    clashes = {
        "events": ("event", [(ref.occurred_on, ref.title) for ref in retired.events]),
        "resolutions": ("resolution", retired.resolutions),
        "organisations": ("organisation", retired.organisations),
        "sources": ("url", [canonicalize_url(url) for url in retired.sources]),
    }
    for section, (kind, keys) in clashes.items():
        for index, key in enumerate(keys):
            if key in refs.known[kind]:
                shown = (
                    " ".join(map(str, key)) if kind == "event" else getattr(retired, section)[index]
                )
                raise DemoDataError(
                    f"{RETIRED_FILE}, {section}: {shown!r} is retired but still in the data files"
                )


__all__ = ["DATA_DIR", "DemoData", "DemoDataError", "EventRef", "read_demo"]
