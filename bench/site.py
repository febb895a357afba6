"""News pages served on loopback: deterministic per number and shaped like real ones.

A news article page is mostly not the article: menus, inline scripts and JSON, teasers
for other stories, comments, a long footer. About 120 KB of HTML around an article of
about 500 words, so the extractor has the boilerplate to discard that it meets in practice.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import multiprocessing
import random
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench_data.seed import words

ENTITY_NAMES = ("Amazon", "Rekognition", "Microsoft", "Clearview AI", "ACLU", "Google", "ICE")


def article_text(
    number: int, *, paragraphs: int = 8, names: tuple[str, ...] = ENTITY_NAMES
) -> list[str]:
    rng = random.Random(number)
    subjects = [words.pseudo_word(rng, 3) for _ in range(6)] + list(names)
    out = []
    for _ in range(paragraphs):
        out.append(" ".join(words.sentence(rng, rng.choice(subjects)) for _ in range(4)))
    return out


def article_html(
    number: int, names: tuple[str, ...] = ENTITY_NAMES, *, boilerplate: float = 1.0
) -> bytes:
    """``names``: the organisations and products the story is about (the ingestion
    bench passes ones its database knows, so matching and suggesting have work).
    ``boilerplate``: how much of the usual menus, teasers, comments, inline data and
    footer surround the same story (1.0: about 110 KB in all; 0.53: about 60 KB)."""

    def share(count: int) -> int:
        return max(1, round(count * boilerplate))

    rng = random.Random(number)
    title = f"{rng.choice(names)} faces questions over {words.COMMON_TERM} report {number}"
    published = dt.date(2024, 1, 1) + dt.timedelta(days=number % 600)
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
        "datePublished": published.isoformat(),
        "author": {"@type": "Person", "name": f"{words.pseudo_word(rng, 2)} Writer"},
        "publisher": {"@type": "Organization", "name": "Loopback News"},
    }
    body = "".join(f"<p>{html.escape(p)}</p>" for p in article_text(number, names=names))
    nav = "".join(
        f'<li class="menu-item"><a href="/section/{i}/topic/{j}">Section {i} topic {j}</a></li>'
        for i in range(share(30))
        for j in range(12)
    )
    teasers = "".join(
        f'<div class="teaser"><a href="/article/{number + i}"><img src="/img/{number + i}.jpg" '
        f'alt="">Related story {number + i}</a><p>{html.escape(words.sentence(rng, "Editors"))}'
        "</p></div>"
        for i in range(1, share(100) + 1)
    )
    comments = "".join(
        f'<div class="comment"><b>reader{i}</b><p>{html.escape(words.sentence(rng, "I"))}</p></div>'
        for i in range(share(25))
    )
    script = "var state=" + json.dumps(
        {"ads": [{"slot": i, "size": [300, 250]} for i in range(share(1_500))]}
    )
    footer = "".join(f'<a href="/legal/{i}">Footer link {i}</a> ' for i in range(share(150)))
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)} | Loopback News</title>
<meta property="og:title" content="{html.escape(title)}">
<meta property="og:site_name" content="Loopback News">
<script type="application/ld+json">{json.dumps(ld)}</script><script>{script}</script>
<style>.teaser{{display:flex}}.menu-item{{float:left}}</style>
</head><body><header><nav><ul>{nav}</ul></nav></header>
<main><article><h1>{html.escape(title)}</h1><p class="byline">By {ld["author"]["name"]}</p>
{body}</article><section class="comments"><h2>Comments</h2>{comments}</section>
<aside><h2>More stories</h2>{teasers}</aside></main>
<footer><p>Copyright Loopback News. All rights reserved.</p>{footer}</footer></body></html>"""
    return page.encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        try:
            number = int(self.path.rstrip("/").rsplit("/", 1)[-1])
        except ValueError:
            self.send_error(404)
            return
        content = self.server.rendered.get(number) or article_html(number, self.server.names)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    # Pages rendered ahead of time, by number: serving them is only a write.
    rendered: dict[int, bytes]
    names: tuple[str, ...]


class LoopbackSite:
    """The site, served from a process of its own: in the measuring process its threads
    would wait for the interpreter lock while that process queues articles or polls, and
    the worker would wait on them, idle, for what is network latency nowhere else."""

    def __init__(
        self, rendered: dict[int, bytes] | None = None, names: tuple[str, ...] = ENTITY_NAMES
    ) -> None:
        """``rendered``: pages to serve as they are, by number (any other is rendered
        on request). Rendering one costs several ms of CPU, on the cores the measured
        worker uses: a timed run serves pre-rendered pages, so only the pipeline's own
        work is timed. ``names``: what the pages rendered on request are about."""
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.rendered = dict(rendered or {})
        self.server.names = names
        self.server.daemon_threads = True
        self.host = f"127.0.0.1:{self.server.server_address[1]}"
        self._process: multiprocessing.Process | None = None

    def url(self, number: int) -> str:
        return f"http://{self.host}/article/{number}"

    def __enter__(self) -> LoopbackSite:
        # Forked, so the child has the bound socket and the rendered pages.
        context = multiprocessing.get_context("fork")
        self._process = context.Process(target=self.server.serve_forever, daemon=True)
        self._process.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.join(timeout=10)
        self.server.server_close()
