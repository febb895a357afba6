"""History for proxy models (Company, AdvocacyGroup), and one moment per request.

django-simple-history listens for saves and deletes of the concrete model only, and
Django sends those signals with the proxy class as sender when a proxy instance is saved,
so an edit made in the Companies admin section (or through ``Company.objects``) would
leave no history. This connects the same recording to each proxy of a tracked model.

An admin save writes the parent and its inline rows one after another; giving every
history record written while serving one request the same ``history_date`` lets a
parent's History page find the inline rows saved with each of its versions.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import signals
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record


def track_proxy_history(app_label: str) -> None:
    for model in apps.get_app_config(app_label).get_models():
        if not model._meta.proxy:
            continue
        concrete = model._meta.concrete_model
        manager_name = getattr(concrete._meta, "simple_history_manager_attribute", None)
        if manager_name is None or hasattr(model._meta, "simple_history_manager_attribute"):
            continue
        # A recorder with the concrete model's settings (its HistoricalRecords() takes
        # the defaults); it writes to the same history table through the inherited manager.
        recorder = HistoricalRecords()
        recorder.manager_name = manager_name
        signals.post_save.connect(recorder.post_save, sender=model, weak=False)
        signals.pre_delete.connect(recorder.pre_delete, sender=model, weak=False)
        signals.post_delete.connect(recorder.post_delete, sender=model, weak=False)
        # simple_history's admin and pre_delete look for this marker on the model's options.
        model._meta.simple_history_manager_attribute = manager_name


def stamp_records_of_one_request_alike(sender, *, instance, history_instance, **kwargs) -> None:
    """Date each history record written while serving a request at the moment of the
    request's first record (simple_history's middleware puts the request in its context).
    A record whose date the caller chose (``_history_date``) keeps it."""
    request = getattr(HistoricalRecords.context, "request", None)
    if request is None or hasattr(instance, "_history_date"):
        return
    moment = getattr(request, "history_moment", None)
    if moment is None:
        request.history_moment = history_instance.history_date
    else:
        history_instance.history_date = moment


def stamp_history_per_request() -> None:
    pre_create_historical_record.connect(
        stamp_records_of_one_request_alike, dispatch_uid="history_one_moment_per_request"
    )
