"""Slugs, word sets, keyword search and sentences."""

from __future__ import annotations

import pytest

from govwatch.alerts.text import (
    find_keyword,
    keyword_pattern,
    lowered,
    organisation_keys,
    sentence_around,
    slugify,
)


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("HM Treasury", "hm-treasury"),
        ("Department for Energy Security & Net Zero", "department-for-energy-security-and-net-zero"),
        ("  Café Société  ", "cafe-societe"),
        (
            "department-for-science-innovation-and-technology",
            "department-for-science-innovation-and-technology",
        ),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_acronyms_and_slugs_find_each_other() -> None:
    assert "dsit" in organisation_keys(["Department for Science, Innovation and Technology"])
    assert "hm-treasury" in organisation_keys(["HMT"])
    assert organisation_keys(["", "  "]) == frozenset()


def test_keyword_search_is_case_insensitive_and_word_bounded() -> None:
    text = "OpenAI signs; the AI lab and an Ai-powered tool."
    texts = [("body_text", text, lowered(text))]
    found = find_keyword(keyword_pattern("ai"), "ai", texts)
    assert found is not None and text[found.start : found.end] == "AI"
    assert find_keyword(keyword_pattern("open"), "open", texts) is None


def test_keyword_search_without_a_lowered_copy_still_works() -> None:
    text = "İstanbul hosts the AI summit."
    assert lowered(text) is None  # 'İ' lower-cases to two characters: offsets would drift
    found = find_keyword(keyword_pattern("summit"), "summit", [("body_text", text, None)])
    assert found is not None and text[found.start : found.end] == "summit"


def test_sentence_is_cut_at_line_breaks_and_long_ones_are_trimmed() -> None:
    text = "Heading\nThe MoU was signed today\nNext"
    assert sentence_around(text, 12, 15) == "The MoU was signed today"
    long = "word " * 200 + "end."
    assert sentence_around(long, 0, 4).endswith("…") and len(sentence_around(long, 0, 4)) <= 401
