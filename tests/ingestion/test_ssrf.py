"""Server-side request forgery: URLs that lead inside the network are refused, with a
reason, before any connection is made.

A real listening socket on loopback (the "trap"), on a port the fetcher would otherwise
be allowed to use, shows that none of the refused URLs ever reached it.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from ingestion.fetching import FetchError, fetch_feed, fetch_page


class Trap:
    """A listening socket that nobody accepts on: connections pile up in its queue."""

    def __init__(self, family: socket.AddressFamily, host: str) -> None:
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.bind((host, 0))
        self.sock.listen(16)
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0

    def connections(self) -> int:
        """How many connections ever reached the socket (counted by accepting them)."""
        while True:
            try:
                conn, _ = self.sock.accept()
            except BlockingIOError:
                return self.accepted
            conn.close()
            self.accepted += 1

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def trap() -> Iterator[Trap]:
    trap = Trap(socket.AF_INET, "127.0.0.1")
    yield trap
    trap.close()


@pytest.fixture
def trap6() -> Iterator[Trap]:
    try:
        trap = Trap(socket.AF_INET6, "::1")
    except OSError:
        pytest.skip("this machine has no IPv6 loopback")
    yield trap
    trap.close()


@pytest.fixture
def ssrf_settings(settings, trap, trap6):
    # The traps' ports are allowed, so only the address checks stand between them and us.
    settings.INGESTION_ALLOWED_PORTS = [80, 443, trap.port, trap6.port]
    settings.INGESTION_ALLOWED_HOSTS = []
    settings.INGESTION_CONNECT_TIMEOUT = 1
    settings.INGESTION_READ_TIMEOUT = 0.3
    settings.INGESTION_TOTAL_TIMEOUT = 3
    return settings


class FakeDNS:
    """Names the tests make up, answered as the outside DNS would; others resolve normally."""

    def __init__(self) -> None:
        self.answers: dict[str, list[str]] = {}
        self.lookups: list[str] = []
        self._real = socket.getaddrinfo

    def getaddrinfo(self, host, port, *args, **kwargs):
        self.lookups.append(host)
        if host not in self.answers:
            return self._real(host, port, *args, **kwargs)
        return [
            (
                socket.AF_INET6 if ":" in address else socket.AF_INET,
                socket.SOCK_STREAM,
                socket.IPPROTO_TCP,
                "",
                (address, port, 0, 0) if ":" in address else (address, port),
            )
            for address in self.answers[host]
        ]


@pytest.fixture
def fake_dns(monkeypatch) -> FakeDNS:
    dns = FakeDNS()
    monkeypatch.setattr(socket, "getaddrinfo", dns.getaddrinfo)
    return dns


MATRIX = [
    ("http://127.0.0.1:{port}/", "127.0.0.1 is a loopback address"),
    ("http://localhost:{port}/", "localhost resolves to 127.0.0.1, a loopback address"),
    ("http://[::1]:{port6}/", "::1 is a loopback address"),
    ("http://0.0.0.0:{port}/", "0.0.0.0 is an unspecified address"),
    ("http://[::]:{port6}/", ":: is an unspecified address"),
    ("http://10.0.0.1/", "10.0.0.1 is a private address"),
    ("http://172.16.0.1/", "172.16.0.1 is a private address"),
    ("http://192.168.1.1/admin", "192.168.1.1 is a private address"),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
    ("http://100.64.0.1/", "100.64.0.1 is a carrier-grade NAT address"),
    ("http://224.0.0.1/", "224.0.0.1 is a multicast address"),
    ("http://240.0.0.1/", "240.0.0.1 is a reserved address"),
    ("http://[fe80::1]/", "fe80::1 is a link-local address"),
    ("http://[fc00::1]/", "fc00::1 is a private address"),
    ("http://[fec0::1]/", "fec0::1 is a site-local address"),
    ("http://[::ffff:127.0.0.1]:{port}/", "is an IPv4-mapped loopback address"),
    ("http://[::ffff:10.0.0.1]/", "is an IPv4-mapped private address"),
    ("http://[::127.0.0.1]:{port}/", "deprecated IPv4-compatible (127.0.0.1)"),
    ("http://[2002:7f00:1::]:{port6}/", "is a 6to4 loopback address"),
    ("http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "is a Teredo loopback address"),
    ("http://[64:ff9b::a9fe:a9fe]/", "is a NAT64 link-local address"),
    ("http://2130706433:{port}/", "2130706433 is a non-canonical IPv4 address spelling"),
    ("http://0177.0.0.1:{port}/", "0177.0.0.1 is a non-canonical IPv4 address spelling"),
    ("http://0x7f000001:{port}/", "0x7f000001 is a non-canonical IPv4 address spelling"),
    ("http://127.1:{port}/", "127.1 is a non-canonical IPv4 address spelling"),
    ("file:///etc/passwd", "only http and https URLs are fetched, not file:"),
    ("ftp://127.0.0.1:{port}/pub", "only http and https URLs are fetched, not ftp:"),
    ("gopher://127.0.0.1:{port}/_GET%20/", "only http and https URLs are fetched, not gopher:"),
    ("data:text/html,<h1>hi</h1>", "only http and https URLs are fetched, not data:"),
    ("javascript:alert(document.cookie)", "only http and https URLs are fetched, not javascript:"),
    ("//127.0.0.1:{port}/", "only http and https URLs are fetched, not a URL without a scheme"),
    ("http://example.org:22/", "port 22 is not allowed"),
    ("http://example.org:6379/", "port 6379 is not allowed"),
    ("http://user:secret@127.0.0.1:{port}/", "URLs with a user name or password"),
    ("http://127.0.0.1\\@example.org:{port}/", "URLs with a user name or password"),
    ("http://%31%32%37.0.0.1:{port}/", "non-canonical IPv4 address spelling"),
    ("http://%6c%6f%63%61%6c%68%6f%73%74:{port}/", "invalid host name"),
    ("http://127.0.0.1:{port}/\r\nX-Injected: 1", "control characters"),
]


@pytest.mark.parametrize(("template", "reason"), MATRIX)
@pytest.mark.parametrize("fetch", [fetch_page, fetch_feed])
def test_it_refuses_urls_that_lead_inside(ssrf_settings, trap, trap6, fetch, template, reason):
    url = template.format(port=trap.port, port6=trap6.port)

    with pytest.raises(FetchError) as caught:
        fetch(url)

    assert reason in caught.value.reason
    assert caught.value.transient is False
    assert trap.connections() == 0
    assert trap6.connections() == 0


def test_the_matrix_covers_at_least_twenty_urls():
    assert len(MATRIX) >= 20


def test_the_trap_does_count_a_connection_that_gets_through(ssrf_settings, trap):
    # GIVEN the trap allowed explicitly WHEN it is fetched THEN the trap sees it, so the
    # zero counts above mean "refused before connecting", not "the trap cannot count".
    ssrf_settings.INGESTION_ALLOWED_HOSTS = [f"127.0.0.1:{trap.port}"]

    with pytest.raises(FetchError, match="timed out"):
        fetch_page(f"http://127.0.0.1:{trap.port}/")

    assert trap.connections() == 1


def test_it_refuses_a_name_that_resolves_to_a_private_address(ssrf_settings, fake_dns):
    fake_dns.answers["intranet.example.com"] = ["10.20.30.40"]

    with pytest.raises(FetchError) as caught:
        fetch_page("http://intranet.example.com/")

    assert caught.value.reason == "intranet.example.com resolves to 10.20.30.40, a private address"
    assert caught.value.transient is False


def test_it_checks_an_international_name_in_its_ascii_form(ssrf_settings, fake_dns):
    fake_dns.answers["xn--bcher-kva.example"] = ["192.168.0.7"]

    with pytest.raises(FetchError) as caught:
        fetch_page("http://BÜCHER.example/katalog")

    assert caught.value.reason == (
        "xn--bcher-kva.example resolves to 192.168.0.7, a private address"
    )
    assert fake_dns.lookups == ["xn--bcher-kva.example"]


def test_it_refuses_a_name_if_any_of_its_addresses_is_internal(ssrf_settings, fake_dns, trap):
    # One public and one loopback answer: the fetcher must not gamble on which it gets.
    fake_dns.answers["mixed.example.com"] = ["93.184.216.34", "127.0.0.1"]

    with pytest.raises(FetchError) as caught:
        fetch_page(f"http://mixed.example.com:{trap.port}/")

    assert caught.value.reason == "mixed.example.com resolves to 127.0.0.1, a loopback address"
    assert trap.connections() == 0


def test_it_refuses_a_name_that_resolves_to_ipv6_loopback(ssrf_settings, fake_dns, trap6):
    fake_dns.answers["six.example.com"] = ["::1"]

    with pytest.raises(FetchError, match="six.example.com resolves to ::1, a loopback address"):
        fetch_page(f"http://six.example.com:{trap6.port}/")

    assert trap6.connections() == 0


def test_it_resolves_a_host_once_and_connects_to_the_checked_address(
    ssrf_settings, fake_dns, local_server
):
    # GIVEN an allowed name WHEN it is fetched THEN DNS was asked once: the connection went
    # to the checked address, leaving no second lookup for a rebinding DNS to answer.
    ssrf_settings.INGESTION_ALLOWED_HOSTS = [f"news.example.com:{local_server.port}"]
    fake_dns.answers["news.example.com"] = ["127.0.0.1"]
    local_server.reply("/story", b"<p>story</p>")

    result = fetch_page(f"http://news.example.com:{local_server.port}/story")

    assert result.content == b"<p>story</p>"
    assert fake_dns.lookups.count("news.example.com") == 1
    assert local_server.requests[0].headers["host"] == f"news.example.com:{local_server.port}"


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("http://127.0.0.1:{trap}/", "127.0.0.1 is a loopback address"),
        ("http://localhost:{trap}/private", "localhost resolves to 127.0.0.1, a loopback address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://0x7f000001:{trap}/", "non-canonical IPv4 address spelling"),
        ("file:///etc/passwd", "only http and https URLs are fetched, not file:"),
        ("gopher://127.0.0.1:{trap}/", "only http and https URLs are fetched, not gopher:"),
        ("http://news.example.com:22/", "port 22 is not allowed"),
    ],
)
def test_it_refuses_a_public_looking_url_that_redirects_inside(
    ssrf_settings, fake_dns, local_server, trap, location, reason
):
    # GIVEN news.example.com, allowed and served from loopback, answering with a redirect
    # to a place that is not allowed WHEN it is fetched THEN the second hop is refused.
    ssrf_settings.INGESTION_ALLOWED_HOSTS = [f"news.example.com:{local_server.port}"]
    fake_dns.answers["news.example.com"] = ["127.0.0.1"]
    local_server.redirect("/story", location.format(trap=trap.port))

    with pytest.raises(FetchError) as caught:
        fetch_page(f"http://news.example.com:{local_server.port}/story")

    assert reason in caught.value.reason
    assert caught.value.transient is False
    assert local_server.paths() == ["/story"]
    assert trap.connections() == 0


def test_it_refuses_an_allowed_host_on_another_port(ssrf_settings, local_server, trap):
    # The allow-list names host:port pairs; the same host on another port stays refused.
    ssrf_settings.INGESTION_ALLOWED_HOSTS = [local_server.host_port]

    with pytest.raises(FetchError, match="127.0.0.1 is a loopback address"):
        fetch_page(f"http://127.0.0.1:{trap.port}/")

    assert trap.connections() == 0
