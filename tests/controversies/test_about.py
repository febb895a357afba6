"""The About / methodology page."""

from __future__ import annotations

import lxml.html
import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def about(client) -> lxml.html.HtmlElement:
    response = client.get("/about/")
    assert response.status_code == 200
    return lxml.html.fromstring(response.content)


def section(doc: lxml.html.HtmlElement, anchor: str) -> str:
    return " ".join(doc.xpath(f"//section[@id='{anchor}']")[0].text_content().split())


def test_it_explains_what_is_tracked_and_what_gets_in(client):
    doc = about(client)
    assert doc.xpath("//h1")[0].text == "About and methodology"
    assert "controversies" in section(doc, "tracked")
    assert "campaigners" in section(doc, "tracked")
    inclusion = section(doc, "inclusion")
    assert "identifiable company" in inclusion
    assert "backed by documents" in inclusion
    assert "review queue" in inclusion


def test_it_says_how_facts_are_sourced(client):
    sourcing = section(about(client), "sourcing")
    assert "Every fact cites a document." in sourcing
    assert "unsourced" in sourcing
    assert "archived copy" in sourcing


def test_it_gives_both_support_conventions_and_which_one_is_shown(client):
    support = section(about(client), "support")
    assert "for ÷ (for + against)" in support
    assert "for ÷ (for + against + abstentions)" in support
    assert "Broker non-votes" in support
    assert "as reported" in support
    assert "abstentions-counted-as-against figure" in support


@override_settings(CORRECTIONS_EMAIL="fixes@tracker.example.net")
def test_it_gives_the_corrections_address_from_the_settings(client):
    doc = about(client)
    corrections = section(doc, "corrections")
    assert "fixes@tracker.example.net" in corrections
    mailto = doc.xpath("//section[@id='corrections']//a[starts-with(@href, 'mailto:')]")[0]
    assert mailto.get("href") == "mailto:fixes@tracker.example.net?subject=Correction"


def test_it_escapes_the_corrections_address(client):
    with override_settings(CORRECTIONS_EMAIL='a"<b>@example.org'):
        html = client.get("/about/").content.decode()
    assert "<b>" not in html
    assert "a%22%3Cb%3E@example.org" in html


def test_it_states_the_data_licence(client):
    licence = section(about(client), "licence")
    assert "Open Database License (ODbL) 1.0" in licence
    assert "Database Contents License" in licence


def test_every_page_links_it_from_the_footer(client):
    doc = lxml.html.fromstring(client.get("/").content)
    hrefs = doc.xpath("//footer//a/@href")
    assert "/about/" in hrefs
    assert "/about/#corrections" in hrefs
    assert client.get("/about/").status_code == 200


def test_it_refuses_to_be_written_to(client):
    assert client.post("/about/").status_code == 405
