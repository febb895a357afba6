from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_it_finds_a_tracked_url_in_another_spelling(client, world):
    # GIVEN the source https://www.aclu.org/letter, WHEN asked about the same address with
    # an upper-case host, tracking parameters and a fragment, THEN it is found.
    response = client.get(
        "/api/tracked",
        {"url": "https://WWW.ACLU.org/letter?utm_source=twitter&fbclid=abc#top"},
    )
    assert response.status_code == 200
    data = response.json()
    assert data["tracked"] is True
    assert data["canonical_url"] == "https://www.aclu.org/letter"
    assert data["source"]["title"] == "ACLU letter to Amazon"
    assert data["controversies"] == [
        {"slug": "amazon-rekognition", "title": "Amazon Rekognition sold to police"}
    ]
    assert [e["title"] for e in data["events"]] == [
        "ACLU reveals sales to police",
        "Test misidentifies 28 members of Congress",
    ]


def test_it_says_when_a_url_is_not_tracked(client, world):
    data = client.get("/api/tracked", {"url": "https://example.com/new-story"}).json()
    assert data["tracked"] is False
    assert data["source"] is None
    assert data["controversies"] == [] and data["events"] == []


@pytest.mark.parametrize(
    "url", ["ftp://example.com/file", "javascript:alert(1)", "example.com", ""]
)
def test_it_answers_400_for_a_url_that_is_not_http(client, world, url):
    response = client.get("/api/tracked", {"url": url})
    assert response.status_code == 400
    assert "http" in response.json()["detail"]


def test_it_answers_400_without_a_url(client, world):
    response = client.get("/api/tracked")
    assert response.status_code == 400
    assert "url" in response.json()["detail"]
