"""Rebuilds of values derived from curated data, handed to a worker after an edit so that
visitors are served the previous copy meanwhile (controversies.rebuild states the rule).
Each task rebuilds for the generation whose lock its sender holds, and frees that lock."""

from __future__ import annotations

from celery import shared_task

from controversies import facets, rebuild
from controversies.entity_selectors import organization
from controversies.models import Organization


@shared_task(ignore_result=True)
def rebuild_facets(current: int) -> None:
    """The facet counts over every controversy, queued by the edit that made them stale."""
    facets.rebuild_everything(current)


@shared_task(ignore_result=True)
def rebuild_involvement(org_pk: int, current: int) -> None:
    """An organisation's involvement, queued by the first visitor of its page to find it
    stale."""
    org = Organization.objects.filter(pk=org_pk).first()
    if org is None:  # deleted since: nothing to show, free the lock
        rebuild.release(organization.involvement_key(org_pk), current)
        return
    organization.rebuild_involvement(org, current)
