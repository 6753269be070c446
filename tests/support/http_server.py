"""A loopback HTTP server for tests: routes with scripted responses, and a record of what it was asked.

Tests never touch the network beyond 127.0.0.1. A test starts `LoopbackServer` as a context manager,
scripts responses per path (several responses per path are served in order, the last one repeating, so
"500, 500, 200" is easy), and afterwards asks what requests and conditional headers arrived.

Example:
    with LoopbackServer() as server:
        server.route("/feed.atom", Reply(body=b"<feed/>", etag='"v1"'))
        http.get(server.url("/feed.atom"))
        assert server.count("/feed.atom") == 1
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

from govwatch.closing import Closing
from govwatch.config import HttpSettings


class KeepAliveHandler(BaseHTTPRequestHandler):
    """A quiet HTTP/1.1 handler for servers on 127.0.0.1: connections kept alive, responses sent at once."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: with Nagle's algorithm on, delayed ACKs hold every kept-alive
    # response ~40 ms.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:
        return


@dataclass(frozen=True, slots=True, kw_only=True)
class Reply:
    """One scripted response.

    `etag`/`last_modified` make the reply conditional: a request whose If-None-Match or If-Modified-Since
    matches gets 304. `delay_s` waits before answering; `stall_after_bytes` sends that many body bytes and
    then stalls (until the server stops), as a server that hangs mid-body does. `gzip` compresses the body.
    `drip_s` sends the whole response, status line and headers included, one byte every `drip_s` seconds
    (slow-loris): each byte arrives well within any read timeout, the response never within a deadline.
    """

    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: Mapping[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay_s: float = 0.0
    stall_after_bytes: int | None = None
    gzip: bool = False
    drip_s: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SeenRequest:
    """What the server received: the path with its query string, and the request headers (lower-case)."""

    path: str
    headers: Mapping[str, str]

    @property
    def conditional(self) -> bool:
        return "if-none-match" in self.headers or "if-modified-since" in self.headers


class LoopbackServer(Closing):
    """A threaded HTTP server on 127.0.0.1 (free port) serving scripted `Reply`s per path."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._routes: dict[str, list[Reply]] = {}
        self._served: dict[str, int] = {}
        self._seen: list[SeenRequest] = []
        self._in_flight = 0
        self._max_in_flight = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._httpd = ThreadingHTTPServer((host, 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str, *, host: str = "127.0.0.1") -> str:
        """The absolute URL of a path on this server (`host="localhost"` gives a second host name)."""
        return f"http://{host}:{self.port}{path}"

    def route(self, path: str, *replies: Reply) -> None:
        """Serve `replies` in order for `path` (with query string, or bare path); the last one repeats."""
        with self._lock:
            self._routes[path] = list(replies) or [Reply(status=204)]
            self._served[path] = 0

    def requests(self, path: str | None = None) -> list[SeenRequest]:
        """Requests received so far, all or for one path (compared with and without the query string)."""
        with self._lock:
            seen = list(self._seen)
        if path is None:
            return seen
        return [r for r in seen if r.path == path or r.path.split("?", 1)[0] == path]

    @property
    def max_in_flight(self) -> int:
        """The most requests this server was handling at the same moment."""
        with self._lock:
            return self._max_in_flight

    def count(self, path: str | None = None) -> int:
        return len(self.requests(path))

    def conditional_count(self, path: str | None = None) -> int:
        return sum(1 for r in self.requests(path) if r.conditional)

    def __enter__(self) -> Self:
        self._thread.start()
        return super().__enter__()

    def close(self) -> None:
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def _next_reply(self, path: str) -> Reply | None:
        with self._lock:
            key = path if path in self._routes else path.split("?", 1)[0]
            replies = self._routes.get(key)
            if replies is None:
                return None
            index = min(self._served[key], len(replies) - 1)
            self._served[key] += 1
            return replies[index]

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(KeepAliveHandler):
            def do_GET(self) -> None:
                with server._lock:
                    server._in_flight += 1
                    server._max_in_flight = max(server._max_in_flight, server._in_flight)
                try:
                    self._handle()
                finally:
                    with server._lock:
                        server._in_flight -= 1

            def _handle(self) -> None:
                headers = {k.lower(): v for k, v in self.headers.items()}
                with server._lock:
                    server._seen.append(SeenRequest(path=self.path, headers=headers))
                reply = server._next_reply(self.path)
                if reply is None:
                    self._send(Reply(status=404, body=b"not found"))
                    return
                if reply.delay_s and server._stop.wait(reply.delay_s):
                    return
                if _not_modified(reply, headers):
                    self.send_response(304)
                    self._send_validators(reply)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self._send(reply)

            def _send_validators(self, reply: Reply) -> None:
                if reply.etag:
                    self.send_header("ETag", reply.etag)
                if reply.last_modified:
                    self.send_header("Last-Modified", reply.last_modified)

            def _send(self, reply: Reply) -> None:
                body = gzip.compress(reply.body) if reply.gzip else reply.body
                if reply.drip_s is not None:
                    self._drip(reply, body, reply.drip_s)
                    return
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Date", formatdate(usegmt=True))
                if reply.gzip:
                    self.send_header("Content-Encoding", "gzip")
                self._send_validators(reply)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    if reply.stall_after_bytes is not None:
                        self.wfile.write(body[: reply.stall_after_bytes])
                        self.wfile.flush()
                        server._stop.wait(30)
                        return
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    return

            def _drip(self, reply: Reply, body: bytes, drip_s: float) -> None:
                head = [f"HTTP/1.1 {reply.status} Slow", f"Content-Type: {reply.content_type}"]
                head += [f"{name}: {value}" for name, value in reply.headers.items()]
                head.append(f"Content-Length: {len(body)}")
                raw = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body
                try:
                    for index in range(len(raw)):
                        self.wfile.write(raw[index : index + 1])
                        if server._stop.wait(drip_s):
                            return
                except (BrokenPipeError, ConnectionResetError):
                    return
                self.close_connection = True

        return Handler


def _not_modified(reply: Reply, headers: Mapping[str, str]) -> bool:
    if reply.etag and headers.get("if-none-match") == reply.etag:
        return True
    return bool(reply.last_modified and headers.get("if-modified-since") == reply.last_modified)


def fast_http(**changes: Any) -> HttpSettings:
    """HTTP settings for a loopback server: short timeouts, near-instant retries, no politeness delay."""
    base: dict[str, Any] = {
        "connect_timeout_s": 1.0,
        "read_timeout_s": 0.3,
        "total_timeout_s": 3.0,
        "backoff_base_s": 0.001,
        "backoff_max_s": 0.01,
        "requests_per_second_per_host": 0.0,
    }
    return HttpSettings(**{**base, **changes})
