"""Folding spaces and hyphens before tagging keeps every offset, and patterns then read any spacing."""

from __future__ import annotations

import sys
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from govwatch.pipeline.tag import tag_text
from govwatch.pipeline.tag.spaces import SPACE_SEPARATORS, fold_spaces


def test_every_unicode_space_separator_is_folded() -> None:
    separators = {chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Zs"}
    assert separators - {" "} == set(SPACE_SEPARATORS)
    assert fold_spaces("".join(sorted(separators))) == " " * len(separators)


@given(st.text(max_size=200))
def test_folding_keeps_the_length_so_offsets_still_index_the_text(text: str) -> None:
    assert len(fold_spaces(text)) == len(text)


def test_a_qualifier_survives_any_space_and_evidence_keeps_the_original_text() -> None:
    for space in ("\u00a0", "\u202f", "\u2009", "\u3000"):
        text = f"The government will invest up{space}to{space}£500{space}million in sovereign AI."
        (money,) = [f for f in tag_text(text).figures if f.kind == "money"]
        assert (money.value, money.qualifier) == (500_000_000, "up to")
        assert money.evidence is not None and money.evidence.sentence in text
