from __future__ import annotations

import datetime as dt

import pytest

from ingestion.pipeline.extract import ExtractionError, extract_page
from tests.ingestion.documents import STORY, page

URL = "https://news.example.test/2024/05/rekognition-police"


def test_it_prefers_the_json_ld_date_and_metadata():
    body = page(
        title="Page title | Example News",
        paragraphs=STORY,
        json_ld={
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": "Amazon sold face recognition to police",
            "datePublished": "2024-05-02T08:00:00Z",
            "author": [{"@type": "Person", "name": "Dana Reporter"}],
            "publisher": {"@type": "Organization", "name": "Example News"},
        },
        og={"article:published_time": "2024-04-01T00:00:00Z", "og:site_name": "Example"},
    )

    extracted = extract_page(body, url=URL, feed_date=dt.date(2024, 3, 3))

    assert extracted.published_on == dt.date(2024, 5, 2)
    assert extracted.date_source == "json_ld"
    assert extracted.title == "Amazon sold face recognition to police"
    assert extracted.author == "Dana Reporter"
    assert extracted.site_name == "Example"  # og:site_name names the site itself
    assert extracted.language == "en"
    assert "28 members of Congress" in extracted.text
    assert "All rights reserved" not in extracted.text  # boilerplate left out


def test_it_uses_opengraph_when_there_is_no_json_ld():
    body = page(
        title="Fallback title",
        paragraphs=STORY,
        og={
            "og:title": "Rekognition misidentified lawmakers",
            "og:site_name": "OG Daily",
            "article:published_time": "2024-04-20T10:00:00+02:00",
            "og:url": "https://news.example.test/rekognition-lawmakers",
        },
    )

    extracted = extract_page(body, url=URL, feed_date=dt.date(2024, 3, 3))

    assert extracted.published_on == dt.date(2024, 4, 20)
    assert extracted.date_source == "opengraph"
    assert extracted.title == "Rekognition misidentified lawmakers"
    assert extracted.site_name == "OG Daily"
    assert extracted.declared_canonical == "https://news.example.test/rekognition-lawmakers"


def test_it_falls_back_to_the_feed_date_on_a_bare_page():
    body = page(title="A bare page about Rekognition", paragraphs=STORY)

    extracted = extract_page(body, url=URL, feed_date=dt.date(2024, 5, 1))

    assert extracted.published_on == dt.date(2024, 5, 1)
    assert extracted.date_source == "feed"
    assert extracted.title == "A bare page about Rekognition"
    assert extracted.site_name  # at least the host name
    assert extracted.declared_canonical == ""


def test_it_asks_trafilatura_for_what_the_structured_data_leaves_unsaid():
    # No JSON-LD, OpenGraph or feed date: the author and date come from trafilatura's
    # own reading of the page's meta tags.
    body = page(
        title="Rekognition and the police",
        paragraphs=STORY,
        extra_head='<meta name="author" content="Jane Roe"><meta name="date" content="2021-03-12">',
    )

    extracted = extract_page(body, url=URL)

    assert extracted.author == "Jane Roe"
    assert extracted.published_on == dt.date(2021, 3, 12)
    assert extracted.date_source == "guessed"
    assert extracted.title == "Rekognition and the police"


def test_it_ignores_a_canonical_link_to_another_site():
    body = page(
        title="Syndicated",
        paragraphs=STORY,
        canonical="https://other-site.example.org/original",
    )

    extracted = extract_page(body, url=URL)

    assert extracted.declared_canonical == ""


def test_it_resolves_a_relative_same_site_canonical():
    body = page(title="Relative", paragraphs=STORY, canonical="/2024/05/original-slug")

    extracted = extract_page(body, url=URL)

    assert extracted.declared_canonical == "https://news.example.test/2024/05/original-slug"


def test_it_keeps_markup_in_the_text_as_text():
    body = page(
        title="<script>alert('title')</script>Escaped",
        paragraphs=[*STORY, "A reader wrote <img src=x onerror=alert(1)> in a comment."],
    )

    extracted = extract_page(body, url=URL)

    assert "<script>" not in extracted.title
    assert "<img src=x onerror=alert(1)>" in extracted.text  # plain text, escaped when shown


@pytest.mark.parametrize(
    ("body", "content_type", "charset", "reason"),
    [
        (b"", "text/html", None, "empty"),
        (b"%PDF-1.7 binary", "application/pdf", None, "Not an HTML page"),
        (page(title="Nav only", paragraphs=["Too short."]), "text/html", None, "No article text"),
        (
            page(
                title="Caf\u00e9", paragraphs=[p + " caf\u00e9" for p in STORY], charset="latin-1"
            ),
            "text/html",
            "utf-8",
            "declares the encoding 'utf-8'",
        ),
        (page(title="x", paragraphs=STORY), "text/html", "no-such-charset", "unknown encoding"),
    ],
    ids=["empty", "pdf", "no-text", "wrong-encoding", "unknown-encoding"],
)
def test_it_refuses_a_page_with_a_reason(body, content_type, charset, reason):
    with pytest.raises(ExtractionError) as caught:
        extract_page(body, url=URL, content_type=content_type, charset=charset)
    assert reason in str(caught.value)


def test_it_reads_a_page_declaring_its_encoding_in_a_meta_tag():
    body = page(title="Caf\u00e9 story", paragraphs=STORY, charset="latin-1")

    extracted = extract_page(body, url=URL, charset=None)

    assert extracted.title == "Caf\u00e9 story"


def test_it_refuses_to_extract_anything_but_bytes():
    with pytest.raises(TypeError):
        extract_page(URL, url=URL)  # never a URL


def test_it_reads_an_xhtml_page_with_an_xml_declaration():
    body = b'<?xml version="1.0" encoding="utf-8"?>\n' + page(title="XHTML story", paragraphs=STORY)

    extracted = extract_page(body, url=URL, content_type="application/xhtml+xml")

    assert extracted.title == "XHTML story"
    assert "28 members of Congress" in extracted.text
