"""Cite this page: plain text, BibTeX and CSL-JSON with the permalink and access date."""

from __future__ import annotations

import datetime as dt
import json
import re

import lxml.html
import pytest
from django.test import override_settings
from django.utils import timezone

from controversies.citation import Citation, bibtex_escape

TRICKY = r"Fees & 100% of {votes}: $5_000 #1 ^ ~ \ end"


def citation(**fields: object) -> Citation:
    values = {
        "title": TRICKY,
        "url": "https://tracker.example.org/controversies/x/",
        "accessed": dt.date(2026, 12, 5),
        "updated": dt.date(2026, 11, 30),
        "publisher": "AI Accountability Tracker",
        "key": "tracker-controversy-x",
    }
    return Citation(**(values | fields))


def braces_balance(text: str) -> bool:
    """Unescaped braces pair up and never close more than were opened."""
    depth = 0
    for match in re.finditer(r"\\.|[{}]", text):
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


# --- the formats ----------------------------------------------------------------------


def test_bibtex_escapes_every_special_character():
    assert bibtex_escape(TRICKY) == (
        r"Fees \& 100\% of \{votes\}: \$5\_000 \#1 \textasciicircum{} "
        r"\textasciitilde{} \textbackslash{} end"
    )


def test_bibtex_is_one_balanced_entry_with_the_permalink_and_dates():
    entry = citation().bibtex()
    assert entry.startswith("@misc{tracker-controversy-x,\n")
    assert braces_balance(entry)
    assert r"title = {{Fees \& 100\% of \{votes\}: \$5\_000" in entry
    assert "author = {{AI Accountability Tracker}}" in entry
    assert "url = {https://tracker.example.org/controversies/x/}" in entry
    assert "urldate = {2026-12-05}" in entry
    assert "year = {2026}" in entry and "month = nov" in entry
    # Nothing unescaped is left in the title's value.
    title = re.search(r"title = \{\{(.*)\}\},", entry).group(1)
    assert not re.search(r"(?<!\\)[&%$#_]", title)


def test_csl_json_is_valid_and_complete():
    items = json.loads(citation().csl_json())
    assert items == [
        {
            "id": "tracker-controversy-x",
            "type": "webpage",
            "title": TRICKY,
            "container-title": "AI Accountability Tracker",
            "publisher": "AI Accountability Tracker",
            "URL": "https://tracker.example.org/controversies/x/",
            "accessed": {"date-parts": [[2026, 12, 5]]},
            "issued": {"date-parts": [[2026, 11, 30]]},
        }
    ]


def test_plain_text_names_the_page_the_site_the_address_and_the_dates():
    assert citation(title="Amazon Rekognition").plain() == (
        "“Amazon Rekognition.” AI Accountability Tracker. Last updated 30 November 2026. "
        "https://tracker.example.org/controversies/x/ (accessed 5 December 2026)."
    )


# --- on the pages ---------------------------------------------------------------------


def cite_box(client, url: str) -> lxml.html.HtmlElement:
    response = client.get(url)
    assert response.status_code == 200
    boxes = lxml.html.fromstring(response.content).xpath("//details[@id='cite']")
    assert len(boxes) == 1
    return boxes[0]


def formats(box: lxml.html.HtmlElement) -> dict[str, str]:
    return {
        cls: box.xpath(f".//pre[@class='{cls}']")[0].text_content()
        for cls in ("cite-plain", "cite-bibtex", "cite-csl")
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "permalink", "title"),
    [
        (
            "/controversies/amazon-rekognition/?kind=report",
            "http://testserver/controversies/amazon-rekognition/",
            "Amazon Rekognition sold to police",
        ),
        (
            "/organizations/aclu/",
            "http://testserver/organizations/aclu/",
            "American Civil Liberties Union",
        ),
        (
            "/resolutions/amazon-2019-rekognition-ban/",
            "http://testserver/resolutions/amazon-2019-rekognition-ban/",
            "Ban sales of facial recognition to government (Amazon, 2019)",
        ),
    ],
)
def test_case_organisation_and_resolution_pages_can_be_cited(client, world, url, permalink, title):
    box = cite_box(client, url)
    assert box.get("open") is None  # folded until asked for; opens without JavaScript
    assert box.xpath("./summary")[0].text == "Cite this page"
    cited = formats(box)
    today = timezone.localdate()
    assert permalink in cited["cite-plain"]
    assert f"“{title}.”" in cited["cite-plain"]
    assert f"(accessed {today.day} {today:%B %Y})" in cited["cite-plain"]
    assert braces_balance(cited["cite-bibtex"])
    assert f"url = {{{permalink}}}" in cited["cite-bibtex"]
    item = json.loads(cited["cite-csl"])[0]
    assert item["URL"] == permalink
    assert item["title"] == title
    assert item["accessed"] == {"date-parts": [[today.year, today.month, today.day]]}

    download = box.xpath(".//a[@download]")[0].get("href")
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.citationstyles.csl+json")
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content) == json.loads(cited["cite-csl"])


@pytest.mark.django_db
def test_a_case_is_issued_when_its_latest_event_changed(client, world):
    event = world.rekognition.events.order_by("occurred_on").first()
    later = timezone.now() + dt.timedelta(days=3)
    type(event).objects.filter(pk=event.pk).update(updated_at=later)
    issued = timezone.localdate(later)
    for url in ("/controversies/amazon-rekognition/", "/cite/controversy/amazon-rekognition.json"):
        html = client.get(url).content.decode()
        assert f"[[{issued.year}, {issued.month}, {issued.day}]]" in html, url


@pytest.mark.django_db
@override_settings(SITE_NAME="Watchdog & Co")
def test_the_publisher_is_the_site_name(client, world):
    cited = formats(cite_box(client, "/organizations/amazon/"))
    assert json.loads(cited["cite-csl"])[0]["publisher"] == "Watchdog & Co"
    assert r"author = {{Watchdog \& Co}}" in cited["cite-bibtex"]


@pytest.mark.django_db
def test_the_permalink_uses_the_host_the_reader_came_to(client, world):
    with override_settings(ALLOWED_HOSTS=["tracker.example.org"]):
        response = client.get(
            "/cite/organization/aclu.json", headers={"host": "tracker.example.org"}, secure=True
        )
    assert (
        json.loads(response.content)[0]["URL"] == "https://tracker.example.org/organizations/aclu/"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/cite/event/amazon.json", "/cite/controversy/no-such-case.json", "/cite/resolution/x.json"],
)
def test_asking_to_cite_something_unknown_is_a_404(client, world, url):
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_it_escapes_curated_titles_in_every_format(client, world):
    world.aclu.name = "<script>alert(1)</script> & {co}"
    world.aclu.save()
    html = client.get("/organizations/aclu/").content.decode()
    assert "<script>alert(1)" not in html
    cited = formats(cite_box(client, "/organizations/aclu/"))
    assert json.loads(cited["cite-csl"])[0]["title"] == "<script>alert(1)</script> & {co}"
    assert r"\& \{co\}" in cited["cite-bibtex"]
