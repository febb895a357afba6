"""A real HTTP server on loopback for ingestion tests: the stand-in for the internet.

Tests register what each path answers, then read back what the server saw (path,
headers, arrival time on the monotonic clock) and, for streamed answers, how many bytes
it managed to send before the client hung up.
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Handler = Callable[["RequestHandler"], None]


@dataclass
class RecordedRequest:
    path: str
    headers: dict[str, str]  # names lower-cased
    arrived: float  # time.monotonic() when the request line was read


@dataclass
class LocalServer:
    routes: dict[str, Handler] = field(default_factory=dict)
    requests: list[RecordedRequest] = field(default_factory=list)
    # path -> bytes written before the client went away (for streamed answers)
    bytes_sent: dict[str, int] = field(default_factory=dict)
    finished: dict[str, threading.Event] = field(default_factory=dict)

    def start(self, *, tls: ssl.SSLContext | None = None) -> LocalServer:
        """Serve on an ephemeral loopback port, over TLS when given a server context."""
        server = self

        class BoundHandler(RequestHandler):
            owner = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), BoundHandler)
        self._httpd.daemon_threads = True
        if tls is not None:
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True)
        self.scheme = "https" if tls is not None else "http"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def host_port(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    def reply(
        self,
        path: str,
        body: bytes = b"",
        *,
        status: int = 200,
        content_type: str | None = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer ``path`` with a fixed response."""

        def handler(request: RequestHandler) -> None:
            request.send_response(status)
            if content_type is not None:
                request.send_header("Content-Type", content_type)
            for name, value in (headers or {}).items():
                request.send_header(name, value)
            request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            request.wfile.write(body)

        self.routes[path] = handler

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.reply(path, status=status, content_type=None, headers={"Location": location})

    def stream(
        self,
        path: str,
        *,
        total: int,
        chunk: bytes = b"x" * 65536,
        headers: dict[str, str] | None = None,
        pause: float = 0.0,
    ) -> None:
        """Answer ``path`` with ``total`` bytes written piece by piece, counting what got out."""
        done = self.finished[path] = threading.Event()

        def handler(request: RequestHandler) -> None:
            request.send_response(200)
            for name, value in (headers or {"Content-Type": "text/html"}).items():
                request.send_header(name, value)
            request.send_header("Connection", "close")
            request.end_headers()
            sent = 0
            try:
                while sent < total:
                    piece = chunk[: total - sent]
                    request.wfile.write(piece)
                    request.wfile.flush()
                    sent += len(piece)
                    if pause:
                        time.sleep(pause)
            except OSError:
                pass  # the client hung up, which is what the tests expect
            finally:
                self.bytes_sent[path] = sent
                request.close_connection = True
                done.set()

        self.routes[path] = handler


class RequestHandler(BaseHTTPRequestHandler):
    owner: LocalServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - the name http.server looks for
        self.owner.requests.append(
            RecordedRequest(
                self.path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic()
            )
        )
        handler = self.owner.routes.get(self.path)
        if handler is None:
            self.send_error(404)
            return
        handler(self)

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output quiet
