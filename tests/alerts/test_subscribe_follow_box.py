"""The "Follow by email" link of each page's Follow box names the same thing its feed
follows: the list's applied filters, the controversy, the organisation (as company or
as actor), the campaign or the coalition; and its form opens."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.scenarios import rekognition_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return rekognition_world()


def email_link(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    box = re.search(r'<section class="follow-box".*?</section>', response.content.decode(), re.S)
    found = re.search(r'<a href="([^"]+)" data-follow="email"[^>]*>Follow by email<', box[0])
    assert found, url
    return html.unescape(found[1])


@pytest.mark.parametrize(
    ("page", "params", "label"),
    [
        ("/controversies/", {"filter": ""}, "All controversies"),
        (
            "/controversies/?company=Microsoft&bogus=1",
            {"filter": "company=microsoft"},
            "Controversies filtered by company",
        ),
        (
            "/controversies/amazon-rekognition/",
            {"controversy": "amazon-rekognition"},
            "Timeline of",
        ),
        ("/organizations/amazon/", {"company": "amazon"}, "Controversies targeting Amazon"),
        ("/organizations/aclu/", {"actor": "aclu"}, "acted in"),
        (
            "/campaigns/rekognition-shareholders/",
            {"campaign": "rekognition-shareholders"},
            "campaign",
        ),
        ("/coalitions/face-coalition/", {"coalition": "face-coalition"}, "acted on"),
        ("/products/rekognition/", {"filter": "product=rekognition"}, "Controversies filtered by"),
        ("/search/?q=police", {"filter": "q=police"}, "Controversies filtered by words"),
    ],
)
def test_the_email_link_follows_what_the_page_shows(client, world, page, params, label):
    link = email_link(client, page)
    assert urlsplit(link).path == "/alerts/follow/"
    assert dict(parse_qsl(urlsplit(link).query, keep_blank_values=True)) == params
    form = client.get(link)
    assert form.status_code == 200
    assert label in form.content.decode()


def test_the_list_link_uses_the_same_filters_as_the_feed(client, world):
    page = client.get("/controversies/?company=amazon&topic=policing&year_from=2018").content
    box = re.search(rb'<section class="follow-box".*?</section>', page, re.S)[0].decode()
    feed = html.unescape(re.search(r'<a href="([^"]+)"[^>]*data-follow="feed"', box)[1])
    email = html.unescape(re.search(r'<a href="([^"]+)"[^>]*data-follow="email"', box)[1])
    followed = dict(parse_qsl(urlsplit(email).query, keep_blank_values=True))["filter"]
    assert sorted(parse_qsl(followed)) == sorted(parse_qsl(urlsplit(feed).query))
