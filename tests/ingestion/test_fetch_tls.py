"""https fetches: the connection goes to the checked address, yet TLS still verifies the
certificate against the host name in the URL (sent as SNI), as a browser would."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from pathlib import Path

import pytest

from ingestion.fetching import FetchError, fetch_page
from tests.ingestion.localserver import LocalServer

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl CLI")


def _self_signed(directory: Path, name: str) -> tuple[Path, Path]:
    cert, key = directory / f"{name}.pem", directory / f"{name}.key"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={name}",
            "-addext", f"subjectAltName=DNS:{name}",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture(scope="module")
def certificates(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    directory = tmp_path_factory.mktemp("tls")
    return {name: _self_signed(directory, name) for name in ("localhost", "other.example")}


def _tls_server(cert: Path, key: Path) -> LocalServer:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return LocalServer().start(tls=context)


@pytest.fixture
def tls_settings(settings):
    settings.INGESTION_CONNECT_TIMEOUT = 2
    settings.INGESTION_READ_TIMEOUT = 2
    settings.INGESTION_TOTAL_TIMEOUT = 5
    return settings


def test_it_fetches_https_verifying_the_certificate_for_the_url_host(tls_settings, certificates):
    cert, key = certificates["localhost"]
    server = _tls_server(cert, key)
    try:
        tls_settings.INGESTION_ALLOWED_HOSTS = [f"localhost:{server.port}"]
        tls_settings.INGESTION_CA_BUNDLE = str(cert)
        server.reply("/secure", b"<p>over TLS</p>")

        result = fetch_page(f"https://localhost:{server.port}/secure")
    finally:
        server.stop()

    assert result.content == b"<p>over TLS</p>"
    assert result.final_url == f"https://localhost:{server.port}/secure"
    assert server.requests[0].headers["host"] == f"localhost:{server.port}"


def test_it_refuses_a_certificate_for_another_name(tls_settings, certificates):
    cert, key = certificates["other.example"]
    server = _tls_server(cert, key)
    try:
        tls_settings.INGESTION_ALLOWED_HOSTS = [f"localhost:{server.port}"]
        tls_settings.INGESTION_CA_BUNDLE = str(cert)
        server.reply("/secure", b"<p>impostor</p>")

        with pytest.raises(FetchError) as caught:
            fetch_page(f"https://localhost:{server.port}/secure")
    finally:
        server.stop()

    assert caught.value.reason == "the TLS certificate of localhost could not be verified"
    assert caught.value.transient is False
    assert server.requests == []


def test_it_refuses_a_certificate_nobody_trusted(tls_settings, certificates):
    cert, key = certificates["localhost"]
    server = _tls_server(cert, key)
    try:
        tls_settings.INGESTION_ALLOWED_HOSTS = [f"localhost:{server.port}"]
        tls_settings.INGESTION_CA_BUNDLE = ""  # the system trust store
        server.reply("/secure", b"<p>self-signed</p>")

        with pytest.raises(FetchError) as caught:
            fetch_page(f"https://localhost:{server.port}/secure")
    finally:
        server.stop()

    assert caught.value.reason == "the TLS certificate of localhost could not be verified"
    assert server.requests == []


def test_it_ends_a_tls_response_that_never_finishes_at_the_total_timeout(
    tls_settings, certificates
):
    cert, key = certificates["localhost"]
    server = _tls_server(cert, key)
    try:
        tls_settings.INGESTION_ALLOWED_HOSTS = [f"localhost:{server.port}"]
        tls_settings.INGESTION_CA_BUNDLE = str(cert)
        tls_settings.INGESTION_TOTAL_TIMEOUT = 0.5
        server.stream("/drip", total=10**6, chunk=b"x", pause=0.05)

        with pytest.raises(FetchError) as caught:
            fetch_page(f"https://localhost:{server.port}/drip")
        assert server.finished["/drip"].wait(10)
    finally:
        server.stop()

    assert caught.value.reason == "gave up after the total time limit of 0.5 s"
    assert caught.value.transient is True
