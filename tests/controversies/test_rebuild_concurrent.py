"""Two visitors at once after a curated edit: the out-of-date copy is rebuilt once, by
whichever asked first, and the other is served the previous copy meanwhile. The lock is
the suite's real Redis, so it is the one gunicorn's workers share (controversies.rebuild,
config/page_cache.py). Each visitor is a thread with its own database connection; the
first is held inside its rebuild until the second has its answer, so the two overlap
by construction, not by timing. (The first visitor's ``response.context`` is not
read: the test client collects the templates rendered in every thread meanwhile.)"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django.test import Client

from config import page_cache
from controversies import facets
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

LIST = "/controversies/"
# A bound on a wait that only a broken test reaches; no timing is asserted.
STUCK = 30


class HeldRecount:
    """facets._build_index, counting each build of the index over every controversy
    (the recount an edit makes necessary) and holding the first until ``go_on``."""

    def __init__(self, monkeypatch) -> None:
        self.real = facets._build_index
        self.recounts = 0
        self.started, self.go_on = threading.Event(), threading.Event()
        monkeypatch.setattr(facets, "_build_index", self)

    def __call__(self):
        self.recounts += 1
        if self.recounts == 1:
            self.started.set()
            assert self.go_on.wait(STUCK)
        return self.real()


def first_visitor(path: str) -> tuple[threading.Thread, dict]:
    answer: dict = {}

    def visit() -> None:
        try:
            answer["response"] = Client().get(path)
        finally:
            connection.close()

    thread = threading.Thread(target=visit)
    thread.start()
    return thread, answer


def company_filter_options(response) -> dict[str, int]:
    return {v.value: v.count for v in response.context["facets"]["company"]}


@pytest.fixture
def seen_list(settings):
    """A controversy of one company, and the list seen once before the edit."""
    settings.REBUILD_IN_WORKER = False  # visitors rebuild: the race this file is about
    face = f.ControversyFactory(title="Face matching sold to police", slug="face")
    amazon = f.OrganizationFactory(name="Amazon", slug="amazon", kind="company")
    microsoft = f.OrganizationFactory(name="Microsoft", slug="microsoft", kind="company")
    face.companies.add(amazon)
    assert Client().get(LIST).status_code == 200
    return face, microsoft


def test_two_visitors_after_an_edit_recount_the_facets_once(settings, monkeypatch, seen_list):
    """GIVEN the list was seen, then a curator links a second company to a controversy
    WHEN two visitors open the list at the same moment
    THEN the counts are recounted once: the second visitor gets the list with the counts
    from before the edit, and the next visitor the new counts without a recount."""
    face, microsoft = seen_list
    face.companies.add(microsoft)  # the curated edit
    held = HeldRecount(monkeypatch)

    thread, first = first_visitor(LIST)
    assert held.started.wait(STUCK)
    second = Client().get(LIST)
    held.go_on.set()
    thread.join(STUCK)

    assert first["response"].status_code == second.status_code == 200
    assert held.recounts == 1
    assert "microsoft" not in company_filter_options(second)
    third = Client().get(LIST)
    assert "microsoft" in company_filter_options(third)
    assert held.recounts == 1


def test_two_visitors_after_an_edit_render_the_cached_page_once(settings, monkeypatch, seen_list):
    """GIVEN anonymous visitors share cached pages, and the list was cached
    WHEN a curator renames a controversy and two visitors open the list at once
    THEN the page is rendered once: the second visitor gets the copy from before the
    edit, marked stale, and the next visitor the renamed page from the cache."""
    settings.PAGE_CACHE_SECONDS = 60
    page_cache.invalidate()
    face, _microsoft = seen_list
    assert Client().get(LIST).status_code == 200  # the copy from before the edit
    face.title = "Renamed by a curator"
    face.status = "resolved"  # counted, so the re-render recounts (and can be held)
    face.save()
    held = HeldRecount(monkeypatch)

    thread, first = first_visitor(LIST)
    assert held.started.wait(STUCK)
    second = Client().get(LIST)
    held.go_on.set()
    thread.join(STUCK)

    assert first["response"].status_code == second.status_code == 200
    assert "Renamed by a curator" in first["response"].content.decode()
    assert second["X-Page-Cache"] == "stale"
    assert "Face matching sold to police" in second.content.decode()
    third = Client().get(LIST)
    assert third["X-Page-Cache"] == "hit"
    assert "Renamed by a curator" in third.content.decode()
    assert held.recounts == 1


def visit_from_another_thread(path: str):
    thread, answer = first_visitor(path)
    thread.join(STUCK)
    return answer["response"]


def test_while_an_edit_commits_visitors_get_the_page_from_before_it(settings, seen_list):
    """GIVEN anonymous visitors share cached pages, and the list was cached
    WHEN a curator's save has written its rows but not committed them yet
    THEN another visitor is served the copy from before the edit (the committed one),
    and the first visitor after the commit the edited page, rendered once and then
    shared."""
    settings.PAGE_CACHE_SECONDS = 60
    page_cache.invalidate()
    face, _microsoft = seen_list
    assert Client().get(LIST).status_code == 200  # the copy from before the edit

    with transaction.atomic():
        face.title = "Renamed by a curator"
        face.save()
        meanwhile = visit_from_another_thread(LIST)

    after = visit_from_another_thread(LIST)
    again = visit_from_another_thread(LIST)
    assert meanwhile["X-Page-Cache"] == "stale"
    assert "Face matching sold to police" in meanwhile.content.decode()
    assert "X-Page-Cache" not in after
    assert "Renamed by a curator" in after.content.decode()
    assert again["X-Page-Cache"] == "hit"
    assert "Renamed by a curator" in again.content.decode()


def test_while_one_page_is_re_rendered_another_out_of_date_page_is_served_its_copy(
    settings, monkeypatch, seen_list
):
    """GIVEN anonymous visitors share cached pages, the list and the home page were
    cached, and one page may be re-rendered at a time
    WHEN after an edit one visitor's list is being re-rendered and another opens home
    THEN home is served its copy from before the edit at once (the workers are not all
    taken by re-renders), and is rendered afresh by the next visitor."""
    settings.PAGE_CACHE_SECONDS = 60
    settings.PAGE_CACHE_RENDER_SLOTS = 1
    page_cache.invalidate()
    face, _microsoft = seen_list
    assert Client().get(LIST).status_code == Client().get("/").status_code == 200
    face.title = "Renamed by a curator"
    face.status = "resolved"  # counted, so the re-render recounts (and can be held)
    face.save()
    held = HeldRecount(monkeypatch)

    thread, first = first_visitor(LIST)
    assert held.started.wait(STUCK)
    home = Client().get("/")
    held.go_on.set()
    thread.join(STUCK)

    assert first["response"].status_code == home.status_code == 200
    assert home["X-Page-Cache"] == "stale"
    assert "X-Page-Cache" not in Client().get("/")
