"""Tests for govwatch.pipeline.repair.lost_bytes: inferring the character behind a dropped UTF-8 byte."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from govwatch.pipeline.repair.lost_bytes import infer_inner_lost_char, infer_lost_char, inferred_kind

FIXTURES = Path(__file__).parents[2] / "fixtures" / "repair"
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
