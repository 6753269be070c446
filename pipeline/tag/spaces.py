"""Fold the characters that only look different, one for one, before any pattern reads the text.

GOV.UK bodies are full of no-break spaces ("up to£500 million" with U+00A0 on both sides), and other
sources bring narrow no-break spaces, thin spaces, ideographic spaces and non-breaking hyphens. Every
pattern of the tagger would otherwise have to spell out each of them (and one that did not lost the "up
to" of the seed's "up to £500 million"). The folding maps each such character to exactly one plain one,
so every offset into the folded text is the same offset into the original and evidence still points at
the stored body text.
"""

from __future__ import annotations

import re

_DASHES = {
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u2012": "–",  # figure dash
    "\u2015": "—",  # horizontal bar
    "\u2212": "-",  # minus sign
    "\ufe63": "-",  # small hyphen-minus
    "\uff0d": "-",  # fullwidth hyphen-minus
}
_INVISIBLE_SPACES = (
    "\u200b\u2060\ufeff\u180e"  # zero-width space, word joiner, BOM, Mongolian vowel separator
)


# Unicode's space separators (category Zs) other than " ": a test checks the list is complete.
SPACE_SEPARATORS = "\u00a0\u1680" + "".join(chr(c) for c in range(0x2000, 0x200B)) + "\u202f\u205f\u3000"
_TABLE: dict[int, str] = {
    **{ord(c): d for c, d in _DASHES.items()},
    **{ord(c): " " for c in SPACE_SEPARATORS + _INVISIBLE_SPACES + "\t\x0b\x0c"},
}


def fold_spaces(text: str) -> str:
    """Every kind of space becomes " " and every kind of hyphen "-", without moving any offset.

    >>> fold_spaces("up\\u00a0to\\u202f£500\\u2009million, non\\u2011binding")
    'up to £500 million, non-binding'
    >>> len(fold_spaces("a\\u3000b")) == len("a\\u3000b")
    True
    """
    return text.translate(_TABLE)


_SMALL_WORDS = re.compile(r"(?<=[\w,)] )(?:Of|The|And|For|To|From|With|In|On|At|By|An|As|Into)(?= )")
_TITLE_WORD = re.compile(r"\b[A-Za-z][a-z]{3,}\b")


def small_words_lowered(headline: str) -> str:
    """A headline in Title Case with its small words as prose writes them, one for one.

    "Métier Awarded Contract From The State Of Louisiana" names the State of Louisiana; a headline
    written in sentence case is returned as it is.

    >>> small_words_lowered("Métier Awarded Contract From The State Of Louisiana")
    'Métier Awarded Contract from the State of Louisiana'
    >>> small_words_lowered("The MoD signs a contract with The Lot Company")
    'The MoD signs a contract with The Lot Company'
    """
    words = _TITLE_WORD.findall(headline)
    if not words or sum(w[0].isupper() for w in words) < 0.8 * len(words):
        return headline
    return _SMALL_WORDS.sub(lambda m: m.group().lower(), headline)
