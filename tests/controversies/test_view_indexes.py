"""The index pages of organisations, products, campaigns, coalitions and topics."""

from __future__ import annotations

import html
import re

import pytest

from controversies import index_selectors
from controversies.models import Organization
from tests import factories as f

pytestmark = pytest.mark.django_db


def rows(response) -> list[tuple[str, ...]]:
    """Each table row as the reader sees it: (name, [kind,] controversies, latest)."""
    assert response.status_code == 200
    text = response.content.decode()
    found = []
    for row in re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", text, flags=re.S):
        cells = re.findall(r"<(?:th|td)[^>]*>(.*?)</t[hd]>", "<th>" + row, flags=re.S)
        found.append(tuple(html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells))
    return found


def names(response) -> list[str]:
    return [row[0] for row in rows(response)]


def links(response) -> dict[str, str]:
    text = response.content.decode()
    return {
        html.unescape(name): html.unescape(href)
        for href, name in re.findall(r'<th scope="row"><a href="([^"]+)">([^<]+)</a>', text)
    }


def notices(response) -> list[str]:
    found = re.findall(r'<p class="notice" role="status">([^<]+)</p>', response.content.decode())
    return [html.unescape(n) for n in found]


def heading(response) -> str:
    match = re.search(r'<h2 id="results-heading"[^>]*>(.*?)</h2>', response.content.decode(), re.S)
    return " ".join(html.unescape(match[1]).split())


def test_the_organisation_index_lists_every_organisation_most_involved_first(client, world):
    response = client.get("/organizations/")
    listed = rows(response)
    assert listed[:5] == [
        ("Microsoft", "Company", "2", "2 Nov 2023"),
        ("Amazon", "Company", "1", "1 Jan 2021"),
        ("American Civil Liberties Union", "Advocacy group", "1", "1 Jan 2021"),
        ("Electronic Frontier Foundation", "Advocacy group", "1", "11 Jun 2020"),
        ("Open MIC", "Investor", "1", "1 Jan 2021"),
    ]
    # Filers and developers of nothing contested are listed too, after the involved ones.
    assert ("Sisters of St. Joseph of Brentwood", "Investor", "0", "none recorded") in listed[5:]
    assert len(listed) == Organization.objects.count()
    assert heading(response) == f"{Organization.objects.count()} organisations"
    assert links(response)["Amazon"] == "/organizations/amazon/"


def test_british_spelling_redirects_keeping_the_query(client, world):
    response = client.get("/organisations/?kind=investor")
    assert response.status_code in (301, 302)
    assert response["Location"] == "/organizations/?kind=investor"


def test_the_kind_filter_lists_one_kind_and_counts_every_kind(client, world):
    response = client.get("/organizations/?kind=advocacy_group")
    assert names(response) == ["American Civil Liberties Union", "Electronic Frontier Foundation"]
    text = response.content.decode()
    investors = Organization.objects.filter(kind="investor").count()
    assert re.search(r'kind=investor">Investor <span class="count">(\d+)</span>', text)[1] == str(
        investors
    )
    assert re.search(
        r'kind=advocacy_group" aria-current="true">Advocacy group <span class="count">2</span>',
        text,
    )


def test_sort_by_name_ignores_case(client, world):
    f.AdvocacyGroupFactory(name="access Now", slug="access-now")
    response = client.get("/organizations/?sort=name&kind=advocacy_group")
    assert names(response) == [
        "access Now",
        "American Civil Liberties Union",
        "Electronic Frontier Foundation",
    ]
    involved = client.get("/organizations/?kind=advocacy_group")
    assert names(involved)[-1] == "access Now"  # no controversy: after the involved ones


def test_search_finds_an_alias_with_every_word_ignoring_case(client, world):
    world.amazon.aliases = "Amazon.com\nAmazon Web Services"
    world.amazon.save()
    assert names(client.get("/organizations/?q=web+SERVICES")) == ["Amazon"]
    assert names(client.get("/organizations/?q=liberties+civil")) == [
        "American Civil Liberties Union"
    ]
    # Every word must be found: one that matches nothing empties the list.
    empty = client.get("/organizations/?q=civil+microsoft")
    assert rows(empty) == []
    text = html.unescape(empty.content.decode())
    assert "No organisation has a name containing every word of “civil microsoft”" in text
    assert 'href="/organizations/">see every organisation</a>' in text


def test_search_and_kind_combine_and_the_counts_follow_the_search(client, world):
    response = client.get("/organizations/?q=a&kind=company")
    assert set(names(response)) >= {"Amazon"}
    assert "Microsoft" not in names(response)  # no "a" in it
    text = response.content.decode()
    assert re.search(r'kind=advocacy_group&amp;q=a">Advocacy group <span class="count">2<', text)


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ("kind=regulator", "Unknown kind “regulator” ignored: showing every kind."),
        ("sort=popularity", "Unknown order “popularity” ignored: most involved first."),
        ("page=abc", "Ignored the page number “abc”: showing the first page."),
    ],
)
def test_unknown_values_give_a_notice_not_an_error(client, world, query, notice):
    response = client.get(f"/organizations/?{query}")
    assert notice in notices(response)
    assert names(response)[0] == "Microsoft"


def test_a_kind_on_an_index_without_kinds_is_ignored_with_a_notice(client, world):
    response = client.get("/products/?kind=company")
    assert "Unknown kind “company” ignored: showing every kind." in notices(response)
    assert names(response) == ["Face API", "Rekognition"]


def test_pages_hold_page_size_rows_with_links_and_a_late_page_shows_the_last(
    client, world, monkeypatch
):
    monkeypatch.setattr(index_selectors, "PAGE_SIZE", 3)
    total = Organization.objects.count()
    last = -(-total // 3)
    first = client.get("/organizations/?sort=name")
    assert len(rows(first)) == 3
    text = html.unescape(first.content.decode())
    assert f"Page 1 of {last}" in text
    assert 'href="/organizations/?page=2&sort=name"' in text
    assert re.search(rf'href="/organizations/\?page={last}&sort=name"[^>]*>Last<', text)
    second = client.get("/organizations/?sort=name&page=2")
    assert not set(names(first)) & set(names(second))
    beyond = client.get("/organizations/?sort=name&page=999")
    assert f"There are only {last} pages: showing the last one." in notices(beyond)
    assert f"Page {last} of {last}" in beyond.content.decode()
    assert len(rows(beyond)) == total - 3 * (last - 1)


def test_products_campaigns_coalitions_and_topics_have_indexes(client, world):
    assert rows(client.get("/products/")) == [
        ("Face API", "1", "11 Jun 2020"),
        ("Rekognition", "1", "1 Jan 2021"),
    ]
    assert rows(client.get("/campaigns/?sort=name")) == [
        ("No face surveillance", "1", "11 Jun 2020"),
        ("Stop selling Rekognition to government", "1", "1 Jan 2021"),
    ]
    # The coalition signed a letter on one controversy and runs a campaign on another.
    assert rows(client.get("/coalitions/")) == [("Face surveillance coalition", "2", "1 Jan 2021")]
    topics = client.get("/topics/")
    assert rows(topics) == [
        ("Facial recognition", "2", "1 Jan 2021"),
        ("Misinformation", "1", "2 Nov 2023"),
        ("Policing", "1", "1 Jan 2021"),
    ]
    assert links(topics)["Policing"] == "/controversies/?topic=policing"
    assert links(client.get("/products/"))["Rekognition"] == "/products/rekognition/"


def test_a_new_record_shows_at_once(client, world):
    assert "Clearview AI" not in names(client.get("/organizations/"))
    f.CompanyFactory(name="Clearview AI", slug="clearview")
    assert "Clearview AI" in names(client.get("/organizations/"))


def test_an_index_with_no_records_says_so(client, db):
    response = client.get("/coalitions/")
    assert rows(response) == []
    assert "No coalition is on record." in html.unescape(response.content.decode())


def test_each_index_offers_its_feed_and_downloads_for_what_it_lists(client, world):
    text = html.unescape(client.get("/organizations/?kind=investor&q=open").content.decode())
    assert 'href="/feeds/organizations/?kind=investor&q=open"' in text
    assert 'href="/exports/organizations.csv?kind=investor&q=open"' in text
    assert 'href="/exports/organizations.json?kind=investor&q=open"' in text
    assert (
        '<link rel="alternate" type="application/atom+xml" title="These organisations (Atom)" '
        'href="/feeds/organizations/?kind=investor&q=open">' in text
    )
    topics = html.unescape(client.get("/topics/?sort=name").content.decode())
    assert 'href="/feeds/topics/?sort=name"' in topics
    assert "API query" not in topics  # the API has no topic listing


def test_the_header_links_to_the_organisation_index(client, world):
    text = client.get("/").content.decode()
    assert '<a href="/organizations/">Organisations</a>' in text


def test_htmx_gets_only_the_results_with_a_tidy_address(client, world):
    response = client.get(
        "/organizations/?q=&kind=investor&sort=name", headers={"HX-Request": "true"}
    )
    text = response.content.decode()
    assert text.lstrip().startswith('<div id="results"')
    assert "<html" not in text
    assert response["HX-Push-Url"] == "/organizations/?kind=investor&sort=name"


def test_a_form_sent_without_javascript_drops_its_empty_fields(client, world):
    response = client.get("/organizations/?q=&sort=name")
    assert response.status_code == 302
    assert response["Location"] == "/organizations/?sort=name"


@pytest.mark.parametrize(
    "path",
    [
        "/organizations/",
        "/organizations/?kind=company&sort=name",
        "/organizations/?q=amazon+com",
        "/products/",
        "/campaigns/",
        "/coalitions/",
        "/topics/",
    ],
)
def test_an_index_costs_the_same_few_queries_with_many_records(
    client, world, path, django_assert_max_num_queries
):
    # Cold: the involvement of every record (1) and their names (1), then the page's rows
    # (1); search words are matched against the names kept with the involvement.
    with django_assert_max_num_queries(3):
        small = client.get(path)
    for _ in range(3):
        controversy = f.ControversyFactory(topics=[f.TopicFactory()])
        for n in range(20):
            company = f.CompanyFactory(name=f"Amazon.com {n}")
            controversy.companies.add(company)
            f.ProductFactory(developer=company).controversies.add(controversy)
    with django_assert_max_num_queries(3):
        large = client.get(path)
    assert small.status_code == large.status_code == 200
    # Warm: the standing is kept, so only the rows are read.
    with django_assert_max_num_queries(1):
        client.get(path)


def test_an_unreachable_cache_does_not_make_every_request_recount(
    client, world, monkeypatch, django_assert_max_num_queries
):
    """GIVEN the cache is unreachable (no generation can be read)
    WHEN readers keep asking for an index page
    THEN the page still lists its records and, after the first request, reads only its
    rows: the standing last read stands in rather than a recount per request."""
    index_selectors._remembered.clear()
    monkeypatch.setattr(index_selectors.facets, "generation", lambda: None)
    first = client.get("/organizations/")
    assert "Amazon" in names(first)
    with django_assert_max_num_queries(1):
        again = client.get("/organizations/")
    assert names(again) == names(first)


def test_each_index_links_to_the_others(client, world):
    text = client.get("/products/").content.decode()
    for path in ("/organizations/", "/campaigns/", "/coalitions/", "/topics/"):
        assert f'<a href="{path}">' in text
    assert '<a href="/products/" aria-current="page">Products</a>' in text
