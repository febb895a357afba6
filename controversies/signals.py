"""Derived data only: curated edits make cached facet counts (and the resolution table's
filter options) stale, and start a new curated data version (``curated_version``)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
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


# Fields that are only shown, never counted, ranked or used as a label by anything kept
# under the facet generation (facets, the home figures, the index standings, an
# organisation's involvement, the resolution options). An edit of an existing row that
# changes nothing else leaves all of that as it was: it still starts a new curated data
# version (exports show these fields) and the page cache its own new generation.
SHOWN_ONLY = {
    "event": frozenset({"title", "summary", "updated_at"}),
    "controversy": frozenset({"title", "summary", "updated_at"}),
}


@receiver(pre_save, dispatch_uid="controversies.facets.shown_only")
def _note_a_shown_only_edit(
    sender: type, instance: object, update_fields: frozenset[str] | None = None, **kwargs: object
) -> None:
    meta = getattr(sender, "_meta", None)
    shown = SHOWN_ONLY.get(meta.model_name) if meta and meta.app_label == "controversies" else None
    if shown is None or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None:
        instance._counts_unchanged = set(update_fields) <= shown
        return
    # An admin save writes every field: compare the others with the stored row.
    others = [f.attname for f in meta.concrete_fields if f.name not in shown]
    stored = sender._base_manager.filter(pk=instance.pk).values_list(*others).first()
    instance._counts_unchanged = stored == tuple(getattr(instance, name) for name in others)


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
    instance = kwargs.get("instance")
    if instance is not None and instance.__dict__.pop("_counts_unchanged", False):
        bump_curated_data_version()
    elif _feeds_facets(sender):
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
