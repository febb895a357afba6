"""What every public page carries around its content: the open data it links to, the
feed a reader's feed reader finds, an icon, and no template text shown as prose."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

PAGES = ["/", "/controversies/", "/controversies/amazon-rekognition/", "/resolutions/", "/search/"]


@pytest.fixture
def demo(db: None) -> None:
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_links_the_open_data_in_its_footer(client, demo, path):
    page = client.get(path).content.decode()
    footer = page[page.index("<footer") :]
    links = re.findall(r'<a href="([^"]+)"', footer)
    assert links == [
        "/feeds/events/",
        "/exports/controversies.csv",
        "/exports/controversies.json",
        "/api/docs",
    ]
    for link in links:
        assert client.get(link).status_code == 200, link


@pytest.mark.parametrize("path", PAGES)
def test_every_page_announces_its_atom_feed_and_its_icon(client, demo, path):
    page = client.get(path).content.decode()
    head = page[: page.index("</head>")]
    feed = re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)"', head)
    assert feed, "feed readers find a site's feed through <link rel=alternate> in the head"
    assert client.get(feed[1])["Content-Type"].startswith("application/atom+xml")
    assert re.search(r'<link rel="icon" href="/static/favicon[^"]*\.svg"', head)


def test_browsers_asking_for_favicon_ico_are_sent_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert re.fullmatch(r"/static/favicon[^/]*\.svg", response["Location"])


def test_the_api_docs_answer_with_a_trailing_slash_too(client):
    response = client.get("/api/docs/", follow=True)
    assert response.redirect_chain == [("/api/docs", 301)]
    assert response.status_code == 200


def test_the_controversy_list_shows_no_template_comment_as_text(client, demo):
    page = client.get("/controversies/").content.decode()
    assert "{#" not in page and "#}" not in page
    assert "hx-sync keeps only" not in page
