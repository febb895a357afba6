"""Full exports (no query parameters) kept as files, one per curated data version.

A full export of a large database takes seconds of a worker and a database connection;
from a file it costs a read. ``controversies.curated_version`` changes on every curated
edit, so a file made for the current version holds what a streamed export would. The
newest file of each export is named by a pointer in the cache; the file made for the
version before stays until the next one is made, so a download resumed with Range from
it still works while its successor is built.

Builds run in a Celery task (``opendata.tasks``), queued on the first request that finds
no file for the current version and after a curated edit for the exports that have a
file (an export nobody downloaded is not rebuilt). ``EXPORT_FILE_BUILDS`` = "thread" (the
embedded default, whose eager tasks would run in the request) builds in a background
thread instead; "inline" builds at once (tests).

The shareholder resolutions export is not kept as a file: its vote columns come from
vote results, whose edits do not change the curated data version.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import kombu.exceptions
from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import connections
from django.http import QueryDict

from controversies.curated_version import curated_data_version
from opendata import exports

logger = logging.getLogger(__name__)

FORMATS = ("csv", "json")
BUILD_LOCK_SECONDS = 900


def _controversies() -> tuple[Iterable[Any], list[exports.Column]]:
    from opendata import selectors
    from opendata.filters import filter_controversies

    rows = selectors.controversies_for_export(filter_controversies(QueryDict(), strict=True))
    return rows.iterator(chunk_size=exports.CHUNK_SIZE), exports.CONTROVERSY_COLUMNS


def _index(name: str) -> Callable[[], tuple[Iterable[Any], list[exports.Column]]]:
    def rows() -> tuple[Iterable[Any], list[exports.Column]]:
        from controversies import index_selectors
        from opendata.index_exports import columns

        chosen = index_selectors.INDEXES[name]
        query, _ = index_selectors.query_parse(chosen, QueryDict(), strict=True)
        return index_selectors.listing(chosen, query).iter_rows(), columns(chosen)

    return rows


# The file name of each full export -> its rows and columns, as its view streams them.
FULL_EXPORTS: dict[str, Callable[[], tuple[Iterable[Any], list[exports.Column]]]] = {
    "controversies": _controversies,
    **{
        name: _index(name)
        for name in ("organizations", "products", "campaigns", "coalitions", "topics")
    },
}


@dataclass(frozen=True)
class Built:
    name: str
    fmt: str
    version: int
    path: str
    size: int

    @property
    def etag(self) -> str:
        return f'"{self.name}-{self.version}.{self.fmt}"'


def storage() -> Storage:
    return storages["exports"]


def _pointer_key(name: str, fmt: str) -> str:
    return f"exports:file:{name}.{fmt}"


def newest(name: str, fmt: str) -> Built | None:
    """The newest file built for this export (any version), if it is still stored."""
    found = cache.get(_pointer_key(name, fmt))
    if not isinstance(found, dict):
        return None
    built = Built(name=name, fmt=fmt, **found)
    return built if storage().exists(built.path) else None


def stream(name: str, fmt: str):  # noqa: ANN201 - a StreamingHttpResponse
    rows, columns = FULL_EXPORTS[name]()
    return exports.stream_rows(rows, columns, fmt, name)


def _write(name: str, fmt: str, version: int) -> Built:
    rows, columns = FULL_EXPORTS[name]()
    chunks = (
        exports.csv_chunks(rows, columns) if fmt == "csv" else exports.json_chunks(rows, columns)
    )
    path = f"{name}/{version}.{fmt}"
    with tempfile.TemporaryFile() as handle:
        for chunk in chunks:
            handle.write(chunk.encode())
        size = handle.tell()
        handle.seek(0)
        target = storage()
        if target.exists(path):  # left by a build that died part-way
            target.delete(path)
        saved = target.save(path, File(handle, name=path))
    return Built(name=name, fmt=fmt, version=version, path=saved, size=size)


def _prune(name: str, fmt: str, keep: set[str]) -> None:
    target = storage()
    try:
        _, files = target.listdir(name)
    except FileNotFoundError:
        return
    for file in files:
        path = f"{name}/{file}"
        if file.endswith(f".{fmt}") and path not in keep:
            target.delete(path)


def build(name: str, fmt: str) -> Built | None:
    """Build the file for the current version unless it exists or is being built;
    the new file, or None when nothing was built."""
    version = curated_data_version()  # read before the rows: the file is at least this new
    if version is None:
        return None  # the cache is away: no version to name the file by
    previous = newest(name, fmt)
    if previous is not None and previous.version == version:
        return None
    lock = f"exports:building:{name}.{fmt}:{version}"
    if not cache.add(lock, 1, timeout=BUILD_LOCK_SECONDS):
        return None
    try:
        built = _write(name, fmt, version)
        fields = {"version": version, "path": built.path, "size": built.size}
        cache.set(_pointer_key(name, fmt), fields, timeout=None)
        _prune(name, fmt, {built.path} | ({previous.path} if previous else set()))
    finally:
        cache.delete(lock)
    logger.info("built export %s.%s for version %s: %d bytes", name, fmt, version, built.size)
    return built


def in_thread(work: Callable[[], object]) -> None:
    def run() -> None:
        try:
            work()
        except Exception:
            logger.exception("building an export file failed")
        finally:
            connections.close_all()

    threading.Thread(target=run, name="export-file").start()


def queue_build(name: str, fmt: str, version: int) -> Built | None:
    """Ask for the current version's file once per version (the request that finds
    it missing, or the first of several); the file when it was built in line."""
    if not cache.add(f"exports:queued:{name}.{fmt}:{version}", 1, timeout=BUILD_LOCK_SECONDS):
        return None
    mode = settings.EXPORT_FILE_BUILDS
    if mode == "inline":
        return build(name, fmt)
    if mode == "thread":
        in_thread(lambda: build(name, fmt))
    else:
        from opendata.tasks import build_export_file

        try:
            build_export_file.delay(name, fmt)
        except kombu.exceptions.OperationalError as error:
            # Streamed meanwhile; the next version (or the lock's expiry) tries again.
            logger.error("could not queue the build of export %s.%s: %s", name, fmt, error)
    return None


def rebuild_downloaded() -> None:
    """Build the current version of every export that has a file (after an edit)."""
    for name in FULL_EXPORTS:
        for fmt in FORMATS:
            if cache.get(_pointer_key(name, fmt)) is not None:
                build(name, fmt)


def pointer_keys() -> list[str]:
    return [_pointer_key(name, fmt) for name in FULL_EXPORTS for fmt in FORMATS]


def any_built() -> bool:
    return bool(cache.get_many(pointer_keys()))
