"""Infer the character behind a UTF-8 sequence whose last byte a code-page decoder dropped.

When UTF-8 is read as GBK (or Shift-JIS), each byte pair becomes one character and a byte left without a
partner is dropped. A closing quote or a dash is three bytes, so before a space or a comma only its first
two survive, as a lone "鈥": "Understanding鈥 sets", "country 鈥 whether". The surviving prefix narrows
the candidates (E2 80 → U+2000..U+203F) and the context picks one: a closing quote after an opening one,
a dash between spaces, an opening quote before a word. Only characters whose lost byte the decoder
could have dropped there are candidates (Shift-JIS keeps the last byte of "•" and "…" as half-width
katakana, so a lost one was neither), and among equally fitting letters the document's own win
(`govwatch.pipeline.repair.lost_byte_context`). Every such character is reported as inferred.

This module is pure: no I/O, no clock.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from govwatch.pipeline.repair.data import CODE_PAGE_FAMILIES, LOST_BYTE_CANDIDATES
from govwatch.pipeline.repair.lost_byte_context import BULLET, EM_DASH, EN_DASH

#: Characters after which a quote mark closes, rather than opens, a quotation.
_CLOSES_AFTER: Final = frozenset(".,;:!?)]}…")
_PUNCT_PREFIXES: Final = (b"\xe2\x80", b"\xe2")
_DECADE: Final = re.compile(r"\d\ds\b")
LATIN_1_END: Final = 0x00FF
#: Kinds of inferred characters, for reports.
QUOTE_CHARS: Final = "’”“‘"
DASH_CHARS: Final = "–—"


def infer_lost_char(
    prefix: bytes,
    *,
    before: str,
    after: str,
    open_quote: str,
    dash: str,
    family: str = "",
    seen: str = "",
    list_marker: str = BULLET,
) -> str | None:
    """Choose the character a truncated UTF-8 sequence most likely was, or None when unknown.

    Args:
        prefix: the bytes of the sequence that survive (b"\\xe2\\x80" for a lone "鈥").
        before: the repaired text just before the gap (one character is enough).
        after: the text just after the gap (a few characters; "" at the end of the text).
        open_quote: the innermost open quotation mark ("“", "‘") or "".
        dash: the spaced dash to use between spaces.
        family: the code-page family that dropped the byte; when given, only characters whose last
            byte that decoder would have dropped before `after` are considered.
        seen: text the document shows elsewhere; among equally fitting letters those in it win.
        list_marker: the mark that starts a list line in this document (see `DocumentProfile`).

    Returns:
        The inferred character, or None when the prefix is not one we can complete.

    >>> infer_lost_char(b"\\xe2\\x80", before="country ", after=" whether", open_quote="", dash="–")
    '–'
    >>> infer_lost_char(b"\\xe2\\x80", before="values", after=".", open_quote="“", dash="–")
    '”'
    >>> infer_lost_char(b"\\xe2\\x82", before="", after="3", open_quote="", dash="–")
    '€'

    Shift-JIS keeps the last byte of "•" (a half-width katakana), so a lost one at a line start was a
    dash; and it pairs the last byte of "É" with a following letter, so a lost capital was not É:

    >>> infer_lost_char(b"\\xe2\\x80", before="\\n", after=" skills", open_quote="", dash="–", family="shift_jis")
    '–'
    >>> infer_lost_char(b"\\xc3", before="\\n", after="sa", open_quote="", dash="–", family="shift_jis")
    'Å'
    """
    candidates = LOST_BYTE_CANDIDATES.get(prefix)
    if not candidates:
        return None
    possible = _possible(prefix, candidates, family, after)
    prev = before[-1:] or "\n"
    nxt = after[:1] or "\n"
    if prefix in _PUNCT_PREFIXES:
        choices = _infer_punctuation(prev, after, open_quote, dash, list_marker)
        return next((ch for ch in choices if ch in possible), possible[0])
    if prefix == b"\xe3\x80":
        return "。"  # the end of a sentence before a line break or Latin text
    if prefix == b"\xc2":
        if nxt.isdigit():
            return _first(("£",), possible)
        if prev.isdigit() and nxt in "CF":
            return _first(("°",), possible)
        return _first(("\u00a0",), possible)
    if prefix == b"\xc3" and prev.isspace() and nxt.isspace() and "×" in possible:
        return "×"  # the one Latin-1 symbol in this range that stands between spaces: 3 × 4
    letters = [ch for ch in possible if ch.isalpha()] or list(possible)
    wants_capital = (not prev.isalpha() or (prev.isupper() and not nxt.islower())) and (
        nxt.isalpha() or prev.isupper()
    )
    fitting = [ch for ch in letters if ch.isupper() == wants_capital] or letters
    known = [ch for ch in fitting if ch in seen]
    return (known or fitting)[0]


def _first(preferred: tuple[str, ...], possible: tuple[str, ...]) -> str:
    """The first of `preferred` that is possible, else the most likely possible character."""
    return next((ch for ch in preferred if ch in possible), possible[0])


def _possible(prefix: bytes, candidates: str, family: str, after: str) -> tuple[str, ...]:
    """The candidates whose missing bytes `family`'s decoder would have dropped before `after`.

    All candidates when the family is unknown or none fits (the context may not be what we think).
    """
    if not family:
        return tuple(candidates)
    return _possible_before(prefix, family, after[:1].encode("utf-8", "surrogatepass")[:1])


@lru_cache(maxsize=4096)
def _possible_before(prefix: bytes, family: str, following: bytes) -> tuple[str, ...]:
    """`_possible` for a known family and the byte that follows (b"" at the end), cached."""
    candidates = LOST_BYTE_CANDIDATES[prefix]
    fits = tuple(ch for ch in candidates if _would_drop(ch, len(prefix), family, following))
    return fits or tuple(candidates)


@lru_cache(maxsize=4096)
def _would_drop(ch: str, kept: int, family: str, following: bytes) -> bool:
    """Whether a decoder of `family` drops the bytes of `ch` after its first `kept`, before `following`.

    The lost bytes start a new pair: a decoder drops the first when it cannot pair it with what comes
    next (and cannot read it alone). One codec of the family doing so is enough.
    """
    lost = ch.encode("utf-8")[kept:]
    if not lost:
        return False
    escaped = chr(0xDC00 + lost[0])
    return any(
        (lost + following).decode(codec, "surrogateescape").startswith(escaped)
        for codec in CODE_PAGE_FAMILIES.get(family, ())
    )


def infer_inner_lost_char(
    options: tuple[bytes | str, ...],
    *,
    before: str,
    after: str,
    open_quote: str,
    dash: str,
    seen: str = "",
    list_marker: str = BULLET,
) -> str | None:
    """Choose the character behind a gap in text mangled twice, from its inner options.

    `options` come from `govwatch.pipeline.repair.mojibake.inner_gap_options`: prefixes the inner layer left
    (most likely first) and whole characters. The most likely prefix is completed from context like a
    single lost byte; failing that, the whole character the context prefers, else the first.

    >>> infer_inner_lost_char((b"\\xe2\\x80",), before="students", after=" res", open_quote="", dash="–")
    '’'
    >>> infer_inner_lost_char(("Ĵ", "£", "š"), before=" ", after="5", open_quote="", dash="–")
    '£'
    """
    prefixes = [option for option in options if isinstance(option, bytes)]
    if prefixes:
        amount = after[:1].isdigit() and not before[-1:].isdigit() and not _DECADE.match(after)
        if amount and b"\xe2\x82" in prefixes:
            return "€"  # a currency sign before an amount
        return infer_lost_char(
            prefixes[0],
            before=before,
            after=after,
            open_quote=open_quote,
            dash=dash,
            seen=seen,
            list_marker=list_marker,
        )
    whole = [option for option in options if isinstance(option, str)]
    if not whole:
        return None
    wants_letter = before[-1:].isalpha() or after[:1].isalpha()
    for lead in (b"\xc3", b"\xc5", b"\xc4", b"\xc2"):
        guess = infer_lost_char(lead, before=before, after=after, open_quote=open_quote, dash=dash)
        if guess in whole and guess.isalpha() == wants_letter:
            return guess
    preference = "".join(LOST_BYTE_CANDIDATES.values())
    ranked = sorted(
        whole,
        key=lambda ch: (ch.isalpha() != wants_letter, ch not in preference, preference.find(ch)),
    )
    return ranked[0]


def _infer_punctuation(
    prev: str, after: str, open_quote: str, dash: str, list_marker: str
) -> tuple[str, ...]:
    """Quote marks, dashes, bullets or ellipses a lost E2 80 xx sequence may be, most likely first."""
    nxt = after[:1] or "\n"
    prev_space = prev.isspace() or prev in "([{"
    next_space = nxt.isspace()
    other_dash = EM_DASH if dash == EN_DASH else EN_DASH
    if prev.isdigit() and nxt.isdigit():
        return (EN_DASH,)  # a range: 2020–2021
    if prev == "\n" and nxt == " ":
        return (list_marker, dash, other_dash, BULLET)  # a list item
    if prev_space and next_space:
        return (dash, other_dash)
    if prev_space:
        if _DECADE.match(after):
            return ("’",)  # an elided century: ’90s
        return ("‘",) if open_quote == "“" else ("“", "‘")
    if open_quote == "“":
        return ("”", "’")
    if open_quote == "‘":
        return ("’", "”")
    if prev in _CLOSES_AFTER:
        return ("”", "’")
    if prev.isalnum() and nxt.isalpha():
        return (EM_DASH, EN_DASH)  # between two words with no space: an unspaced dash
    if prev.isalpha() and (nxt == "\n" or (nxt == " " and after[1:2].isupper())):
        return ("…", "’")  # trailing off at the end of a line or a sentence
    return ("’", "”")


def inferred_kind(ch: str) -> str:
    """The report kind for an inferred character.

    >>> inferred_kind("”"), inferred_kind("–"), inferred_kind("£")
    ('lost_byte_quote', 'lost_byte_dash', 'lost_byte_symbol')
    """
    if ch in QUOTE_CHARS:
        return "lost_byte_quote"
    if ch in DASH_CHARS:
        return "lost_byte_dash"
    if ch.isalpha():
        return "lost_byte_letter"
    return "lost_byte_symbol"
