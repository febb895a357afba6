"""A corpus of malformed and malicious feeds, pages and URLs, generated here.

Every item is something a real feed, page or curator could hand the ingestion pipeline:
broken markup, lying headers, entity bombs, binary junk, links to private addresses,
endless redirects, servers that stall. The tests only need each to end somewhere final
with a reason; none of them may crash a worker.
"""

from __future__ import annotations

import gzip
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from tests.ingestion.documents import page, rss
from tests.ingestion.localserver import LocalServer, RequestHandler
from tests.reliability.batch import article_text

Setup = Callable[[LocalServer, str], None]


@dataclass(frozen=True)
class Item:
    name: str
    setup: Setup  # registers whatever the item's path answers on the server


def fixed(
    body: bytes, *, status: int = 200, content_type: str | None = "text/html", headers=None
) -> Setup:
    def setup(server: LocalServer, path: str) -> None:
        server.reply(path, body, status=status, content_type=content_type, headers=headers)

    return setup


def custom(handler: Callable[[RequestHandler, LocalServer], None]) -> Setup:
    def setup(server: LocalServer, path: str) -> None:
        server.routes[path] = lambda request: handler(request, server)

    return setup


def _stall(request: RequestHandler, server: LocalServer) -> None:
    time.sleep(3)  # longer than the tests' read timeout


def _lying_length(request: RequestHandler, server: LocalServer) -> None:
    request.send_response(200)
    request.send_header("Content-Type", "text/html")
    request.send_header("Content-Length", "100000")
    request.end_headers()
    request.wfile.write(b"<html><body><p>cut short")
    request.close_connection = True


def _hang_up(request: RequestHandler, server: LocalServer) -> None:
    request.close_connection = True
    request.connection.close()


def _garbage_status_line(request: RequestHandler, server: LocalServer) -> None:
    request.wfile.write(b"HTTP/1.1 abc Nonsense\r\n\r\nbody")
    request.close_connection = True


def _redirect_loop(request: RequestHandler, server: LocalServer) -> None:
    request.send_response(302)
    request.send_header("Location", request.path)
    request.send_header("Content-Length", "0")
    request.end_headers()


def _redirect_to(location: str) -> Setup:
    return fixed(b"", status=302, content_type=None, headers={"Location": location})


def _stream_forever(path_total: int = 20 * 1024 * 1024) -> Setup:
    def setup(server: LocalServer, path: str) -> None:
        server.stream(path, total=path_total, headers={"Content-Type": "text/html"})

    return setup


def _nested(depth: int) -> bytes:
    return (b"<div>" * depth) + b"text" + (b"</div>" * depth)


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b']><rss version="2.0"><channel><title>&lol9;</title></channel></rss>'
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<rss version="2.0"><channel><title>&xxe;</title><item><title>&xxe;</title>'
    b"<link>http://127.0.0.1/x</link></item></channel></rss>"
)


def _valid_entries(server: LocalServer, links: list[str]) -> bytes:
    return rss([{"title": f"Entry {i}", "link": link} for i, link in enumerate(links)])


def feed_items() -> list[Item]:
    """Feeds that must end as a failed poll with a reason, or a poll that queued only
    what could be queued."""
    rng = random.Random(7)
    items = [
        Item("empty", fixed(b"", content_type="application/rss+xml")),
        Item("whitespace", fixed(b" \n\t ", content_type="application/rss+xml")),
        Item(
            "truncated",
            fixed(
                rss([{"title": "a", "link": "http://x/"}])[:90], content_type="application/rss+xml"
            ),
        ),
        Item("billion laughs", fixed(BILLION_LAUGHS, content_type="application/rss+xml")),
        Item("external entity", fixed(XXE, content_type="application/rss+xml")),
        Item("html not feed", fixed(page(title="Hi", paragraphs=["x"]), content_type="text/xml")),
        Item("json", fixed(b'{"items": [1, 2, 3]}', content_type="application/feed+json")),
        Item("binary junk", fixed(os.urandom(4096), content_type="application/rss+xml")),
        Item("png", fixed(b"\x89PNG\r\n\x1a\n" + os.urandom(200), content_type="image/png")),
        Item(
            "latin-1 declared utf-8",
            fixed(
                '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                "<title>Caf\xe9 \xfc\xe8</title></channel></rss>".encode("latin-1"),
                content_type="application/rss+xml",
            ),
        ),
        Item(
            "utf-16 declared utf-8",
            fixed(
                rss([{"title": "x", "link": "http://127.0.0.1/a"}]).decode().encode("utf-16"),
                content_type="application/rss+xml; charset=utf-8",
            ),
        ),
        Item(
            "unknown charset",
            fixed(rss([]), content_type="application/rss+xml; charset=x-klingon"),
        ),
        Item("server error", fixed(b"oops", status=500, content_type="text/plain")),
        Item("not found", fixed(b"gone", status=404, content_type="text/plain")),
        Item("forbidden", fixed(b"no", status=403, content_type="text/plain")),
        Item("too many requests", fixed(b"slow down", status=429, content_type="text/plain")),
        Item("no content", fixed(b"", status=204, content_type=None)),
        Item("redirect loop", custom(_redirect_loop)),
        Item("redirect to private address", _redirect_to("http://10.0.0.1/feed.xml")),
        Item("redirect to metadata", _redirect_to("http://169.254.169.254/latest/meta-data/")),
        Item("redirect to file", _redirect_to("file:///etc/passwd")),
        Item("redirect to gopher", _redirect_to("gopher://127.0.0.1:70/")),
        Item("stalls", custom(_stall)),
        Item("hangs up", custom(_hang_up)),
        Item("garbage status line", custom(_garbage_status_line)),
        Item("lying length", custom(_lying_length)),
        Item("endless body", _stream_forever()),
        Item(
            "gzip that is not",
            fixed(
                b"not gzip at all",
                content_type="application/rss+xml",
                headers={"Content-Encoding": "gzip"},
            ),
        ),
        Item(
            "gzip bomb",
            fixed(
                gzip.compress(b"<rss>" + b" " * (50 * 1024 * 1024)),
                content_type="application/rss+xml",
                headers={"Content-Encoding": "gzip"},
            ),
        ),
        Item(
            "entries with hostile links",
            fixed(
                rss(
                    [
                        {"title": "js", "link": "javascript:alert(1)"},
                        {"title": "data", "link": "data:text/html,<script>alert(1)</script>"},
                        {"title": "mailto", "link": "mailto:someone@example.org"},
                        {"title": "ftp", "link": "ftp://127.0.0.1/file"},
                        {"title": "relative", "link": "/relative/path"},
                        {"title": "spaces", "link": "http://exa mple.org/a b"},
                        {"title": "private", "link": "http://10.1.2.3/story"},
                        {"title": "metadata", "link": "http://169.254.169.254/latest/"},
                        {"title": "loopback v6", "link": "http://[::1]/story"},
                        {"title": "decimal ip", "link": "http://2130706433/story"},
                        {"title": "long", "link": "http://127.0.0.1/" + "a" * 5000},
                        {"title": "credentials", "link": "http://user:pw@127.0.0.1:1/x"},
                        {"title": "bad port", "link": "http://127.0.0.1:99999/x"},
                        {"title": "bad v6", "link": "http://[fe80::1%25eth0]/x"},
                    ]
                ),
                content_type="application/rss+xml",
            ),
        ),
        Item(
            "script in titles",
            fixed(
                rss(
                    [
                        {
                            "title": "<script>alert('t')</script><img src=x onerror=alert(1)>",
                            "link": "http://10.9.9.9/s",
                            "summary": "<iframe src=javascript:alert(1)></iframe>",
                        }
                    ],
                    title="<script>alert('feed')</script>",
                ),
                content_type="application/rss+xml",
            ),
        ),
        Item(
            "control characters",
            fixed(
                rss([{"title": "nul\x00 bell\x07 esc\x1b", "link": "http://10.0.0.2/\x00x"}]),
                content_type="application/rss+xml",
            ),
        ),
        Item(
            "surrogate character reference",
            fixed(
                b'<rss version="2.0"><channel><title>&#xD800;</title><item><title>&#xDFFF;'
                b"</title><link>http://10.0.0.5/a</link></item></channel></rss>",
                content_type="application/rss+xml",
            ),
        ),
        Item("surrogate in junk", fixed(b"<>&#xD800;", content_type="application/rss+xml")),
        Item(
            "absurd dates",
            fixed(
                rss(
                    [
                        {
                            "title": "far",
                            "link": "http://10.0.0.3/a",
                            "date": "Mon, 01 Jan 99999 00:00:00 GMT",
                        },
                        {"title": "neg", "link": "http://10.0.0.3/b", "date": "-1"},
                        {"title": "junk", "link": "http://10.0.0.3/c", "date": "yesterday-ish"},
                    ]
                ),
                content_type="application/rss+xml",
            ),
        ),
        Item(
            "huge title",
            fixed(
                rss([{"title": "T" * 200_000, "link": "http://10.0.0.4/a"}]),
                content_type="application/rss+xml",
            ),
        ),
        Item(
            "many entries",
            fixed(
                rss(
                    [
                        {"title": f"n{i}", "link": f"http://10.0.{i // 250}.{i % 250}/"}
                        for i in range(60)
                    ]
                ),
                content_type="application/rss+xml",
            ),
        ),
        Item(
            "atom without entries",
            fixed(
                b'<feed xmlns="http://www.w3.org/2005/Atom"></feed>',
                content_type="application/atom+xml",
            ),
        ),
        Item("random xml", fixed(_random_xml(rng), content_type="application/rss+xml")),
        Item(
            "deep nesting",
            fixed(
                b"<rss>" + b"<a>" * 50_000 + b"</a>" * 50_000 + b"</rss>",
                content_type="application/rss+xml",
            ),
        ),
    ]
    return items


def _random_xml(rng: random.Random) -> bytes:
    tags = ["rss", "channel", "item", "title", "link", "entry", "feed", "x"]
    parts = []
    for _ in range(300):
        tag = rng.choice(tags)
        parts.append(
            rng.choice([f"<{tag}>", f"</{tag}>", "&amp;", "&bogus;", "<![CDATA[", "]]>", "text"])
        )
    return "".join(parts).encode()


def page_items() -> list[Item]:
    """Article pages that must end failed with a reason (or, for the few that are odd but
    readable, in the review queue)."""
    story = article_text(4242)
    return [
        Item("empty", fixed(b"")),
        Item("whitespace", fixed(b"   \n ")),
        Item("binary junk", fixed(os.urandom(8192))),
        Item("pdf", fixed(b"%PDF-1.7\n" + os.urandom(500), content_type="application/pdf")),
        Item("image", fixed(b"GIF89a" + os.urandom(100), content_type="image/gif")),
        Item("no content type", fixed(page(title="x", paragraphs=story), content_type=None)),
        Item("plain text", fixed(b"just words " * 100, content_type="text/plain")),
        Item("json", fixed(b'{"title": "not html"}', content_type="application/json")),
        Item(
            "only scripts",
            fixed(b"<html><head><script>" + b"var a=1;" * 1000 + b"</script></head></html>"),
        ),
        Item(
            "only navigation",
            fixed(b"<html><body><nav>" + b"<a href=/>Home</a>" * 500 + b"</nav></body></html>"),
        ),
        Item("deep nesting", fixed(_nested(100_000))),
        Item("unclosed tags", fixed(b"<html><body>" + b"<p><b><i><div>" * 5000)),
        Item(
            "nul bytes",
            fixed(page(title="a\x00b", paragraphs=[p.replace(" ", "\x00 ") for p in story])),
        ),
        Item(
            "invalid utf-8",
            fixed(
                b"<html><body><p>" + b"\xff\xfe\xfa" * 2000 + b"</p></body></html>",
                content_type="text/html; charset=utf-8",
            ),
        ),
        Item(
            "unknown charset",
            fixed(
                page(title="x", paragraphs=story), content_type="text/html; charset=x-unknown-42"
            ),
        ),
        Item(
            "charset lie in meta",
            fixed(page(title="x", paragraphs=story, charset="utf-16").replace(b"utf-16", b"utf-8")),
        ),
        Item(
            "malformed json-ld",
            fixed(
                page(
                    title="x",
                    paragraphs=story,
                    extra_head='<script type="application/ld+json">'
                    '{"@type": "NewsArticle", "datePublished": </script>',
                )
            ),
        ),
        Item(
            "absurd json-ld",
            fixed(
                page(
                    title="x",
                    paragraphs=story,
                    json_ld={
                        "@type": ["NewsArticle", None, 5],
                        "datePublished": "99999-99-99",
                        "headline": {"a": 1},
                        "author": [{"name": None}, 7],
                        "publisher": [[[]]],
                    },
                )
            ),
        ),
        Item(
            "json-ld graph loop",
            fixed(
                page(
                    title="x",
                    paragraphs=story,
                    json_ld={"@graph": [{"@graph": [{"@graph": []}]}] * 50},
                )
            ),
        ),
        Item(
            "canonical elsewhere",
            fixed(
                page(title="x", paragraphs=article_text(4243), canonical="http://10.0.0.1/other")
            ),
        ),
        Item(
            "canonical javascript",
            fixed(page(title="x", paragraphs=article_text(4244), canonical="javascript:alert(1)")),
        ),
        Item(
            "script payload title",
            fixed(page(title="<script>alert(1)</script>", paragraphs=article_text(4245))),
        ),
        Item(
            "meta refresh",
            fixed(
                b'<html><head><meta http-equiv="refresh" content="0;url=http://10.0.0.1/"></head></html>'
            ),
        ),
        Item(
            "huge single line",
            fixed(b"<html><body><p>" + b"word " * 40_000 + b"</p></body></html>"),
        ),
        Item("too big", _stream_forever(8 * 1024 * 1024)),
        Item("server error", fixed(b"oops", status=500, content_type="text/plain")),
        Item(
            "service unavailable",
            fixed(
                b"later",
                status=503,
                content_type="text/plain",
                headers={"Retry-After": "99999999999"},
            ),
        ),
        Item("not found", fixed(b"gone", status=404)),
        Item("gone", fixed(b"gone", status=410)),
        Item("teapot", fixed(b"short and stout", status=418)),
        Item("no content", fixed(b"", status=204, content_type=None)),
        Item("redirect loop", custom(_redirect_loop)),
        Item("redirect without location", fixed(b"", status=302, content_type=None)),
        Item("redirect to private address", _redirect_to("http://192.168.1.1/admin")),
        Item("redirect to loopback port", _redirect_to("http://127.0.0.1:1/")),
        Item("redirect to file", _redirect_to("file:///etc/shadow")),
        Item("redirect to garbage", _redirect_to("http://[not-an-ip/")),
        Item("stalls", custom(_stall)),
        Item("hangs up", custom(_hang_up)),
        Item("garbage status line", custom(_garbage_status_line)),
        Item("lying length", custom(_lying_length)),
        Item("gzip that is not", fixed(b"plain", headers={"Content-Encoding": "gzip"})),
        Item(
            "gzip bomb",
            fixed(
                gzip.compress(b"<p>" + b"a" * (60 * 1024 * 1024)),
                headers={"Content-Encoding": "gzip"},
            ),
        ),
        Item("unknown encoding", fixed(b"zzz", headers={"Content-Encoding": "br, zstd, x-custom"})),
    ]


def hostile_urls() -> list[str]:
    """URLs a curator might paste or a feed might carry; each is refused with a reason or
    queued and then failed with one."""
    return [
        "",
        " ",
        "not a url",
        "http://",
        "https://",
        "http:///path",
        "//127.0.0.1/x",
        "javascript:alert(document.cookie)",
        "JaVaScRiPt:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "file:///etc/passwd",
        "ftp://127.0.0.1/",
        "gopher://127.0.0.1:25/_HELO",
        "dict://127.0.0.1:11211/stat",
        "http://10.0.0.1/",
        "http://172.16.0.1/",
        "http://192.168.0.1/",
        "http://169.254.169.254/latest/meta-data/iam/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[fd00::1]/",
        "http://0.0.0.0/",
        "http://0x7f000001/",
        "http://017700000001/",
        "http://2130706433/",
        "http://127.1/",
        "http://localhost/",
        "http://localhost.:80/",
        "http://user:password@10.0.0.1/",
        "http://127.0.0.1:22/",
        "http://127.0.0.1:6379/",
        "http://127.0.0.1:99999/",
        "http://[fe80::1%25eth0]/",
        "http://exa mple.org/",
        "http://example.org\\@10.0.0.1/",
        "http://\u0000/",
        "http://a\u0000b.org/",
        "http://ｅｘａｍｐｌｅ．ｏｒｇ/",
        "http://xn--/",
        "http://" + "a" * 300 + ".org/",
        "http://10.0.0.1/" + "p" * 5000,
        "https://10.0.0.1/\r\nHost: evil",
        "http://10.0.0.1/%00",
        "http://10.0.0.1/?q=<script>alert(1)</script>",
    ]
