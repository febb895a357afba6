"""After a curated edit the derived counts are rebuilt once, not by every worker at once,
and the others are served the previous copy meanwhile (controversies.rebuild), on the
real Redis the suite is configured with; with Redis down every reader still gets counts.
"""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import override_settings

from controversies import facets, tasks
from controversies.models import Controversy
from controversies.views.controversy_list import FACET_LIMIT

pytestmark = pytest.mark.django_db


def company_counts(found: dict) -> dict[str, int]:
    return {v.value: v.count for v in found["company"]}


@pytest.fixture
def counting(monkeypatch):
    """Every build of the facet index over every controversy (the one costly query)."""
    calls: list[object] = []
    real = facets._build_index

    def counted():
        calls.append(None)
        return real()

    monkeypatch.setattr(facets, "_build_index", counted)
    return calls


def test_two_rebuilds_after_an_edit_count_once_and_the_second_serves_the_previous_copy(
    world, monkeypatch
):
    """GIVEN counts cached before an edit
    WHEN, after the edit, a second worker asks for the same counts while the first is
    recounting them
    THEN the index is built once, the second worker gets the previous counts at once,
    and every later reader the new ones without a rebuild."""
    everything = Controversy.objects.all()
    before = facets.facet_counts(everything, cache_key="everything")
    world.rekognition.companies.add(world.microsoft)  # a curated edit

    real = facets._build_index
    calls: list[object] = []
    meanwhile: list[dict] = []

    def first_worker_counting():
        calls.append(None)
        meanwhile.append(facets.facet_counts(everything, cache_key="everything"))
        return real()

    monkeypatch.setattr(facets, "_build_index", first_worker_counting)
    after = facets.facet_counts(everything, cache_key="everything")

    assert len(calls) == 1
    assert meanwhile == [before]
    assert company_counts(after)["microsoft"] == company_counts(before)["microsoft"] + 1
    assert facets.facet_counts(everything, cache_key="everything") == after
    assert len(calls) == 1


def test_a_reader_with_no_previous_copy_counts_for_itself(world, counting, monkeypatch):
    """GIVEN another worker is building the index and no earlier copy exists
    WHEN a reader asks for a filter's counts
    THEN it builds the index itself (there is nothing older to show) rather than showing
    nothing."""
    monkeypatch.setattr(facets, "_held", None)  # a process that has read nothing yet
    cache.delete(facets.EVERYTHING)  # and no copy from before in the cache
    current = facets.generation()
    assert cache.add(f"{facets.EVERYTHING}:rebuild:{current}", 1, 30)  # the other's lock
    found = facets.facet_counts(
        Controversy.objects.filter(status="ongoing"), cache_key="status=ongoing"
    )
    assert {v.value for v in found["status"]} == {"ongoing"}
    assert len(counting) == 1


@pytest.fixture
def worker_queue(settings, monkeypatch):
    """REBUILD_IN_WORKER on, with the broker replaced by a list of the tasks queued."""
    settings.REBUILD_IN_WORKER = True
    queued: list[tuple] = []
    for task in (tasks.rebuild_facets, tasks.rebuild_involvement):
        monkeypatch.setattr(
            task, "apply_async", lambda args, task=task, **kw: queued.append((task, args))
        )
    return queued


def test_an_edit_hands_the_recount_to_a_worker_and_visitors_see_the_last_counts(
    client, world, worker_queue, counting, django_capture_on_commit_callbacks
):
    """GIVEN the list page was seen, and edits queue their recount for a worker
    WHEN a curator's edit commits (two changes in one transaction)
    THEN one rebuild is queued, visitors get the list with the previous counts and no
    rebuild of their own, and once the worker has run they see the new counts."""
    assert client.get("/controversies/").status_code == 200
    before = company_counts(facets.all_facets())
    counting.clear()

    with django_capture_on_commit_callbacks(execute=True):
        world.face_id.companies.add(world.amazon)
        world.chatbot.companies.add(world.amazon)

    assert [(task, args[1:]) for task, args in worker_queue] == [(tasks.rebuild_facets, ())]
    response = client.get("/controversies/")
    assert response.status_code == 200
    assert company_counts(facets.all_facets()) == before
    assert counting == []

    tasks.rebuild_facets(*worker_queue[0][1])  # what the worker runs
    assert company_counts(facets.all_facets())["amazon"] == before["amazon"] + 2
    assert counting == [None]


def test_the_company_page_after_an_edit_shows_the_last_copy_while_a_worker_recounts(
    client, world, worker_queue
):
    """GIVEN a company page was seen
    WHEN an edit makes its involvement stale
    THEN its next visitor gets the page at once (queueing one recount), and after the
    worker's run the page shows the edit."""
    path = f"/organizations/{world.aclu.slug}/"
    assert client.get(path).status_code == 200
    worker_queue.clear()  # a copy left by an earlier test, recounted on this first visit
    world.face_id.status = "resolved"  # counted: a title alone would not be
    world.face_id.save()
    world.face_id.refresh_from_db()

    assert client.get(path).status_code == 200
    assert client.get(path).status_code == 200
    involvement = [args for task, args in worker_queue if task is tasks.rebuild_involvement]
    assert involvement == [(world.aclu.pk, facets.generation())]

    tasks.rebuild_involvement(*involvement[0])
    assert client.get(path).status_code == 200
    assert len(worker_queue) == 1  # served from the rebuilt copy: nothing more queued


def _unreachable_redis() -> dict:
    dead = dict(django_settings.CACHES["default"])
    dead.update(
        BACKEND="config.cache.FailOpenRedisCache",
        LOCATION="redis://127.0.0.1:1/0",  # nothing listens there
        OPTIONS={"socket_connect_timeout": 0.2, "socket_timeout": 0.2, "RETRY_SECONDS": 60},
    )
    return {"default": dead}


def test_with_redis_down_edits_commit_and_every_reader_still_gets_counts(
    client, world, settings, django_capture_on_commit_callbacks
):
    """GIVEN Redis cannot be reached (and edits would queue their recount)
    WHEN a curator edits and readers open the list, filtered and not, and a company page
    THEN the edit commits and every page answers with counts that include it."""
    settings.REBUILD_IN_WORKER = True
    with override_settings(CACHES=_unreachable_redis()):
        with django_capture_on_commit_callbacks(execute=True):
            world.face_id.companies.add(world.microsoft)
        everything = client.get("/controversies/")
        filtered = client.get("/controversies/?company=microsoft")
        company = client.get(f"/organizations/{world.microsoft.slug}/")
    assert everything.status_code == filtered.status_code == company.status_code == 200
    assert world.face_id.title in filtered.content.decode()
    counts = {v.value: v.count for v in filtered.context["facets"]["status"][:FACET_LIMIT]}
    assert sum(counts.values()) == Controversy.objects.filter(companies=world.microsoft).count()


def test_an_edit_of_shown_text_only_recounts_nothing_and_shows_at_once(
    client, world, worker_queue, counting, django_capture_on_commit_callbacks
):
    """GIVEN the list and a company page were seen
    WHEN a curator edits only an event's summary and a controversy's title (text that is
    shown, never counted)
    THEN nothing is recounted or queued, and the case page shows the new text."""
    from controversies.models import Event

    assert client.get("/controversies/").status_code == 200
    assert client.get(f"/organizations/{world.aclu.slug}/").status_code == 200
    counting.clear()
    worker_queue.clear()  # a copy left by an earlier test, recounted on this first visit
    before = facets.generation()
    event = Event.objects.filter(controversies=world.face_id).first()
    world.face_id.refresh_from_db()  # as the admin's form loads it

    with django_capture_on_commit_callbacks(execute=True):
        event.summary = "A summary the curator rewrote"
        event.save()
        world.face_id.title = "Face ID, renamed"
        world.face_id.save()

    assert facets.generation() == before
    assert worker_queue == []
    page = client.get(f"/controversies/{world.face_id.slug}/").content.decode()
    assert "A summary the curator rewrote" in page and "Face ID, renamed" in page
    assert client.get("/controversies/").status_code == 200
    assert counting == []
