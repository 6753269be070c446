"""Split words that syndicated copy glued together: "legallybinding", "Kyle,andOpenAICEO", "signed.The".

Wire services and aggregators often lose the spaces at inline markup boundaries, so that a name, a
conjunction and a role run into one token and no pattern can read them. A token is split only when it
is not a word and its parts are:

- a lower-case token that English does not use at all, by wordfreq's frequency lists (a maintained
  library whose word lists ship inside the package: nothing is downloaded; `english_words` keeps what
  these questions need of them), that splits into two or three common words ("legallybinding"; never "transformative", "roundtable" or "ransomware", which
  are rarer words but words);
- a function word glued to a capitalised word ("andOpenAI") or a name with a lower-case letter glued
  to a role acronym ("OpenAICEO"; "DCMS" is left alone);
- a comma or full stop with a letter straight after it, between letters ("Kyle,and", "signed.The"), and
  a word glued to an amount ("a£107m").

Capitalised tokens are never segmented ("Openreach", "Salesforce" are names, not "open reach"), and
the word lists are read only when a candidate occurs.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from govwatch.pipeline.repair.english_words import FLOOR_ZIPF, is_long_word, zipf

MIN_GLUED_CHARS = 9  # shorter unknown tokens are more often names, jargon or typos than glued words
MIN_PART_CHARS = 2
MAX_PARTS = 3
# Parts this short must be one of these words: "gi ga factories" and "deploy ers" are not splits.
SHORT_PART_CHARS = 3
SHORT_WORDS = frozenset(
    [
        "a",
        "an",
        "as",
        "at",
        "be",
        "by",
        "do",
        "go",
        "he",
        "if",
        "in",
        "is",
        "it",
        "me",
        "my",
        "no",
        "of",
        "on",
        "or",
        "so",
        "to",
        "up",
        "us",
        "we",
        "all",
        "and",
        "any",
        "are",
        "but",
        "can",
        "did",
        "for",
        "has",
        "had",
        "her",
        "his",
        "how",
        "its",
        "may",
        "new",
        "not",
        "now",
        "one",
        "our",
        "out",
        "per",
        "set",
        "she",
        "the",
        "two",
        "was",
        "who",
        "why",
        "won",
        "yet",
        "you",
    ]
)
# Zipf frequency (log10 of uses per billion words) a word must reach to count as a common word, and a
# part of a token: "legally" is 4.2. A whole token is unknown when wordfreq does not list it at all:
# "legallybinding" is not listed, "hyperscale" is (Zipf 1.0).
COMMON_ZIPF = 3.0
PART_ZIPF = 3.5

_FUNCTION_WORDS = "and|the|of|with|to|in|for|on|by|at|from|between|said|its|their|our"
_ROLE_ACRONYMS = "CEO|CTO|COO|CFO|CIO|MP|MEP|MSP|MS|MLA"
_CANDIDATES = re.compile(
    r"(?P<lower>(?<![\w@/.-])[a-z]{9,40}(?![\w@/-]))"
    rf"|(?P<camel>(?<![\w@/.-])(?:{_FUNCTION_WORDS})(?=[A-Z][a-z]|[A-Z]{{2}}))"
    rf"|(?P<named>(?<![\w@/.-])[A-Za-z][A-Za-z0-9]*?[a-z][A-Za-z0-9]*?)(?=(?:{_ROLE_ACRONYMS})(?![\w-]))"
    r"|(?P<capital>(?<![\w@/.-])[A-Z][a-z]{3,20}(?=(?:has|had|was|were|will|said)(?![\w@/-])))"
    r"|(?P<comma>(?<=[A-Za-z]),(?=[A-Za-z]))"
    r"|(?P<stop>(?<=[a-z]{2})\.(?=[A-Z][a-z]{2}))"
    r"|(?P<amount>(?<=[a-z])(?=[£€$]\d))"
)


def is_common_word(word: str, threshold: float = COMMON_ZIPF) -> bool:
    """Tell whether a word, lower-cased, is a common English word ("Deal" yes, "Ofcom" no).

    `threshold` is on wordfreq's Zipf scale ("the" is about 7.7), at least `english_words.FLOOR_ZIPF`.

    >>> is_common_word("Cabinet"), is_common_word("Openreach"), is_common_word("Cabinet", 4.5)
    (True, False, False)

    Raises:
        ValueError: the threshold is below the floor, under which frequencies are not kept.
    """
    if threshold < FLOOR_ZIPF:
        raise ValueError(f"word frequencies are kept from Zipf {FLOOR_ZIPF} up, not {threshold}")
    return zipf(word.lower()) >= threshold


def _split_lower(token: str) -> str | None:
    """The token's parts joined by spaces, or None when it is a word or its parts are not common words.

    >>> _split_lower("legallybinding"), _split_lower("partnershipwith")
    ('legally binding', 'partnership with')
    >>> _split_lower("transformative"), _split_lower("supercomputing"), _split_lower("nanosatellite")
    (None, None, None)
    """
    if is_long_word(token):
        return None
    best: tuple[float, list[str]] | None = None
    for cut in range(MIN_PART_CHARS, len(token) - MIN_PART_CHARS + 1):
        head, tail = token[:cut], token[cut:]
        options = [[head, tail]]
        options += [
            [head, tail[:second], tail[second:]]
            for second in range(MIN_PART_CHARS, len(tail) - MIN_PART_CHARS + 1)
            if MAX_PARTS >= 3
        ]
        for parts in options:
            if any(len(part) <= SHORT_PART_CHARS and part not in SHORT_WORDS for part in parts):
                continue
            score = min(zipf(part) for part in parts)
            if score >= PART_ZIPF and (best is None or (len(parts), -score) < (len(best[1]), -best[0])):
                best = (score, parts)
    return " ".join(best[1]) if best else None


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
    >>> split_glued_words("Herefordshire Councilhas hired PwC in England, Holland and the Bahamas.", lambda a, b: None)
    'Herefordshire Council has hired PwC in England, Holland and the Bahamas.'
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
        elif match["capital"] is not None:
            # "Herefordshire Councilhas awarded": a common capitalised word and a glued verb,
            # when the whole token is no word ("Thomas", "Douglas" stay whole; "Sealand" is no "Seal and")
            head = match["capital"]
            token = re.match(r"[A-Za-z]+", text[match.start() :])
            if token is None or zipf(token.group().lower()) > 0 or zipf(head.lower()) < PART_ZIPF:
                continue
            replacement = head + " "
        elif match["camel"] is not None:
            replacement = match["camel"] + " "
        elif match["named"] is not None:
            replacement = match["named"] + " "
        elif match["amount"] is not None:
            replacement = " "  # "signed a£107m contract"
        else:
            replacement = match.group() + " "
        pieces.append(text[last : match.start()])
        pieces.append(replacement)
        before = text[max(0, match.start() - 12) : match.start()]
        after = text[match.end() : match.end() + 12]
        report(before + match.group() + after, before + replacement + after)
        last = match.end()
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)
