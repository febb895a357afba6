"""What every entity page shares: how many rows each list shows, and resolutions read
as the resolution tables and the support chart show them.
"""

from __future__ import annotations

from django.db.models import QuerySet

from controversies.models import Organization, ShareholderResolution

# Each list on an entity page shows its most recent rows; the page stays quick to read and
# to render for a company with a thousand controversies (full lists are a link away).
LIST_CAP = 20
RESOLUTION_CAP = 200
EVENT_CAP = 20


def _link_only(relation: str) -> list[str]:
    """The columns of the organisation at ``relation`` that a link to it does not use,
    for defer(): every row of a resolution table joins three of them."""
    shown = {"id", "name", "slug"}
    return [
        f"{relation}__{field.name}"
        for field in Organization._meta.concrete_fields
        if field.name not in shown
    ]


def resolution_rows() -> QuerySet:
    """Resolutions as _resolution_rows.html and the support chart show them: with the
    meeting, the filers' links and the vote, and none of the long or unused columns
    (they made up most of what each row fetched and turned into objects)."""
    return (
        ShareholderResolution.objects.select_related(
            "meeting__company", "lead_filer", "organiser", "vote"
        ).defer(
            "ask",
            "filed_on",
            "board_recommendation",
            "created_at",
            "updated_at",
            "meeting__kind",
            "meeting__location",
            *_link_only("meeting__company"),
            *_link_only("lead_filer"),
            *_link_only("organiser"),
        )  # fmt: skip
    )
