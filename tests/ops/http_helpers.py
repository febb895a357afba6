"""Small HTTP helpers for the stack smoke test: a loopback site and a browser-like client."""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LoopbackSite:
    """Serves fixed documents on 127.0.0.1 (a stand-in for the outside internet)."""

    def __init__(self) -> None:
        self.documents: dict[str, tuple[bytes, str]] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                document = site.documents.get(self.path)
                if document is None:
                    self.send_error(404)
                    return
                body, content_type = document
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def add(self, path: str, body: bytes, content_type: str) -> str:
        self.documents[path] = (body, content_type)
        return self.url(path)

    def __enter__(self) -> LoopbackSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class Browser:
    """Cookies and CSRF like a browser, over plain urllib."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=15) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def submit(
        self, path: str, fields: dict[str, str], headers: dict[str, str] | None = None
    ) -> int:
        """GET the form at ``path`` for its CSRF token, then POST ``fields`` to it."""
        _, form = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        request = urllib.request.Request(
            self.base + path, data=data, headers={"Referer": self.base + path, **(headers or {})}
        )
        with self.opener.open(request, timeout=15) as response:
            return response.status

    def login(self, username: str, password: str) -> int:
        return self.submit(
            "/admin/login/?next=/admin/", {"username": username, "password": password}
        )
