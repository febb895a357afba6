"""The list page's company, product, organisation, coalition and topic filters take a
slug, a name or an alias in any case; an ambiguous name lets the reader choose; a known
organisation involved in nothing gives an empty list; ``organisation`` and
``organization`` are the same filter, and the page keeps the spelling it was given."""

from __future__ import annotations

import re

import pytest
from django.http import QueryDict

from controversies.filter_lookup import Lookup
from controversies.models import Controversy, Organization
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = "/controversies/"
ACLU_CASES = ["Amazon Rekognition sold to police", "Microsoft face API and police"]


def titles(response) -> list[str]:
    html = response.content.decode()
    return re.findall(r'<h3><a href="/controversies/[^"]+/">([^<]+)</a></h3>', html)


def notices(response) -> list[str]:
    return re.findall(r'<p class="notice" role="status">([^<]+)</p>', response.content.decode())


def chips(response) -> list[str]:
    html = response.content.decode()
    found = re.search(r'<ul class="chips"[^>]*>(.*?)</ul>', html, re.S)
    return re.findall(r'aria-label="Remove filter ([^"]+)"', found.group(1)) if found else []


@pytest.fixture
def named(world):
    world.aclu.aliases = "ACLU\nAmerican Civil Liberties Union Foundation"
    world.aclu.save()
    world.amazon.aliases = "Amazon.com\nAmazon.com, Inc."
    world.amazon.save()
    return world


@pytest.mark.parametrize("value", ["ACLU", "aclu", "Aclu", "american+civil+liberties+union"])
def test_an_advocacy_group_is_found_by_its_alias_or_name(client, named, value):
    response = client.get(f"{URL}?organisation={value}")
    assert response.status_code == 200
    assert titles(response) == ACLU_CASES
    assert notices(response) == []
    assert chips(response) == ["organisation: American Civil Liberties Union"]


@pytest.mark.parametrize(
    "value", ["amazon", "Amazon", "Amazon.com", "amazon.COM", "AMAZON.COM,+INC."]
)
def test_a_company_is_found_by_its_slug_name_or_alias(client, named, value):
    response = client.get(f"{URL}?company={value}")
    assert titles(response) == ["Amazon Rekognition sold to police"]
    assert notices(response) == []
    # Links built from the page carry the slug the value was found to name.
    assert 'href="/controversies/?company=amazon&amp;topic=policing"' in response.content.decode()


def test_an_ambiguous_alias_shows_the_candidates_to_choose_from(client, named):
    f.AdvocacyGroupFactory(
        name="ACLU of Northern California", slug="aclu-norcal", aliases="ACLU NorCal\nACLU"
    )
    response = client.get(f"{URL}?organisation=ACLU&status=ongoing")
    assert response.status_code == 200
    html = response.content.decode()
    # Nothing guessed: the organisation filter is not applied, the other one is.
    assert chips(response) == ["status: Ongoing"]
    choice = html[html.index("notice-choose") : html.index("</ul>", html.index("notice-choose"))]
    assert "More than one organisation matches “ACLU”" in choice
    links = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', choice)
    assert links == [
        (
            "/controversies/?organisation=aclu-norcal&amp;status=ongoing",
            "ACLU of Northern California",
        ),
        ("/controversies/?organisation=aclu&amp;status=ongoing", "American Civil Liberties Union"),
    ]
    # Following a candidate's link filters by it.
    assert titles(client.get(f"{URL}?organisation=aclu&status=ongoing")) == [
        title for title in ACLU_CASES if title in titles(response)
    ]
    # The same choice in an HTMX swap of the results.
    partial = client.get(f"{URL}?organisation=ACLU", headers={"HX-Request": "true"})
    assert "More than one organisation matches" in partial.content.decode()


def test_a_known_organisation_without_controversies_gives_an_empty_list(client, world):
    f.AdvocacyGroupFactory(name="Quiet Group", slug="quiet-group")
    for query in ("organisation=quiet-group", "organisation=QUIET+GROUP", "company=quiet-group"):
        response = client.get(f"{URL}?{query}")
        assert titles(response) == []
        assert notices(response) == []
        assert "No controversy matches these filters." in response.content.decode()
    # An advocacy group is never a target company: empty, not "unknown".
    response = client.get(f"{URL}?company=aclu")
    assert titles(response) == []
    assert notices(response) == []


def test_an_unknown_value_keeps_its_notice(client, world):
    response = client.get(f"{URL}?company=alphabet")
    assert response.status_code == 200
    assert len(titles(response)) == 3
    assert notices(response)[0].startswith("Ignored the unknown company “alphabet”.")


def test_both_spellings_give_the_same_list(client, named):
    for value in ("aclu", "ACLU", "eff"):
        british = client.get(f"{URL}?organisation={value}")
        american = client.get(f"{URL}?organization={value}")
        assert titles(british) == titles(american)
        assert titles(american)
    unknown = client.get(f"{URL}?organization=nobody")
    assert notices(unknown)[0].startswith("Ignored the unknown organisation “nobody”.")


def test_the_page_keeps_the_spelling_it_was_given(client, world):
    html = client.get(f"{URL}?organization=aclu").content.decode()
    form = html[html.index('<form id="filter-form"') : html.index("</form>")]
    assert 'name="organization" value="aclu"' in form
    assert 'name="organisation"' not in form
    # Facet links, the chip that removes the filter and the pages keep "organization".
    assert 'href="/controversies/?organization=aclu&amp;topic=policing"' in html
    assert "organisation=" not in html.replace("organisation=aclu", "")
    html = client.get(URL).content.decode()
    assert 'name="organisation"' in html and 'name="organization"' not in html


def test_the_two_spellings_with_different_values_are_not_guessed(client, world):
    response = client.get(f"{URL}?organisation=aclu&organization=eff")
    assert response.status_code == 200
    assert len(titles(response)) == 3
    assert "two different organisations" in notices(response)[0]


def test_names_cost_at_most_one_query_each(client, named, django_assert_max_num_queries):
    client.get(f"{URL}?organisation=aclu")  # warms the facet cache
    with django_assert_max_num_queries(6) as by_slug:
        client.get(f"{URL}?organisation=aclu")
    with django_assert_max_num_queries(len(by_slug) + 1):
        client.get(f"{URL}?organisation=ACLU")


# --- the rule itself --------------------------------------------------------------------------


def _find(value: str) -> list[str]:
    return [c.slug for c in Lookup(Organization, aliases=True).find(value)]


def test_an_exact_slug_wins_over_another_records_alias(db):
    f.AdvocacyGroupFactory(name="American Civil Liberties Union", slug="aclu")
    f.AdvocacyGroupFactory(name="ACLU of Washington", slug="aclu-wa", aliases="aclu")
    assert _find("aclu") == ["aclu"]
    assert sorted(_find("ACLU")) == ["aclu", "aclu-wa"]


def test_a_name_gets_no_precedence_over_an_alias(db):
    f.CompanyFactory(name="Google", slug="google-llc")
    f.CompanyFactory(name="Alphabet", slug="alphabet", aliases="Google\nAlphabet Inc.")
    assert sorted(_find("google")) == ["alphabet", "google-llc"]
    assert _find("alphabet inc.") == ["alphabet"]
    assert _find("Alphabet Inc") == []  # an alias is matched whole, not in part


def test_an_alias_with_regex_characters_is_matched_literally(db):
    f.CompanyFactory(name="C3 AI", slug="c3", aliases="C3.ai (Inc.)\n[C3]")
    assert _find("c3.ai (inc.)") == ["c3"]
    assert _find("[c3]") == ["c3"]
    assert _find("C3Xai (Inc.)") == []


def test_the_filter_reports_each_problem(world):
    from controversies.filters import ControversyFilter

    f.AdvocacyGroupFactory(
        name="Another ACLU", slug="aclu-2", aliases="American Civil Liberties Union"
    )
    filterset = ControversyFilter(
        QueryDict("organization=american+civil+liberties+union&company=nobody&year_to=x"),
        queryset=Controversy.objects.all(),
    )
    assert [(p.param, p.kind) for p in filterset.problems] == [
        ("company", "unknown"),
        ("organization", "ambiguous"),
        ("year_to", "invalid"),
    ]
    assert [c.slug for c in filterset.ambiguities[0].candidates] == ["aclu", "aclu-2"]
    assert filterset.active == {}
