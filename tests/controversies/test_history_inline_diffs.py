"""A record's History page shows, for each save, the field changes of the inline rows
(citations, actors, vote results...) saved with it: added, changed and deleted rows."""

from __future__ import annotations

import lxml.html
import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from controversies.models import Event, EventActor, ShareholderResolution
from tests import factories as f
from tests.controversies.admin_forms import form_data

pytestmark = [pytest.mark.django_db, pytest.mark.services]


def _change_url(obj) -> str:
    return reverse(f"admin:controversies_{obj._meta.model_name}_change", args=[obj.pk])


def _history_url(obj) -> str:
    return reverse(f"admin:controversies_{obj._meta.model_name}_history", args=[obj.pk])


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor() -> Client:
    """A staff user in the Editor group (who may also delete rows), through the admin."""
    return _client_for(f.EditorFactory())


def _save(client: Client, obj, **changes: str) -> None:
    """Submit ``obj``'s change form as the browser shows it, with ``changes`` typed in."""
    data = form_data(client.get(_change_url(obj)))
    data.update({name: [value] for name, value in changes.items()})
    response = client.post(_change_url(obj), data)
    assert response.status_code == 302, response.content.decode()[:2000]


def _history_rows(client: Client, obj) -> list[str]:
    """The text of the Changes cell of each version on the History page, newest first."""
    response = client.get(_history_url(obj))
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.content.decode())
    return [
        " ".join(row.xpath("./td[last()]")[0].text_content().split())
        for row in doc.xpath('//table[@id="change-history"]/tbody/tr')
    ]


@pytest.fixture
def event() -> Event:
    """An event citing one article (no quote yet) with the ACLU as an actor."""
    event = f.EventFactory(title="ACLU test of Rekognition")
    aclu = f.AdvocacyGroupFactory(name="ACLU")
    f.EventActorFactory(event=event, organization=aclu, role=EventActor.Role.ACTOR)
    f.EventSourceFactory(
        event=event, source=f.SourceFactory(title="The ACLU report"), position=1, quote=""
    )
    return event


def test_it_shows_the_citation_quote_and_actor_role_edited_inline(editor, event):
    _save(
        editor,
        event,
        **{
            "citations-0-quote": "Rekognition matched 28 members of Congress",
            "event_actors-0-role": EventActor.Role.AUTHOR,
        },
    )

    newest = _history_rows(editor, event)[0]

    assert "Citation [1] The ACLU report" in newest
    assert "Quote: (blank) → “Rekognition matched 28 members of Congress”" in newest
    assert "Actor ACLU (Author or publisher)" in newest
    assert "Role: Acted → Author or publisher" in newest


def test_an_edit_of_inline_rows_only_shows_their_changes(editor, event):
    _save(editor, event, **{"citations-0-locator": "p. 4"})

    rows = _history_rows(editor, event)

    # The save still wrote a version of the event; the older ones are its creation and
    # its controversy being added.
    assert len(rows) == 3
    assert "Locator: (blank) → “p. 4”" in rows[0]
    assert all("Citation" not in row for row in rows[1:])  # no inline edits of their own


def test_it_shows_an_actor_added_inline(editor, event):
    signatory = f.AdvocacyGroupFactory(name="Fight for the Future")

    _save(
        editor,
        event,
        **{
            "event_actors-1-organization": str(signatory.pk),
            "event_actors-1-role": EventActor.Role.SIGNATORY,
        },
    )

    assert "Actor added: Fight for the Future (Signatory)" in _history_rows(editor, event)[0]


def test_it_shows_a_deleted_citation_with_its_quote(editor, event):
    event.citations.update(quote="The passage we relied on")

    _save(editor, event, **{"citations-0-DELETE": "on"})

    newest = _history_rows(editor, event)[0]
    assert not event.citations.exists()
    assert "Citation deleted: [1] The ACLU report" in newest
    assert "Quote: “The passage we relied on”" in newest


def test_it_shows_vote_counts_edited_inline(editor):
    resolution = f.ShareholderResolutionFactory(title="Report on facial recognition")
    f.VoteResultFactory(resolution=resolution, votes_for=1000, votes_against=39000)

    _save(editor, resolution, **{"vote-0-votes_for": "1200"})

    newest = _history_rows(editor, resolution)[0]
    assert "Vote result" in newest
    assert "Votes for: 1,000 → 1,200" in newest
    assert "Votes against" not in newest  # unchanged fields are not listed


def test_it_shows_a_vote_result_added_inline(editor):
    resolution = f.ShareholderResolutionFactory()

    _save(
        editor,
        resolution,
        **{"vote-TOTAL_FORMS": "1", "vote-0-votes_for": "2400", "vote-0-votes_against": "97600"},
    )

    newest = _history_rows(editor, resolution)[0]
    assert "Vote result added" in newest
    assert "Votes for: 2,400" in newest and "Votes against: 97,600" in newest


def test_it_escapes_what_curators_typed(editor, event):
    _save(editor, event, **{"citations-0-quote": '<script>alert("quote")</script>'})

    html = editor.get(_history_url(event)).content.decode()

    assert '<script>alert("quote")</script>' not in html
    assert "&lt;script&gt;alert(&quot;quote&quot;)&lt;/script&gt;" in html


def test_it_hides_the_changes_of_rows_the_user_may_not_view(event):
    """GIVEN a staff user who may view events but not their actors
    WHEN an editor changes an actor inline
    THEN that user's History of the event does not show the actor's change."""
    editor = _client_for(f.EditorFactory())
    _save(editor, event, **{"event_actors-0-role": EventActor.Role.TARGET})
    viewer = f.StaffUserFactory()
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_event", "view_eventsource"])
    )

    newest = _history_rows(_client_for(viewer), event)[0]

    assert "Target" not in newest
    assert "Target" in _history_rows(editor, event)[0]


def test_the_history_page_reads_child_history_in_bulk(editor, event):
    def saves(n: int) -> None:
        for i in range(n):
            extra = f.AdvocacyGroupFactory()
            _save(
                editor,
                event,
                **{
                    "citations-0-quote": f"Quote, version {i}",
                    "event_actors-1-organization": str(extra.pk),
                    "event_actors-1-role": EventActor.Role.SIGNATORY,
                },
            )
            event.event_actors.filter(organization=extra).delete()

    saves(1)
    with CaptureQueriesContext(connection) as few:
        editor.get(_history_url(event))
    saves(6)
    with CaptureQueriesContext(connection) as many:
        rows = _history_rows(editor, event)

    assert len(many) == len(few)
    assert sum("Actor added" in row for row in rows) == 7


def test_a_resolution_history_lists_only_its_own_votes(editor):
    ours = f.ShareholderResolutionFactory()
    f.VoteResultFactory(resolution=ours, votes_for=5)
    other = f.ShareholderResolutionFactory()
    f.VoteResultFactory(resolution=other, votes_for=7)

    _save(editor, other, **{"vote-0-votes_for": "9"})
    _save(editor, ours, **{"title": "Renamed"})

    assert not any("Vote result" in row for row in _history_rows(editor, ours))
    assert ShareholderResolution.objects.get(pk=ours.pk).title == "Renamed"
