"""The snapshot files, in the "snapshots" storage (settings.STORAGES)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages

from archive.warc import read_response

STORAGE_ALIAS = "snapshots"


def snapshot_storage() -> Storage:
    return storages[STORAGE_ALIAS]


def store_warc(*, source_id: int, stamp: str, digest: str, data: bytes) -> str:
    """Save one WARC file and return the name the storage gave it."""
    name = f"warc/{source_id}/{stamp}-{digest[:12]}.warc.gz"
    return snapshot_storage().save(name, ContentFile(data))


def read_warc_body(name: str) -> tuple[str, bytes]:
    """(content type, body) of a stored snapshot; OSError or ValueError if unreadable."""
    with snapshot_storage().open(name, "rb") as stream:
        return read_response(stream)


def delete_warc(name: str) -> None:
    snapshot_storage().delete(name)
