"""History for proxy models (Company, AdvocacyGroup).

django-simple-history listens for saves and deletes of the concrete model only, and
Django sends those signals with the proxy class as sender when a proxy instance is saved,
so an edit made in the Companies admin section (or through ``Company.objects``) would
leave no history. This connects the same recording to each proxy of a tracked model.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import signals
from simple_history.models import HistoricalRecords


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
