"""Compile word lists into fast regular expressions: a trie of the words, and cheaper per-text patterns.

Kept apart from `lexicon.py` (which loads the lists) so that each stays short. Patterns built here end at
a word end; the start of a word is checked by `lexicon.find_words`, which lets the regex engine skip
ahead to the words' first letters.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

MAX_LOWER_WORDS = 32  # longer lists of lower-case-led words are not checked one by one


@dataclass(frozen=True, slots=True, kw_only=True)
class WordList:
    """A case-sensitive word list compiled for `find_words`, plus a cheaper pattern for most texts.

    Words that open with a lower-case letter ("the Treasury", "generative AI") make the regex engine
    try the whole list at almost every letter of a text, and a pattern without them scans several
    times faster. Such words are few and rarely in a text, so `pattern_for` keeps only those that occur
    in it (a plain substring test); words that do not occur cannot match, so the matches are the same.
    """

    pattern: re.Pattern[str]
    common: tuple[str, ...]
    lower: tuple[str, ...]
    without_lower: re.Pattern[str]

    def pattern_for(self, text: str) -> re.Pattern[str]:
        """Return a pattern that finds in `text` exactly what `pattern` finds, as cheap as possible."""
        if not self.lower or len(self.lower) > MAX_LOWER_WORDS:
            return self.pattern
        present = tuple(word for word in self.lower if word in text)
        if not present:
            return self.without_lower
        if len(present) == len(self.lower):
            return self.pattern
        return _cached_word_pattern(self.common, present)


def word_list(words: Iterable[str]) -> WordList:
    """Compile a `WordList` (see there).

    >>> words = word_list(["AI", "generative AI"])
    >>> words.pattern_for("AI tools").pattern == words.pattern_for("generative AI").pattern
    False
    """
    unique = sorted(set(words))
    common = tuple(word for word in unique if not word[:1].islower())
    lower = tuple(word for word in unique if word[:1].islower())
    return WordList(
        pattern=word_pattern(unique), common=common, lower=lower, without_lower=word_pattern(common)
    )


def words_in(words: tuple[str, ...], text: str) -> tuple[str, ...]:
    """Return `words` without the lower-case-led ones that do not occur in `text` (see `WordList`).

    >>> words_in(("CEO", "founder"), "CEO Ada"), words_in(("CEO", "founder"), "its founder")
    (('CEO',), ('CEO', 'founder'))
    """
    common, lower = _split_lower(words)
    if not lower or len(lower) > MAX_LOWER_WORDS:
        return words
    present = tuple(word for word in lower if word in text)
    return words if len(present) == len(lower) else common + present


@functools.lru_cache(maxsize=64)
def _split_lower(words: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split words into those that do not open with a lower-case letter and those that do."""
    return tuple(w for w in words if not w[:1].islower()), tuple(w for w in words if w[:1].islower())


@functools.lru_cache(maxsize=256)
def _cached_word_pattern(common: tuple[str, ...], present: tuple[str, ...]) -> re.Pattern[str]:
    return word_pattern([*common, *present])


def word_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """A pattern for the given words (longest match first) ending at a word end; use with `lexicon.find_words`.

    The start of a word is checked by `find_words`, not by a look-behind: a pattern that opens with
    the trie's first letters lets the regex engine skip ahead, which makes matching several times faster.
    """
    body = trie_regex(list(words)) or "(?!x)x"
    return re.compile(r"(?:" + body + r")(?![\w-]|\.\w)")


def trie_regex(words: Iterable[str]) -> str:
    """Build a regex alternation from a trie of `words`, so matching cost does not grow with their number.

    Longer words win over their prefixes, because each branch tries continuing before stopping.

    >>> trie_regex(["AI", "AI Security Institute", "Arm"])
    'A(?:I(?:\\\\ Security\\\\ Institute)?|rm)'
    >>> import re; re.fullmatch(trie_regex(["data", "data centre"]), "data centre") is not None
    True
    """
    trie: dict[str, Any] = {}
    for word in set(words):
        if not word:
            continue
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_body(trie) if trie else ""


def _trie_body(node: Mapping[str, Any]) -> str:
    ends_here = "" in node
    branches = [re.escape(char) + _trie_body(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    if len(branches) == 1 and not ends_here:
        return branches[0]
    inner = "(?:" + "|".join(branches) + ")"
    return inner + "?" if ends_here else inner
