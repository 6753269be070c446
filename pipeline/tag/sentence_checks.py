"""Quick yes/no checks on a sentence that the agreement reader asks: money, signing, "we".

The word patterns here have no leading \\b: a pattern that opens with letters (or a currency mark) lets
the regex engine skip ahead to them, several times faster than testing a word boundary at every
character; `has_word` then checks that the match starts a word, which is what the \\b would have checked.
"""

from __future__ import annotations

import functools
import re

from govwatch.pipeline.tag.figure_words import CURRENCY_WORDS
from govwatch.pipeline.tag.figures import search_marked_sum
from govwatch.pipeline.tag.wordlists import trie_regex

SIGN_WORD = re.compile(
    r"[SsIiCc](?:(?<=[Ss])(?:igned|igning|ign|igns)|(?<=[Ii])(?:nked|nks)|(?<=[Cc])o-signed)\b"
)
SELF_WORD = re.compile(r"[wW]e\b")
# A currency word after a number ("40 euros", "8 billion pounds"); sums with a mark are the figure finder's.
_MONEY_WORD = re.compile(rf"(?:{trie_regex(w.split()[-1] for w in CURRENCY_WORDS)})\b")
# A number, maybe in words and with a scale word, right before a currency word ("8 billion pounds").
_NUMBER_BEFORE = re.compile(
    r"(?:\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|fifty|hundred|a))"
    r"(?:[ -](?:thousand|million|billion|trillion|bln|mln|bn|m))?[ ]$",
    re.IGNORECASE,
)


def has_word(pattern: re.Pattern[str], text: str, start: int = 0, end: int | None = None) -> bool:
    """Tell whether `pattern` matches between `start` and `end` at the start of a word.

    >>> has_word(SIGN_WORD, "a design was signed"), has_word(SIGN_WORD, "a design")
    (True, False)
    """
    end = len(text) if end is None else end
    while True:
        match = pattern.search(text, start, end)
        if match is None:
            return False
        first = match.start()
        if first == 0 or not (text[first - 1].isalnum() or text[first - 1] == "_"):
            return True
        start = first + 1


@functools.lru_cache(maxsize=4096)  # asked of the same sentence by several readers in one document
def states_money(sentence: str) -> bool:
    """Tell whether a sentence states money: a currency mark, or a currency word straight after a number.

    >>> states_money("It costs 200 pounds."), states_money("2 billion pounds"), states_money("£3m")
    (True, True, True)
    >>> states_money("Two billion pounds"), states_money("pounds of flour")
    (True, False)
    >>> states_money("support of up to ¥590 billion"), states_money("PLN 2.8 billion"), states_money("1 trillion won")
    (True, True, True)
    >>> states_money("the team won 3 awards"), states_money("ISO 27001")
    (False, False)
    """
    if search_marked_sum(sentence) is not None:  # a currency mark or ISO code before a number
        return True
    for match in _MONEY_WORD.finditer(sentence):
        if _NUMBER_BEFORE.search(sentence, max(0, match.start() - 24), match.start()):
            return True
    return False
