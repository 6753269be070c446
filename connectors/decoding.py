"""Bounded decoding of gzip/deflate response bodies: never inflate more than the size cap allows.

httpx inflates each network chunk in one go, so a 64 KB chunk of a gzip bomb becomes ~64 MB in memory
before any size check can run. We read raw bytes and inflate with `max_length`, so at most the cap (plus
one byte, to detect the overflow) is ever produced.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

ACCEPT_ENCODING = "gzip, deflate"
_GZIP_OR_ZLIB_WBITS = zlib.MAX_WBITS | 32


class BodyTooLargeError(Exception):
    """The decoded body would exceed the limit."""


class UnsupportedEncodingError(Exception):
    """A Content-Encoding we did not ask for and cannot decode."""


def decode_body(raw_chunks: Iterable[bytes], *, encoding: str, limit: int) -> bytes:
    """Join and decode raw body chunks, raising `BodyTooLargeError` beyond `limit` decoded bytes.

    Args:
        raw_chunks: the body as sent (still compressed).
        encoding: the Content-Encoding header ("", "identity", "gzip", "x-gzip" or "deflate").
        limit: the largest decoded body accepted, in bytes.

    >>> import gzip
    >>> decode_body([gzip.compress(b"hello")], encoding="gzip", limit=10)
    b'hello'
    >>> try:
    ...     decode_body([gzip.compress(b"0" * 1000)], encoding="gzip", limit=100)
    ... except BodyTooLargeError as exc:
    ...     print(exc)
    decoded body over 100 bytes
    """
    names = [part.strip().lower() for part in encoding.split(",") if part.strip()]
    names = [n for n in names if n != "identity"]
    if not names:
        return _join_limited(raw_chunks, limit)
    if len(names) > 1 or names[0] not in ("gzip", "x-gzip", "deflate"):
        raise UnsupportedEncodingError(f"cannot decode Content-Encoding {encoding!r}")
    inflater = _Inflater(deflate=names[0] == "deflate")
    out = bytearray()
    for chunk in raw_chunks:
        out += inflater.feed(chunk, limit - len(out) + 1)
        if len(out) > limit:
            raise BodyTooLargeError(f"decoded body over {limit} bytes")
    out += inflater.flush(limit - len(out) + 1)
    if len(out) > limit:
        raise BodyTooLargeError(f"decoded body over {limit} bytes")
    return bytes(out)


def _join_limited(chunks: Iterable[bytes], limit: int) -> bytes:
    out = bytearray()
    for chunk in chunks:
        out += chunk
        if len(out) > limit:
            raise BodyTooLargeError(f"body over {limit} bytes")
    return bytes(out)


class _Inflater:
    """zlib inflation that yields at most `room` bytes per call; "deflate" may be zlib-wrapped or raw."""

    def __init__(self, *, deflate: bool) -> None:
        self._deflate = deflate
        self._zlib = zlib.decompressobj(_GZIP_OR_ZLIB_WBITS if not deflate else zlib.MAX_WBITS)
        self._first = True

    def feed(self, data: bytes, room: int) -> bytes:
        if self._first and self._deflate and data:
            self._first = False
            try:
                return self._inflate(data, room)
            except zlib.error:
                # servers disagree on "deflate": retry as a raw deflate stream without the zlib wrapper
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
        self._first = False
        return self._inflate(data, room)

    def _inflate(self, data: bytes, room: int) -> bytes:
        out = bytearray(self._zlib.decompress(data, max(room, 1)))
        while self._zlib.unconsumed_tail and len(out) < room:
            out += self._zlib.decompress(self._zlib.unconsumed_tail, max(room - len(out), 1))
        return bytes(out)

    def flush(self, room: int) -> bytes:
        tail = self._zlib.unconsumed_tail
        out = self._inflate(tail, room) if tail else b""
        return out + self._zlib.flush()[: max(room - len(out), 0)]
