"""After a curated edit, rebuild the export files people have downloaded, once per
burst of edits: the first edit queues the rebuild EXPORT_REBUILD_DELAY seconds later and
the rebuild reads the version current then, so the edits that follow within the delay
are in it."""

from __future__ import annotations

import threading

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.dispatch import receiver

from controversies.curated_version import curated_data_changed
from opendata import export_files

QUEUED_KEY = "exports:rebuild-queued"


def _queue_rebuild() -> None:
    mode = settings.EXPORT_FILE_BUILDS
    if mode == "inline":
        export_files.rebuild_downloaded()
        return
    delay = settings.EXPORT_REBUILD_DELAY
    if not cache.add(QUEUED_KEY, 1, timeout=delay):
        return
    if mode == "thread":
        timer = threading.Timer(delay, export_files.in_thread, [export_files.rebuild_downloaded])
        timer.daemon = True
        timer.start()
    else:
        from opendata.tasks import rebuild_export_files

        rebuild_export_files.apply_async(countdown=delay)


@receiver(curated_data_changed, dispatch_uid="opendata.export_files.rebuild")
def _rebuild_export_files(sender: object, **kwargs: object) -> None:
    if export_files.any_built():
        transaction.on_commit(_queue_rebuild, robust=True)
