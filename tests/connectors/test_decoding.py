"""decode_body: gzip and both kinds of "deflate", bounded by the size cap."""

from __future__ import annotations

import gzip
import zlib

import pytest

from govwatch.connectors.decoding import BodyTooLargeError, UnsupportedEncodingError, decode_body

TEXT = b"<feed>" + b"entry " * 2000 + b"</feed>"


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def _chunks(data: bytes, size: int = 100) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


@pytest.mark.parametrize(
    ("encoding", "encoded"),
    [
        ("", TEXT),
        ("identity", TEXT),
        ("gzip", gzip.compress(TEXT)),
        ("x-gzip", gzip.compress(TEXT)),
        ("deflate", zlib.compress(TEXT)),
        ("deflate", _raw_deflate(TEXT)),
    ],
    ids=["none", "identity", "gzip", "x-gzip", "deflate-zlib", "deflate-raw"],
)
def test_encoded_body_is_decoded_across_chunks(encoding: str, encoded: bytes) -> None:
    assert decode_body(_chunks(encoded), encoding=encoding, limit=len(TEXT)) == TEXT


@pytest.mark.parametrize("encoding", ["", "gzip", "deflate"])
def test_body_one_byte_over_the_limit_is_refused(encoding: str) -> None:
    encoded = {"": TEXT, "gzip": gzip.compress(TEXT), "deflate": zlib.compress(TEXT)}[encoding]
    with pytest.raises(BodyTooLargeError):
        decode_body(_chunks(encoded), encoding=encoding, limit=len(TEXT) - 1)


def test_gzip_bomb_is_cut_without_inflating_it() -> None:
    bomb = gzip.compress(b"\0" * 50_000_000)  # ~50 KB on the wire
    with pytest.raises(BodyTooLargeError):
        decode_body(_chunks(bomb, 65536), encoding="gzip", limit=1_000_000)


def test_unrequested_encoding_is_refused() -> None:
    with pytest.raises(UnsupportedEncodingError):
        decode_body([b"x"], encoding="br", limit=10)
