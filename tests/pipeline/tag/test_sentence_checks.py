from __future__ import annotations

import pytest

from govwatch.pipeline.tag.sentence_checks import SELF_WORD, SIGN_WORD, has_word, states_money


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Signed today by the Secretary", True),
        ("The deal was co-signed in Paris", True),
        ("It inks a partnership", True),
        ("A new design for the site", False),
        ("Designs and signals", False),
    ],
)
def test_signing_words_count_only_at_a_word_start(text: str, expected: bool) -> None:
    assert has_word(SIGN_WORD, text) is expected


def test_we_is_found_only_as_a_word_between_the_given_offsets() -> None:
    text = "Sweden said we will sign."
    assert has_word(SELF_WORD, text) is True
    assert has_word(SELF_WORD, text, 0, 10) is False


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("A £5m grant.", True),
        ("Worth $ 2 billion.", True),
        ("It costs 40 euros.", True),
        ("Pounds of flour.", False),
        # the currency marks the figure finder reads are money here too
        ("Kerala had earmarked Rs 20 crore for each university.", True),
        ("The fund gave KSh 2 billion to the county.", True),
        ("A Dh1.9 billion order.", True),
        ("The RM6263 framework.", False),
    ],
)
def test_money_is_a_currency_mark_or_a_currency_word_after_a_number(sentence: str, expected: bool) -> None:
    assert states_money(sentence) is expected
