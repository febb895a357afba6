"""Derived data only: curated edits make cached facet counts (and the resolution table's
filter options) stale, and start a new curated data version (``curated_version``)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from config.cache import cache_recovered
from controversies import facets
from controversies.curated_version import bump_curated_data_version

# Models whose rows or links feed the facet counts or the resolution filter options.
# Sources, votes and history rows do not, so the stream of ingested articles leaves the
# cache alone.
FACET_MODELS = frozenset(
    {
        "controversy",
        "event",
        "eventactor",
        "organization",
        "product",
        "topic",
        "coalition",
        "coalitionmembership",
        "campaign",
        "shareholdermeeting",
        "shareholderresolution",
    }
)


def _feeds_facets(sender: type) -> bool:
    meta = getattr(sender, "_meta", None)
    if meta is None or meta.app_label != "controversies":
        return False
    # A proxy (Company, AdvocacyGroup: the admin's sections) writes its concrete table.
    meta = meta.concrete_model._meta
    # Many-to-many through models are named "<model>_<field>" (controversy_companies).
    return meta.model_name.split("_")[0] in FACET_MODELS


def _stale() -> None:
    facets.invalidate()
    bump_curated_data_version()
    if settings.REBUILD_IN_WORKER:
        # After the commit, so the worker counts the edited rows (controversies.rebuild).
        transaction.on_commit(facets.queue_rebuild_of_everything, robust=True)


@receiver(post_save, dispatch_uid="controversies.facets.save")
@receiver(post_delete, dispatch_uid="controversies.facets.delete")
def _forget_facets_on_write(sender: type, **kwargs: object) -> None:
    if _feeds_facets(sender):
        _stale()


@receiver(m2m_changed, dispatch_uid="controversies.facets.m2m")
def _forget_facets_on_link(sender: type, action: str, **kwargs: object) -> None:
    if _feeds_facets(sender) and action in ("post_add", "post_remove", "post_clear"):
        _stale()


@receiver(cache_recovered, dispatch_uid="controversies.facets.cache_recovered")
def _forget_facets_after_outage(sender: type, **kwargs: object) -> None:
    # An edit made while the cache was unreachable could not bump the generation.
    facets.invalidate()
    bump_curated_data_version()
