"""Building the full export files (opendata.export_files) off the request path."""

from __future__ import annotations

from celery import shared_task

from opendata import export_files

# A full export of the large database takes tens of seconds: beyond the default limits.
LIMITS = {"soft_time_limit": 900, "time_limit": 960}


@shared_task(ignore_result=True, **LIMITS)
def build_export_file(name: str, fmt: str) -> None:
    if name in export_files.FULL_EXPORTS and fmt in export_files.FORMATS:
        export_files.build(name, fmt)


@shared_task(ignore_result=True, **LIMITS)
def rebuild_export_files() -> None:
    export_files.rebuild_downloaded()
