from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from controversies import search_selectors
from controversies.models import Controversy, Organization, Product
from controversies.search import matching, postgres, vectors
from tests import factories as f
from tests.rekognition import build_case

pytestmark = pytest.mark.django_db

URL = reverse("controversies:search")
needs_postgres = pytest.mark.services
sqlite_only = pytest.mark.skipif(
    settings.IS_POSTGRES, reason="the fallback runs when DATABASE_URL is not PostgreSQL"
)


def _groups(response) -> dict[str, list[str]]:
    return {g.key: [h.url for h in g.hits] for g in response.context["results"].groups}


def test_it_shows_an_empty_box_without_a_query(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()
    assert response.context["results"].groups == []


def test_it_makes_the_rekognition_case_the_top_result(client):
    case = build_case()
    response = client.get(URL, {"q": "Rekognition"})
    assert response.status_code == 200
    groups = _groups(response)
    first_group = response.context["results"].groups[0]
    assert first_group.key == "controversies"
    assert first_group.hits[0].url == case.controversy.get_absolute_url()
    assert case.rekognition.get_absolute_url() in groups["products"]
    assert any(
        url.startswith(case.controversy.get_absolute_url() + "?event=") for url in groups["events"]
    )
    assert "<mark>Rekognition</mark>" in response.content.decode()


def test_it_finds_organisations_and_sources(client):
    case = build_case()
    groups = _groups(client.get(URL, {"q": "Harrington"}))
    assert groups["organizations"] == [case.harrington.get_absolute_url()]
    sources = _groups(client.get(URL, {"q": "pressure mounts"}))
    assert sources["sources"] == [
        "https://www.aclu.org/press-releases/pressure-mounts-amazon-microsoft-and-google"
    ]
    html = client.get(URL, {"q": "pressure mounts"}).content.decode()
    # A source links to the case that cites it.
    assert case.controversy.get_absolute_url() + "?event=" in html


def test_it_serves_the_results_fragment_to_htmx(client):
    build_case()
    response = client.get(URL, {"q": "Rekognition"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.strip().startswith('<section id="results"')
    assert "<form" not in body
    assert "HX-Request" in response["Vary"]


def test_it_cuts_an_over_long_query_instead_of_failing(client):
    build_case()
    response = client.get(URL, {"q": "Rekognition " + "x" * 5000})
    assert response.status_code == 200
    assert len(response.context["results"].query) == search_selectors.MAX_QUERY_LENGTH
    assert "only its first 200 characters" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    ["\x00Rekognition", '"unbalanced', "-", "!!!", "a & b | c", "(((", "' OR 1=1 --", "or"],
)
def test_it_survives_odd_queries(client, query):
    build_case()
    response = client.get(URL, {"q": query})
    assert response.status_code == 200


def test_it_escapes_stored_text_in_results(client):
    controversy = f.ControversyFactory(
        title="<img src=x onerror=alert(1)> Rekognition", summary="<script>Rekognition</script>"
    )
    html = client.get(URL, {"q": "Rekognition"}).content.decode()
    assert controversy.get_absolute_url() in html
    assert "<img src=x" not in html and "<script>Rekognition" not in html
    assert "&lt;img" in html


def test_it_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    build_case()
    for i in range(40):
        controversy = f.ControversyFactory(title=f"AI case {i}", summary="An AI system failed.")
        event = f.EventFactory(controversy=controversy, title=f"AI event {i}")
        source = f.SourceFactory(title=f"AI story {i}")
        event.citations.create(source=source, position=1)
        f.ProductFactory(name=f"AI product {i}")
        f.OrganizationFactory(name=f"AI lab {i}", description="Builds AI.")
    with django_assert_max_num_queries(8):
        response = client.get(URL, {"q": "AI"})
    groups = response.context["results"].groups
    assert all(len(g.hits) <= search_selectors.PER_KIND for g in groups)
    assert {g.key for g in groups} == {
        "controversies",
        "events",
        "organizations",
        "products",
        "sources",
    }
    assert all(g.more for g in groups)


# --- PostgreSQL full text ----------------------------------------------------------------


@needs_postgres
def test_it_supports_websearch_syntax(client):
    build_case()
    f.ControversyFactory(title="Police facial recognition in London", slug="met-frt")
    f.ControversyFactory(title="Facial recognition at school gates", slug="school-frt")
    police = _groups(client.get(URL, {"q": '"facial recognition" police'}))["controversies"]
    # The Rekognition case has the phrase in its topic and "police" in its title.
    assert set(police) == {"/controversies/met-frt/", "/controversies/amazon-rekognition/"}
    not_police = _groups(client.get(URL, {"q": '"facial recognition" -police'}))
    assert not_police["controversies"] == ["/controversies/school-frt/"]
    either = _groups(client.get(URL, {"q": "london or school"}))["controversies"]
    assert set(either) == {"/controversies/met-frt/", "/controversies/school-frt/"}


@needs_postgres
def test_it_stems_words_and_highlights_snippets(client):
    build_case()
    # "pushed" in the summary matches "pushing" through English stemming.
    response = client.get(URL, {"q": "pushing back"})
    hits = response.context["results"].groups[0].hits
    assert hits[0].url == "/controversies/amazon-rekognition/"
    assert "<mark>pushed</mark> <mark>back</mark>" in hits[0].snippet


@needs_postgres
def test_it_ranks_title_matches_above_summary_matches(client):
    f.ControversyFactory(title="Something else", summary="Mentions drones once.", slug="aside")
    f.ControversyFactory(title="Military drones", summary="Autonomous targeting.", slug="drones")
    assert _groups(client.get(URL, {"q": "drones"}))["controversies"][0] == "/controversies/drones/"


@needs_postgres
def test_it_finds_misspelt_names_by_trigram_similarity(client):
    case = build_case()
    groups = _groups(client.get(URL, {"q": "Rekognitoin"}))
    assert groups["products"] == [case.rekognition.get_absolute_url()]


@needs_postgres
def test_it_uses_the_search_indexes(client):
    """The stored vectors of migration 0005 and the trigram indexes of 0003 are indexed;
    with sequential scans disabled the plans name the indexes."""
    build_case()
    query = vectors.websearch("rekognition")
    # No ORDER BY: a btree walked in sort order with a filter is otherwise a valid plan.
    candidates = (
        Controversy.objects.annotate(document=vectors.StoredVector())
        .filter(document=query)
        .order_by()
    )
    names = Product.objects.filter(name__trigram_similar="rekognitoin").order_by()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    assert "controversy_vector_idx" in candidates.explain()
    assert "product_trgm_idx" in names.explain()


@needs_postgres
def test_it_keeps_stored_vectors_up_to_date(client):
    """GIVEN a controversy WHEN its title is edited THEN search finds the new words only:
    PostgreSQL recomputes the generated column on every write."""
    controversy = f.ControversyFactory(title="Chatbot outage", slug="outage")
    controversy.title = "Heliograph failure"
    controversy.save()
    assert _groups(client.get(URL, {"q": "heliograph"}))["controversies"] == [
        "/controversies/outage/"
    ]
    assert "controversies" not in _groups(client.get(URL, {"q": "chatbot"}))


@needs_postgres
def test_it_keeps_a_common_term_bounded_to_the_newest_candidates(client, monkeypatch):
    monkeypatch.setattr(postgres, "CANDIDATES", 5)
    for i in range(12):
        f.EventFactory(
            controversy=f.ControversyFactory(title=f"Harm {i}", slug=f"ai-{i}"),
            occurred_on=dt.date(2010 + i, 1, 1),
            title=f"AI event {i}",
        )
    events = _groups(client.get(URL, {"q": "AI"}))["events"]
    # Only the five newest matches are ranked: events from 2017 to 2021.
    years = sorted(int(url.split("ai-")[1].split("/")[0]) for url in events)
    assert years == [7, 8, 9, 10, 11]


# --- SQLite fallback ---------------------------------------------------------------------


@sqlite_only
def test_it_falls_back_to_word_matching_on_sqlite(client):
    case = build_case()
    f.ControversyFactory(title="Police facial recognition in London", slug="met-frt")
    groups = _groups(client.get(URL, {"q": "facial London"}))
    assert groups["controversies"] == ["/controversies/met-frt/"]
    excluded = _groups(client.get(URL, {"q": "Rekognition -police"}))
    assert case.controversy.get_absolute_url() not in excluded.get("controversies", [])
    html = client.get(URL, {"q": "rekognition"}).content.decode()
    assert "<mark>Rekognition</mark>" in html
    assert "simple search" in client.get(URL, {"q": "zzzz"}).content.decode()


def test_it_reads_websearch_words_for_the_fallback():
    include, exclude = search_selectors.plain_terms('"facial recognition" -police or drones')
    assert include == ["facial recognition", "drones"]
    assert exclude == ["police"]


def test_it_puts_an_exact_name_or_alias_first(client):
    case = build_case()
    f.AdvocacyGroupFactory(name="ACLU of Washington", slug="aclu-wa")
    f.AdvocacyGroupFactory(name="ACLU of California", slug="aclu-ca")
    organizations = _groups(client.get(URL, {"q": "ACLU"}))["organizations"]
    assert organizations[0] == case.aclu.get_absolute_url()
    assert set(organizations[1:]) >= {"/organizations/aclu-wa/", "/organizations/aclu-ca/"}
    # Odd characters in the query stay literal inside the alias pattern.
    assert client.get(URL, {"q": r"ACLU\1 (x|y) [z"}).status_code == 200


@needs_postgres
def test_it_ranks_only_candidate_names_yet_keeps_exact_and_similar_names(client, monkeypatch):
    """GIVEN more organisations match a word than are ranked WHEN searching for it
    THEN an exact name and a trigram-similar name are still found."""
    monkeypatch.setattr(postgres, "CANDIDATES", 5)
    for i in range(12):
        f.OrganizationFactory(name=f"Robotics lab {i}", slug=f"lab-{i}")
    f.OrganizationFactory(name="Robotics", slug="robotics")
    organizations = _groups(client.get(URL, {"q": "robotics"}))["organizations"]
    assert organizations[0] == "/organizations/robotics/"
    assert len(organizations) <= search_selectors.PER_KIND
    misspelt = _groups(client.get(URL, {"q": "Robotcs"}))["organizations"]
    assert "/organizations/robotics/" in misspelt


def test_it_matches_an_alias_in_any_case_and_spacing(client):
    """GIVEN aliases with stray spaces and blank lines WHEN searching for one in another
    case THEN that organisation is an exact match; part of an alias is not."""
    f.OrganizationFactory(name="Open Lab of Ghent", slug="olg", aliases="  Open Lab \n\n  OLG  ")
    f.OrganizationFactory(name="OLG Partners", slug="olg-partners")
    assert _groups(client.get(URL, {"q": "olg"}))["organizations"][0] == "/organizations/olg/"
    exact = matching.exact_name_filter
    assert not Organization.objects.filter(exact("Open")).exists()
    assert Organization.objects.filter(exact("open lab")).count() == 1
