"""Tests for govwatch.pipeline.lost_bytes: inferring the character behind a dropped UTF-8 byte."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from govwatch.pipeline.lost_bytes import (
    QuoteState,
    infer_inner_lost_char,
    infer_lost_char,
    inferred_kind,
    preferred_dash,
    profile_document,
)

FIXTURES = Path(__file__).parents[1] / "fixtures" / "repair"
CASES: list[dict[str, Any]] = json.loads((FIXTURES / "lost_bytes.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=lambda case: case["comment"][:60])
def test_lost_byte_case(case: dict[str, Any]) -> None:
    given = case["input"]
    got = infer_lost_char(
        bytes.fromhex(given["prefix"]),
        before=given["before"],
        after=given["after"],
        open_quote=given["open_quote"],
        dash="–",
        family=given.get("family", ""),
        seen=given.get("seen", ""),
        list_marker=given.get("list_marker", "•"),
    )
    if case["expect"] == "fail":
        assert got != case["expected"]
    else:
        assert got == case["expected"]


def test_quote_state_closes_nested_quotations_in_order() -> None:
    state = QuoteState()
    state.feed("“The ‘plan’ is")
    assert state.stack == ["“"]
    state.feed(" good” and ‘more")
    assert state.stack == ["‘"]
    state.feed("\nnew line")
    assert state.stack == []


def test_quote_state_keeps_apostrophes_inside_single_quotes_open() -> None:
    state = QuoteState()
    state.feed("‘it’s")
    assert state.stack == ["‘"]


def test_quote_state_sees_quotes_still_in_mojibake_across_feeds() -> None:
    state = QuoteState(family="gbk")
    state.feed("said 鈥")
    state.feed("渢he")
    assert state.stack == ["“"]


def test_quote_state_depth_is_bounded() -> None:
    state = QuoteState()
    state.feed("“" * 10_000)
    assert len(state.stack) <= 8


def test_document_profile_prefers_a_bullet_the_document_shows() -> None:
    assert profile_document("A — b — c:\n\x00 one\n• two").list_marker == "•"


def test_document_profile_takes_a_list_dash_the_document_kept() -> None:
    profile = profile_document("Aims:\n– one\n\x00 two")
    assert (profile.list_marker, "–" in profile.seen) == ("–", True)


def test_document_profile_ignores_dashes_in_number_ranges() -> None:
    assert profile_document("In 2025–2030:\n\x00 one").list_marker == "•"


def test_document_profile_ignores_spaced_gaps_of_other_marks() -> None:
    assert profile_document("costs \x01 value:\n\x00 one").list_marker == "•"


def test_preferred_dash_follows_the_text() -> None:
    assert preferred_dash("a — b — c") == "—"
    assert preferred_dash("a – b") == "–"
    assert preferred_dash("no dashes") == "–"


def test_inner_lost_char_prefers_euro_before_an_amount_and_quote_otherwise() -> None:
    options = (b"\xe2\x80", b"\xe2\x82")
    assert infer_inner_lost_char(options, before="cost ", after="3 m", open_quote="", dash="–") == "€"
    assert infer_inner_lost_char(options, before="2025", after="2030", open_quote="", dash="–") == "–"
    assert infer_inner_lost_char((), before="", after="", open_quote="", dash="–") is None


def test_inferred_kinds_name_what_was_restored() -> None:
    assert [inferred_kind(ch) for ch in "’–é£"] == [
        "lost_byte_quote",
        "lost_byte_dash",
        "lost_byte_letter",
        "lost_byte_symbol",
    ]
