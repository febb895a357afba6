"""Derived data only: curated edits make cached facet counts stale."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from controversies import facets


def _is_domain(sender: type) -> bool:
    return getattr(getattr(sender, "_meta", None), "app_label", None) == "controversies"


@receiver(post_save, dispatch_uid="controversies.facets.save")
@receiver(post_delete, dispatch_uid="controversies.facets.delete")
def _forget_facets_on_write(sender: type, **kwargs: object) -> None:
    if _is_domain(sender):
        facets.invalidate()


@receiver(m2m_changed, dispatch_uid="controversies.facets.m2m")
def _forget_facets_on_link(sender: type, action: str, **kwargs: object) -> None:
    if _is_domain(sender) and action in ("post_add", "post_remove", "post_clear"):
        facets.invalidate()
