"""The choice labels the pages show are the ones Django's get_FOO_display() gives."""

from __future__ import annotations


def test_choice_labels_are_djangos_including_unknown_values():
    from controversies.models import Controversy, Event, EventActor

    assert Event(kind="open_letter").get_kind_display() == "Open letter"
    assert EventActor(role="signatory").get_role_display() == "Signatory"
    assert Controversy(status="dormant").get_status_display() == "Dormant"
    # A value outside the choices (a row written before a choice was removed) shows as is.
    assert Event(kind="retired_kind").get_kind_display() == "retired_kind"
