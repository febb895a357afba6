"""News pages served on loopback: deterministic per number, realistic in shape (navigation,
JSON-LD, an article body of several hundred words, related links, a footer)."""

from __future__ import annotations

import datetime as dt
import html
import json
import random
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench_data.seed import words

ENTITY_NAMES = ("Amazon", "Rekognition", "Microsoft", "Clearview AI", "ACLU", "Google", "ICE")


def article_text(number: int, *, paragraphs: int = 8) -> list[str]:
    rng = random.Random(number)
    subjects = [words.pseudo_word(rng, 3) for _ in range(6)] + list(ENTITY_NAMES)
    out = []
    for _ in range(paragraphs):
        out.append(" ".join(words.sentence(rng, rng.choice(subjects)) for _ in range(4)))
    return out


def article_html(number: int) -> bytes:
    rng = random.Random(number)
    title = f"{rng.choice(ENTITY_NAMES)} faces questions over {words.COMMON_TERM} report {number}"
    published = dt.date(2024, 1, 1) + dt.timedelta(days=number % 600)
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
        "datePublished": published.isoformat(),
        "author": {"@type": "Person", "name": f"{words.pseudo_word(rng, 2)} Writer"},
        "publisher": {"@type": "Organization", "name": "Loopback News"},
    }
    body = "".join(f"<p>{html.escape(p)}</p>" for p in article_text(number))
    nav = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(12))
    related = "".join(
        f'<li><a href="/article/{number + i}">Related story {number + i}</a></li>'
        for i in range(1, 6)
    )
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)} | Loopback News</title>
<meta property="og:title" content="{html.escape(title)}">
<meta property="og:site_name" content="Loopback News">
<script type="application/ld+json">{json.dumps(ld)}</script>
</head><body><header><nav><ul>{nav}</ul></nav></header>
<main><article><h1>{html.escape(title)}</h1><p class="byline">By {ld["author"]["name"]}</p>
{body}</article><aside><h2>Related</h2><ul>{related}</ul></aside></main>
<footer><p>Copyright Loopback News. All rights reserved.</p></footer></body></html>"""
    return page.encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        try:
            number = int(self.path.rstrip("/").rsplit("/", 1)[-1])
        except ValueError:
            self.send_error(404)
            return
        content = article_html(number)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, *args: object) -> None:
        pass


class LoopbackSite:
    def __init__(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.host = f"127.0.0.1:{self.server.server_address[1]}"

    def url(self, number: int) -> str:
        return f"http://{self.host}/article/{number}"

    def __enter__(self) -> LoopbackSite:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
