"""English word frequencies: the compact list answers exactly as wordfreq does, and keeps only what it needs."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
import wordfreq

from govwatch.pipeline.repair.english_words import (
    FLOOR_ZIPF,
    LONG_WORD,
    english_words,
    is_long_word,
    read_english_words,
    zipf,
)
from govwatch.pipeline.repair.glued_words import is_common_word

# Words wordfreq tokenizes, smashes or combines: punctuation, digits, accents, curly quotes, case.
AWKWARD_WORDS = [
    "AT&T",
    "u.s",
    "U.S.",
    "o'neill",
    "O’Neill",
    "G7",
    "g7",
    "5G",
    "2025",
    "£2bn",
    "1,000",
    "Île",
    "straße",
    "naïve",
    "café",
    "e-mail",
    "co-operate",
    "Hello World",
    "DEAL",
    "Cabinet",
    "",
    "---",
    "x",
]
THRESHOLDS = (3.0, 3.5, 4.0)  # every threshold govwatch asks about (glued words and entity names)


@pytest.fixture(scope="module")
def listed() -> list[str]:
    """Every word of wordfreq's English list, most common first."""
    return list(wordfreq.iter_wordlist("en", "large"))


def test_common_words_are_answered_as_wordfreq_answers(listed: list[str]) -> None:
    sample = listed[::11] + [word.upper() for word in listed[:3000:3]] + [w.title() for w in listed[1::50]]
    for word in sample + AWKWARD_WORDS:
        expected = wordfreq.zipf_frequency(word, "en")
        assert zipf(word) == (expected if expected >= FLOOR_ZIPF else 0.0), word
        for threshold in THRESHOLDS:
            assert is_common_word(word, threshold) == (
                wordfreq.zipf_frequency(word.lower(), "en") >= threshold
            ), word


def test_long_tokens_are_known_exactly_when_wordfreq_lists_them(listed: list[str]) -> None:
    long_words = [word for word in listed if LONG_WORD.fullmatch(word)]
    known = set(long_words)
    # tokens wordfreq does not list: two long words glued, a long word with its last letter doubled
    unknown = [a + b for a, b in zip(long_words[::97], long_words[1::97], strict=False) if len(a + b) <= 40]
    unknown += [word + word[-1] for word in long_words[::31] if len(word) < 40]
    for token in long_words + unknown:
        assert is_long_word(token) == (token in known), token
    assert sum(not is_long_word(token) for token in unknown) > 1000


def test_only_words_above_the_floor_keep_a_frequency(listed: list[str]) -> None:
    kept = english_words()
    frequencies = wordfreq.get_frequency_dict("en")
    common = {word for word in listed if frequencies[word] >= wordfreq.zipf_to_freq(FLOOR_ZIPF)}
    assert set(kept.centibels) == common
    assert len(kept.centibels) < len(listed) / 10
    # the long words live in a few thousand strings, not one object each
    assert len(kept.long_words) < sum(1 for word in listed if LONG_WORD.fullmatch(word)) / 5


def test_a_token_outside_the_kept_shape_is_refused() -> None:
    with pytest.raises(ValueError, match="9 to 40 letters"):
        is_long_word("Openreach")
    with pytest.raises(ValueError, match="kept from Zipf"):
        is_common_word("deal", 2.0)


def test_the_floor_is_kept_inclusively() -> None:
    words = read_english_words([[]] * 600 + [["common"], ["rarer"]])
    assert zipf("common", words) == FLOOR_ZIPF and zipf("rarer", words) == 0.0
    long_words = read_english_words([[], ["transformative"], ["nanosatellite", "not"]])
    assert is_long_word("transformative", long_words) and is_long_word("nanosatellite", long_words)
    assert not is_long_word("legallybinding", long_words)


def test_repair_and_tagging_never_load_wordfreqs_whole_list() -> None:
    """wordfreq's own lookup keeps its 321,000-word dictionary and 100,000 answers for the whole run."""
    script = textwrap.dedent(
        """
        import sys
        from govwatch.pipeline.process import process_document
        from govwatch.pipeline.repair.text import repair_text
        text = ("Peter Kyle,andOpenAICEO Sam Altman signed a legallybinding memorandum with Openreach. "
                "Deal or no deal, the Cabinet and O’Neill of AT&T met Île-de-France officials at G7. ")
        assert "legally binding" in repair_text(text).text
        for n in range(300):
            repair_text(text + f" Theproject{n:03d}x zzqqvvwwrrtt{n:03d} partnerships.")
        import wordfreq
        print(wordfreq.get_frequency_dict.cache_info().currsize, len(wordfreq._wf_cache))
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "0"]
