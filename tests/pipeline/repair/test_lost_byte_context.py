"""Tests for govwatch.pipeline.repair.lost_byte_context: open quotations and what a document shows elsewhere."""

from __future__ import annotations

from govwatch.pipeline.repair.lost_byte_context import QuoteState, preferred_dash, profile_document


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


def test_document_profile_takes_no_list_dash_from_spaced_marks_lost_mid_line() -> None:
    assert profile_document("Three aims \x00 and a deadline:\n\x00 one\n\x00 two").list_marker == "•"


def test_preferred_dash_follows_the_text() -> None:
    assert preferred_dash("a — b — c") == "—"
    assert preferred_dash("a – b") == "–"
    assert preferred_dash("no dashes") == "–"
