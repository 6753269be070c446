"""Quick yes/no checks on a sentence that the agreement reader asks: money, signing, "we".

The word patterns here have no leading \\b: a pattern that opens with letters (or a currency mark) lets
the regex engine skip ahead to them, several times faster than testing a word boundary at every
character; `has_word` then checks that the match starts a word, which is what the \\b would have checked.
"""

from __future__ import annotations

import re

SIGN_WORD = re.compile(
    r"[SsIiCc](?:(?<=[Ss])(?:igned|igning|ign|igns)|(?<=[Ii])(?:nked|nks)|(?<=[Cc])o-signed)\b"
)
SELF_WORD = re.compile(r"[wW]e\b")
_MONEY_SIGN = re.compile(r"[£$€]\s?\d")
_MONEY_WORD = re.compile(r"(?:pounds|dollars|euros)\b")


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


def states_money(sentence: str) -> bool:
    """Tell whether a sentence states money: a currency mark, or a currency word straight after a number.

    >>> states_money("It costs 200 pounds."), states_money("2 billion pounds"), states_money("£3m")
    (True, False, True)
    """
    if _MONEY_SIGN.search(sentence):
        return True
    for match in _MONEY_WORD.finditer(sentence):
        first = match.start()
        before = sentence[first - 1] if first >= 1 else ""
        if before.isdecimal() or (before.isspace() and first >= 2 and sentence[first - 2].isdecimal()):
            return True
    return False
