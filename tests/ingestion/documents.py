"""Feeds and pages the ingestion tests serve on loopback; written here, in our own words."""

from __future__ import annotations

import json
from html import escape

STORY = [
    "Amazon has been selling its Rekognition face analysis service to police departments, "
    "according to documents obtained by the ACLU. The civil liberties group says the "
    "facial recognition tool lets officers identify and track people in real time, and "
    "that the company also pitched it to ICE for immigration enforcement.",
    "In a test run by the ACLU, Rekognition wrongly matched 28 members of Congress with "
    "people in a database of arrest photos. The false matches fell disproportionately on "
    "people of colour, which critics say shows the bias that makes surveillance with "
    "face recognition dangerous for civil rights.",
    "Amazon Web Services disputed the method, saying the group used a lower confidence "
    "threshold than the one it recommends to law enforcement. A coalition of advocacy "
    "groups nevertheless asked the company to stop selling the system to governments "
    "until its effects on privacy and due process are understood.",
    "Shareholders have also filed a resolution asking the board to study the human rights "
    "risks of the product before further sales, and employees circulated an open letter "
    "with the same request. The company has not said whether it will change course.",
]

OTHER_STORY = [
    "The city council approved a new budget for road repairs on Tuesday evening after a "
    "long debate about potholes, cycle lanes and the cost of resurfacing the main avenue "
    "that leads to the harbour and the old market square.",
    "Residents who spoke at the meeting asked for better lighting near the schools and "
    "more frequent buses on the northern routes, while shop owners worried that months of "
    "works would keep customers away during the busiest season of the year.",
    "The mayor promised that the first phase would start in spring and that a website "
    "would show which streets are closed each week, so that drivers and delivery firms "
    "can plan their journeys well in advance of the closures.",
]


def rss(items: list[dict], *, title: str = "Tech Ethics Wire") -> bytes:
    """An RSS 2.0 feed; each item has link, title and optionally pubDate and description."""
    parts = []
    for item in items:
        date = f"<pubDate>{item['date']}</pubDate>" if item.get("date") else ""
        description = (
            f"<description>{escape(item['summary'])}</description>" if item.get("summary") else ""
        )
        parts.append(
            f"<item><title>{escape(item['title'])}</title><link>{escape(item['link'])}</link>"
            f"<guid>{escape(item['link'])}</guid>{date}{description}</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>http://example.test/</link>"
        f"<description>News</description>{''.join(parts)}</channel></rss>"
    ).encode()


def atom(entries: list[dict], *, title: str = "Atom Ethics Desk") -> bytes:
    parts = []
    for entry in entries:
        parts.append(
            f"<entry><title>{escape(entry['title'])}</title>"
            f'<link rel="alternate" href="{escape(entry["link"])}"/>'
            f"<id>{escape(entry['link'])}</id><updated>{entry['updated']}</updated>"
            f"<summary>{escape(entry.get('summary', ''))}</summary></entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:test:feed</id>"
        f"<updated>2024-05-03T00:00:00Z</updated>{''.join(parts)}</feed>"
    ).encode()


def page(
    *,
    title: str,
    paragraphs: list[str],
    json_ld: dict | None = None,
    og: dict | None = None,
    canonical: str | None = None,
    lang: str = "en",
    charset: str = "utf-8",
    extra_head: str = "",
) -> bytes:
    """An article page; JSON-LD, OpenGraph and rel=canonical only when asked for."""
    head = [f'<meta charset="{charset}">', f"<title>{escape(title)}</title>", extra_head]
    if json_ld is not None:
        head.append(f'<script type="application/ld+json">{json.dumps(json_ld)}</script>')
    for key, value in (og or {}).items():
        head.append(f'<meta property="{key}" content="{escape(value)}">')
    if canonical:
        head.append(f'<link rel="canonical" href="{escape(canonical)}">')
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    html = (
        f'<!DOCTYPE html><html lang="{lang}"><head>{"".join(head)}</head><body>'
        '<nav><a href="/">Home</a> <a href="/tech">Tech</a></nav>'
        f"<article><h1>{escape(title)}</h1>{body}</article>"
        "<footer>Copyright the publisher. All rights reserved.</footer></body></html>"
    )
    return html.encode(charset)
