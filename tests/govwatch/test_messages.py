"""Tests for govwatch.messages: decoding and validating message values, with reasons a reader can act on."""

from __future__ import annotations

import json

import pytest

from govwatch.errors import SchemaError
from govwatch.messages import decode, encode
from tests.support.announcements import make_announcement


def test_a_valid_announcement_decodes_to_what_was_encoded() -> None:
    announcement = make_announcement("doc-1", body_text="Zoë signed the £2 billion “MoU” – today.")
    assert decode("announcement", encode("announcement", announcement)) == announcement


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (b"\xff\xfe{}", "not UTF-8"),
        (b'{"id": ', "not JSON"),
        (b"[1, 2]", "not an object"),
        (b'{"id": "\\ud800"}', "not JSON"),  # a lone surrogate: no UTF-8 text can hold it
        (None, "tombstone"),
    ],
)
def test_undecodable_values_are_refused_with_their_reason(value: bytes | None, reason: str) -> None:
    with pytest.raises(SchemaError, match=reason):
        decode("announcement", value)


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity"])
def test_numbers_json_does_not_have_are_refused(number: str) -> None:
    text = json.dumps(make_announcement("doc-1")).replace('"version": 1', f'"version": {number}', 1)
    assert number in text
    with pytest.raises(SchemaError, match="not JSON"):
        decode("announcement", text.encode())


@pytest.mark.parametrize("number", [2**31, 2**70])
def test_a_version_too_big_to_store_is_refused(number: int) -> None:
    announcement = make_announcement("doc-1")
    announcement["version"] = number
    with pytest.raises(SchemaError, match="version"):
        decode("announcement", json.dumps(announcement).encode())


def test_a_message_breaking_the_schema_names_where() -> None:
    broken = make_announcement("doc-1")
    del broken["title"]
    with pytest.raises(SchemaError, match="title"):
        decode("announcement", json.dumps(broken).encode())


def test_a_major_version_from_the_future_is_refused_with_what_to_do() -> None:
    future = make_announcement("doc-1")
    future["schema_version"] = "2.0"
    with pytest.raises(SchemaError, match="upgrade govwatch"):
        decode("announcement", json.dumps(future).encode())
