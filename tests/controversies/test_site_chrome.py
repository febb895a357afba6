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
def test_every_page_links_the_open_data_in_its_footer(client, demo, path, settings):
    page = client.get(path).content.decode()
    footer = page[page.index("<footer") :]
    open_data = footer[footer.index('<div class="footer-links">') :]
    links = re.findall(r'<a href="([^"]+)"', open_data)
    assert links == [
        "/feeds/events/",
        "/exports/controversies.csv",
        "/exports/controversies.json",
        "/api/docs",
        settings.DATASET_RELEASES_URL,
    ]
    for link in links[:-1]:
        assert client.get(link).status_code == 200, link


def test_the_footer_links_the_dataset_releases_where_the_setting_says(client, settings):
    settings.DATASET_RELEASES_URL = "https://data.example.org/tracker/releases?a=1&b=2"
    page = client.get("/search/").content.decode()
    footer = page[page.index("<footer") :]
    assert (
        '<a href="https://data.example.org/tracker/releases?a=1&amp;b=2">'
        "Dataset releases (whole database)</a>" in footer
    )
    settings.DATASET_RELEASES_URL = ""
    page = client.get("/search/").content.decode()
    assert "Dataset releases" not in page


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
