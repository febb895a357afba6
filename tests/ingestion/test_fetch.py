"""The safe HTTP client against a real server on loopback: what a feed or page fetch
returns, and how each bad response ends (a FetchError whose reason a curator can read)."""

from __future__ import annotations

import gzip
import zlib

import pytest

from ingestion.fetching import FEED_MAX_BYTES, PAGE_MAX_BYTES, FetchError, fetch_feed, fetch_page

pytestmark = pytest.mark.usefixtures("fetch_settings")

PAGE = b"<html><head><title>Hello</title></head><body><p>Hi</p></body></html>"
RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'


def test_it_fetches_a_page_with_its_type_charset_and_validators(local_server):
    local_server.reply(
        "/article",
        PAGE,
        content_type="text/html; charset=ISO-8859-1",
        headers={"ETag": '"v1"', "Last-Modified": "Wed, 25 Nov 2026 10:00:00 GMT"},
    )

    result = fetch_page(local_server.url("/article"))

    assert result.status == 200
    assert result.content == PAGE
    assert result.content_type == "text/html"
    assert result.charset == "ISO-8859-1"
    assert result.etag == '"v1"'
    assert result.last_modified == "Wed, 25 Nov 2026 10:00:00 GMT"
    assert result.url == result.final_url == local_server.url("/article")


def test_it_sends_an_honest_user_agent(local_server, settings):
    local_server.reply("/", PAGE)

    fetch_page(local_server.url("/"))
    settings.INGESTION_USER_AGENT = "AIAccountabilityTracker/0.1 (+https://tracker.example/about)"
    fetch_page(local_server.url("/"))

    sent = [r.headers["user-agent"] for r in local_server.requests]
    assert sent[0].startswith("AIAccountabilityTracker/0.1 (+https://")
    assert sent[1] == "AIAccountabilityTracker/0.1 (+https://tracker.example/about)"


def test_it_sends_the_host_header_of_the_url_not_of_the_address(local_server, settings):
    settings.INGESTION_ALLOWED_HOSTS = [f"localhost:{local_server.port}"]
    local_server.reply("/", PAGE)

    fetch_page(f"http://localhost:{local_server.port}/")

    assert local_server.requests[0].headers["host"] == f"localhost:{local_server.port}"


@pytest.mark.parametrize(
    "content_type",
    ["application/rss+xml", "application/atom+xml; charset=utf-8", "text/xml", "text/plain"],
)
def test_it_accepts_the_types_feeds_are_served_as(local_server, content_type):
    local_server.reply("/feed", RSS, content_type=content_type)

    assert fetch_feed(local_server.url("/feed")).content == RSS


@pytest.mark.parametrize(
    ("fetch", "content_type", "words"),
    [
        (fetch_page, "application/pdf", "application/pdf is not an HTML page"),
        (fetch_page, "application/octet-stream", "is not an HTML page"),
        (fetch_page, None, "no Content-Type"),
        (fetch_feed, "text/html", "text/html is not a feed"),
        (fetch_feed, "image/png", "image/png is not a feed"),
    ],
)
def test_it_refuses_a_content_type_it_cannot_use(local_server, fetch, content_type, words):
    local_server.reply("/doc", b"%PDF-1.7 ...", content_type=content_type)

    with pytest.raises(FetchError) as caught:
        fetch(local_server.url("/doc"))

    assert words in caught.value.reason
    assert caught.value.transient is False


def test_it_follows_a_relative_redirect_and_reports_the_final_url(local_server):
    local_server.redirect("/old", "/new?id=1", status=301)
    local_server.reply("/new?id=1", PAGE)

    result = fetch_page(local_server.url("/old"))

    assert result.url == local_server.url("/old")
    assert result.final_url == local_server.url("/new?id=1")
    assert result.content == PAGE


def test_it_follows_a_location_written_in_raw_utf8(local_server):
    def raw_utf8_location(request):
        # send_header would encode as Latin-1; write the bytes as such servers do.
        request.wfile.write(
            "HTTP/1.1 302 Found\r\nLocation: /caf\u00e9\r\nContent-Length: 0\r\n\r\n".encode()
        )

    local_server.routes["/menu"] = raw_utf8_location
    local_server.reply("/caf%C3%A9", PAGE)

    assert fetch_page(local_server.url("/menu")).final_url == local_server.url("/caf%C3%A9")


def test_it_follows_five_redirects(local_server):
    for hop in range(5):
        local_server.redirect(f"/hop/{hop}", f"/hop/{hop + 1}")
    local_server.reply("/hop/5", PAGE)

    assert fetch_page(local_server.url("/hop/0")).final_url == local_server.url("/hop/5")


def test_it_gives_up_after_more_than_five_redirects(local_server):
    for hop in range(10):
        local_server.redirect(f"/hop/{hop}", f"/hop/{hop + 1}")

    with pytest.raises(FetchError) as caught:
        fetch_page(local_server.url("/hop/0"))

    assert caught.value.reason == "more than 5 redirects"
    assert caught.value.transient is False
    assert local_server.paths() == [f"/hop/{hop}" for hop in range(6)]


def test_it_detects_a_redirect_loop(local_server):
    local_server.redirect("/a", "/b")
    local_server.redirect("/b", local_server.url("/a"))

    with pytest.raises(FetchError) as caught:
        fetch_page(local_server.url("/a"))

    assert "redirect loop" in caught.value.reason
    assert caught.value.transient is False
    assert local_server.paths() == ["/a", "/b"]


def test_it_refuses_a_redirect_without_a_location(local_server):
    local_server.reply("/moved", status=302, content_type=None)

    with pytest.raises(FetchError, match="without a Location"):
        fetch_page(local_server.url("/moved"))


@pytest.mark.parametrize(
    ("status", "transient"),
    [(404, False), (403, False), (410, False), (500, True), (503, True), (429, True)],
)
def test_it_reports_http_errors_and_whether_a_retry_may_help(local_server, status, transient):
    local_server.reply("/x", b"nope", status=status)

    with pytest.raises(FetchError) as caught:
        fetch_page(local_server.url("/x"))

    assert caught.value.status == status
    assert caught.value.transient is transient
    assert caught.value.reason.startswith(f"HTTP {status}")


def test_it_sends_validators_and_returns_304_when_the_feed_has_not_changed(local_server):
    def not_modified(request):
        request.send_response(304)
        request.send_header("ETag", '"v7"')
        request.send_header("Content-Length", "0")
        request.end_headers()

    local_server.routes["/feed"] = not_modified

    result = fetch_feed(
        local_server.url("/feed"), etag='"v7"', last_modified="Tue, 24 Nov 2026 08:00:00 GMT"
    )

    assert (result.status, result.content, result.etag) == (304, b"", '"v7"')
    assert result.last_modified == "Tue, 24 Nov 2026 08:00:00 GMT"
    sent = local_server.requests[0].headers
    assert sent["if-none-match"] == '"v7"'
    assert sent["if-modified-since"] == "Tue, 24 Nov 2026 08:00:00 GMT"


def test_it_does_not_send_a_stored_validator_that_would_inject_headers(local_server):
    local_server.reply("/feed", RSS, content_type="application/rss+xml")

    result = fetch_feed(local_server.url("/feed"), etag='"v1"\r\nX-Injected: yes')

    assert result.status == 200
    assert "x-injected" not in local_server.requests[0].headers
    assert "if-none-match" not in local_server.requests[0].headers


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data, wbits=-15)),  # raw deflate, as some send
    ],
)
def test_it_decompresses_what_it_asked_for(local_server, encoding, compress):
    local_server.reply("/z", compress(PAGE * 100), headers={"Content-Encoding": encoding})

    result = fetch_page(local_server.url("/z"))

    assert result.content == PAGE * 100
    assert "gzip" in local_server.requests[0].headers["accept-encoding"]


def test_it_refuses_a_gzip_bomb(local_server):
    bomb = gzip.compress(b"\0" * (4 * PAGE_MAX_BYTES), compresslevel=9)
    assert len(bomb) < 100_000  # small on the wire, 20 MB once inflated
    local_server.reply("/bomb", bomb, headers={"Content-Encoding": "gzip"})

    with pytest.raises(FetchError) as caught:
        fetch_page(local_server.url("/bomb"))

    assert caught.value.reason == "the decompressed body is over the 5 MB limit"
    assert caught.value.transient is False


def test_it_refuses_a_corrupt_or_unsupported_encoding(local_server):
    local_server.reply("/bad", b"not gzip at all", headers={"Content-Encoding": "gzip"})
    local_server.reply("/br", b"\x1b\x00", headers={"Content-Encoding": "br"})

    with pytest.raises(FetchError, match="gzip body is corrupt"):
        fetch_page(local_server.url("/bad"))
    with pytest.raises(FetchError, match="unsupported Content-Encoding 'br'"):
        fetch_page(local_server.url("/br"))


def test_it_refuses_a_50_mb_page_without_reading_it_all(local_server):
    # No Content-Length: the cap has to hold while streaming.
    local_server.stream("/huge", total=50 * 1024 * 1024)

    with pytest.raises(FetchError) as caught:
        fetch_page(local_server.url("/huge"))

    assert caught.value.reason == "the body is over the 5 MB limit"
    assert caught.value.transient is False
    assert local_server.finished["/huge"].wait(10)
    # What got out is the cap plus whatever the two socket buffers held, far from 50 MB.
    assert local_server.bytes_sent["/huge"] < 25 * 1024 * 1024


def test_it_refuses_a_feed_that_declares_more_than_its_cap(local_server):
    local_server.stream(
        "/big-feed",
        total=50 * 1024 * 1024,
        headers={"Content-Type": "application/rss+xml", "Content-Length": str(50 * 1024 * 1024)},
    )

    with pytest.raises(FetchError) as caught:
        fetch_feed(local_server.url("/big-feed"))

    assert caught.value.reason == "the body declares 50 MB, over the 2 MB limit"
    assert FEED_MAX_BYTES == 2 * 1024 * 1024


def test_it_accepts_a_page_exactly_at_the_cap(local_server):
    local_server.stream("/full", total=PAGE_MAX_BYTES)

    assert len(fetch_page(local_server.url("/full")).content) == PAGE_MAX_BYTES


def test_it_ends_a_response_that_never_finishes_at_the_total_timeout(local_server, settings):
    # One byte every 50 ms: the read timeout (2 s) never fires, only the total one can.
    settings.INGESTION_TOTAL_TIMEOUT = 0.5
    local_server.stream(
        "/drip",
        total=10**6,
        chunk=b"x",
        pause=0.05,
        headers={"Content-Type": "text/html", "Content-Length": str(10**6)},
    )

    with pytest.raises(FetchError) as caught:
        fetch_page(local_server.url("/drip"))

    assert caught.value.reason == "gave up after the total time limit of 0.5 s"
    assert caught.value.transient is True
    assert local_server.finished["/drip"].wait(10)  # the server saw the client hang up
    assert local_server.bytes_sent["/drip"] < 10**6


def test_it_ends_headers_that_never_finish_at_the_total_timeout(local_server, settings):
    settings.INGESTION_TOTAL_TIMEOUT = 0.5

    def endless_headers(request):
        try:
            request.wfile.write(b"HTTP/1.1 200 OK\r\n")
            for number in range(10_000):
                request.wfile.write(f"X-Filler-{number}: y\r\n".encode())
                request.wfile.flush()
                __import__("time").sleep(0.05)
        except OSError:
            pass

    local_server.routes["/slow-headers"] = endless_headers

    with pytest.raises(FetchError) as caught:
        fetch_page(local_server.url("/slow-headers"))

    assert caught.value.reason == "gave up after the total time limit of 0.5 s"
    assert caught.value.transient is True


def test_it_times_out_a_server_that_stays_silent(local_server, settings):
    settings.INGESTION_READ_TIMEOUT = 0.3
    released = __import__("threading").Event()
    local_server.routes["/silent"] = lambda request: released.wait(5)

    with pytest.raises(FetchError) as caught:
        fetch_page(local_server.url("/silent"))
    released.set()

    assert caught.value.reason == "timed out waiting for 127.0.0.1"
    assert caught.value.transient is True


def test_it_reports_a_body_cut_short_as_transient(local_server):
    def cut_short(request):
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.send_header("Content-Length", "1000")
        request.end_headers()
        request.wfile.write(b"<html>only the start")
        request.close_connection = True

    local_server.routes["/cut"] = cut_short

    with pytest.raises(FetchError) as caught:
        fetch_page(local_server.url("/cut"))

    assert caught.value.transient is True


def test_it_reports_a_refused_connection_as_transient(settings):
    import socket

    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.INGESTION_ALLOWED_HOSTS = [f"127.0.0.1:{port}"]

    with pytest.raises(FetchError) as caught:
        fetch_page(f"http://127.0.0.1:{port}/")

    assert caught.value.reason == "could not connect to 127.0.0.1"
    assert caught.value.transient is True


def test_it_keeps_a_long_server_reason_short_enough_to_record(local_server):
    def long_reason(request):
        request.wfile.write(b"HTTP/1.1 503 " + b"Busy " * 400 + b"\r\nContent-Length: 0\r\n\r\n")

    local_server.routes["/busy"] = long_reason

    with pytest.raises(FetchError) as caught:
        fetch_page(local_server.url("/busy"))

    assert caught.value.reason.startswith("HTTP 503 Busy Busy")
    assert len(caught.value.reason) == 300
    assert caught.value.transient is True
