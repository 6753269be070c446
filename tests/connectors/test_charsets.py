"""Decoding feed bodies: byte-order marks, UTF-16/32 without one, wrong or impossible declared charsets."""

from __future__ import annotations

import encodings.aliases

from hypothesis import given, settings
from hypothesis import strategies as st

from govwatch.connectors.charsets import decode_feed_bytes


def test_decoding_prefers_valid_utf8_over_a_declared_single_byte_charset() -> None:
    assert decode_feed_bytes("café".encode(), charset="windows-1252") == "café"


CHARSETS = sorted(
    set(encodings.aliases.aliases)
    | set(encodings.aliases.aliases.values())
    | {
        "idna",
        "punycode",
        "undefined",
        "utf-7",
        "rot13",
        "unicode_escape",
        "ucs-2",
        "utf16",
        "",
        "x-nonsense",
    }
)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300), st.sampled_from(CHARSETS), st.sampled_from(CHARSETS))
def test_decoding_never_raises_whatever_the_declared_charsets(body: bytes, header: str, xml: str) -> None:
    """Any bytes, declared in the HTTP header and in the XML declaration as any codec Python knows."""
    content = f'<?xml version="1.0" encoding="{xml}"?>'.encode() + body
    assert isinstance(decode_feed_bytes(content, charset=header or None), str)
