"""Split words that syndicated copy glued together: "legallybinding", "Kyle,andOpenAICEO", "signed.The".

Wire services and aggregators often lose the spaces at inline markup boundaries, so that a name, a
conjunction and a role run into one token and no pattern can read them. A token is split only when it
is not a word and its parts are:

- a lower-case token that the English word list does not know, whose best segmentation (symspellpy's,
  over its bundled frequency list: a maintained library, no download) is two or three common words;
- a function word glued to a capitalised word ("andOpenAI") or a name with a lower-case letter glued
  to a role acronym ("OpenAICEO"; "DCMS" is left alone);
- a comma or full stop with a letter straight after it, between letters ("Kyle,and", "signed.The").

Capitalised tokens are never segmented ("Openreach", "Salesforce" are names, not "open reach"), and
the word list is loaded only when a candidate occurs, so clean text costs one regular-expression scan.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from symspellpy import SymSpell

MIN_GLUED_CHARS = 9  # shorter unknown tokens are more often names, jargon or typos than glued words
MIN_PART_CHARS = 3
MAX_PARTS = 3
# A part must be among this many most frequent English words: rare parts mean jargon, not glue.
COMMON_RANK = 30_000

_FUNCTION_WORDS = "and|the|of|with|to|in|for|on|by|at|from|between|said|said:|its|their|our"
_ROLE_ACRONYMS = "CEO|CTO|COO|CFO|CIO|MP|MEP|MSP|MS|MLA"
_CANDIDATES = re.compile(
    r"(?P<lower>(?<![\w@/.-])[a-z]{9,40}(?![\w@/-]))"
    rf"|(?P<camel>(?<![\w@/.-])(?:{_FUNCTION_WORDS})(?=[A-Z][a-z]|[A-Z]{{2}}))"
    rf"|(?P<named>(?<![\w@/.-])[A-Za-z][A-Za-z0-9]*?[a-z][A-Za-z0-9]*?)(?=(?:{_ROLE_ACRONYMS})(?![\w-]))"
    r"|(?P<comma>(?<=[A-Za-z]),(?=[A-Za-z]))"
    r"|(?P<stop>(?<=[a-z]{2})\.(?=[A-Z][a-z]{2}))"
)


@functools.cache
def _speller() -> SymSpell:
    from symspellpy import SymSpell  # imported on first use: most texts have nothing glued

    speller = SymSpell(max_dictionary_edit_distance=0, prefix_length=7)
    words = importlib.resources.files("symspellpy") / "frequency_dictionary_en_82_765.txt"
    with importlib.resources.as_file(words) as path:
        speller.load_dictionary(str(path), term_index=0, count_index=1)
    return speller


@functools.cache
def _common_words() -> frozenset[str]:
    ranked = sorted(_speller().words.items(), key=lambda item: -item[1])
    return frozenset(word for word, _count in ranked[:COMMON_RANK])


def is_common_word(word: str) -> bool:
    """Tell whether a word, lower-cased, is among the most frequent English words ("Deal" yes, "Ofcom" no).

    >>> is_common_word("Cabinet"), is_common_word("Openreach")
    (True, False)
    """
    return word.lower() in _common_words()


def _split_lower(token: str) -> str | None:
    """The token's parts joined by spaces, or None when it is a word or its parts are not common words.

    >>> _split_lower("legallybinding")
    'legally binding'
    >>> _split_lower("nanosatellite") is None, _split_lower("partnership") is None
    (True, True)
    """
    speller = _speller()
    if token in speller.words:
        return None
    parts = speller.word_segmentation(token, max_edit_distance=0).corrected_string.split()
    common = _common_words()
    if not 2 <= len(parts) <= MAX_PARTS or "".join(parts) != token:
        return None
    if any(len(part) < MIN_PART_CHARS or part not in common for part in parts):
        return None
    return " ".join(parts)


MAX_PASSES = 3  # a split can uncover another ("andOpenAICEO" → "and OpenAICEO" → "and OpenAI CEO")


def split_glued_words(text: str, report: Callable[[str, str], None]) -> str:
    """Return `text` with glued words split; `report(before, after)` is called once per split.

    >>> seen = []
    >>> split_glued_words("Peter Kyle,andOpenAICEO Sam Altman signed a legallybinding deal.The end",
    ...                   lambda a, b: seen.append(a))
    'Peter Kyle, and OpenAI CEO Sam Altman signed a legally binding deal. The end'
    >>> len(seen)
    5
    >>> split_glued_words("£1,000 for gov.uk, e.g. OpenAI’s CEO, DCMS and Ms Smith MP", lambda a, b: None)
    '£1,000 for gov.uk, e.g. OpenAI’s CEO, DCMS and Ms Smith MP'
    """
    for _pass in range(MAX_PASSES):
        split = _split_once(text, report)
        if split == text:
            break
        text = split
    return text


def _split_once(text: str, report: Callable[[str, str], None]) -> str:
    pieces: list[str] = []
    last = 0
    for match in _CANDIDATES.finditer(text):
        if match["lower"] is not None:
            if len(match["lower"]) < MIN_GLUED_CHARS:
                continue
            split = _split_lower(match["lower"])
            if split is None:
                continue
            replacement = split
        elif match["camel"] is not None:
            replacement = match["camel"] + " "
        elif match["named"] is not None:
            replacement = match["named"] + " "
        else:
            replacement = match.group() + " "
        pieces.append(text[last : match.start()])
        pieces.append(replacement)
        window = text[max(0, match.start() - 12) : match.end() + 12]
        report(window, window.replace(match.group(), replacement, 1) if match.group() else replacement)
        last = match.end()
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)
