"""One deadline per fetch: connecting, every read (headers and body) and every write end by one moment.

httpx's timeouts bound each socket operation on its own. A server that sends its status line and headers
one byte every few seconds (slow-loris) never trips the read timeout and would hold a fetch for as long as
it likes, and a total deadline checked only between body chunks cannot see it. So every network operation
of our connection pool asks `fetch_deadline` how long is left and waits no longer than that: the deadline
reaches the socket itself, before and after the headers alike.

The deadline is per thread (a fetch runs on one thread from connect to last byte) and set around a request
with `fetch_deadline(moment)`; outside one, the configured per-operation timeouts apply unchanged.
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx

_local = threading.local()


@contextmanager
def fetch_deadline(deadline: float) -> Iterator[None]:
    """Bound every network operation of this thread's request by `deadline` (a `time.monotonic()` value)."""
    previous = getattr(_local, "deadline", None)
    _local.deadline = deadline
    try:
        yield
    finally:
        _local.deadline = previous


def remaining_timeout(timeout: float | None, *, deadline: float | None, now: float) -> float | None:
    """The timeout one operation may use: its own, cut to what is left before the deadline.

    Returns 0.0 when the deadline has passed, so the caller can refuse to start the operation.

    >>> remaining_timeout(30.0, deadline=105.0, now=100.0)
    5.0
    >>> remaining_timeout(2.0, deadline=105.0, now=100.0)
    2.0
    >>> remaining_timeout(None, deadline=None, now=100.0) is None
    True
    >>> remaining_timeout(30.0, deadline=100.0, now=101.0)
    0.0
    """
    if deadline is None:
        return timeout
    left = max(deadline - now, 0.0)
    return left if timeout is None else min(timeout, left)


def _bounded(timeout: float | None, timeout_error: type[Exception]) -> float | None:
    bounded = remaining_timeout(timeout, deadline=getattr(_local, "deadline", None), now=time.monotonic())
    if bounded is not None and bounded <= 0.0:
        raise timeout_error("the fetch's total deadline has passed")
    return bounded


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose reads and writes never wait past the current fetch's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, bounded))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """Opens `_DeadlineStream`s; connecting, too, waits no longer than the deadline."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.connect_tcp(host, port, bounded, local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.connect_unix_socket(path, bounded, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def deadline_transport(limits: httpx.Limits) -> httpx.HTTPTransport:
    """httpx's own transport, with every connection it opens bounded by `fetch_deadline`.

    httpx takes no network backend, so the pool it built is given ours; should a new httpx lay its pool
    out differently this fails at start-up (and the slow-loris tests fail), never silently.
    """
    transport = httpx.HTTPTransport(limits=limits)
    pool = transport._pool
    if not isinstance(pool, httpcore.ConnectionPool) or not hasattr(pool, "_network_backend"):
        raise RuntimeError("httpx's transport no longer exposes its connection pool; update deadline.py")
    pool._network_backend = _DeadlineBackend(pool._network_backend)
    return transport
