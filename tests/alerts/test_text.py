"""Slugs, word sets, keyword search and sentences."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govwatch.alerts.text import (
    SEARCHES_BEFORE_TOKENISING,
    WordLookup,
    contains_word,
    find_keyword,
    keyword_pattern,
    lowered,
    organisation_keys,
    sentence_around,
    slugify,
    words,
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


WORDY_TEXT = st.text(alphabet="abcAB _-.\n1é\u0130ßẞ\u2167\u0663д", max_size=40)


@settings(max_examples=300, deadline=None)
@given(
    WORDY_TEXT, WORDY_TEXT, st.lists(st.text(alphabet="abc_1éßд\u0307i", min_size=1, max_size=4), max_size=5)
)
def test_word_lookup_answers_like_the_set_of_words(title: str, body: str, asked: list[str]) -> None:
    expected = words(title) | words(body)
    lookup = WordLookup((title.lower(), body.lower()))
    for word in [*sorted(expected), *asked]:
        assert (word in lookup) == (word in expected), word
    assert lookup.tokens == expected


def test_a_word_with_a_combining_mark_is_not_a_word_of_the_text() -> None:
    # "İ" lower-cases to "i" and a combining dot, which is no word character: the text's word is "i".
    lookup = WordLookup(("", "İ".lower()))
    assert words("İ") == {"i"}
    assert "i" in lookup
    assert "i\u0307" not in lookup


def test_word_lookup_splits_the_text_once_many_words_were_asked() -> None:
    text = " ".join(f"w{i}" for i in range(SEARCHES_BEFORE_TOKENISING * 2))
    lookup = WordLookup([text])
    answers = [f"w{i}" in lookup for i in range(SEARCHES_BEFORE_TOKENISING * 3)]
    assert answers == [i < SEARCHES_BEFORE_TOKENISING * 2 for i in range(SEARCHES_BEFORE_TOKENISING * 3)]
    assert lookup.tokens == words(text)


def test_a_word_inside_a_longer_word_is_not_found() -> None:
    assert not contains_word("semiconductors_and gpus", "semiconductor")
    assert not contains_word("x_gpu", "gpu")
    assert contains_word("gpu-rich", "gpu")
    assert not contains_word("anything", "")
