"""Infer the character behind a UTF-8 sequence whose last byte a code-page decoder dropped.

When UTF-8 is read as GBK (or Shift-JIS), each byte pair becomes one character and a byte left without a
partner is dropped. A closing quote or a dash is three bytes, so before a space or a comma only its first
two survive, as a lone "鈥": "Understanding鈥 sets", "country 鈥 whether". The surviving prefix narrows
the candidates (E2 80 → U+2000..U+203F) and the context picks one: a closing quote after an opening one,
a dash between spaces, an opening quote before a word. Every such character is reported as inferred.

This module is pure: no I/O, no clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from govwatch.pipeline.repair_data import LOST_BYTE_CANDIDATES

#: Characters after which a quote mark closes, rather than opens, a quotation.
_CLOSES_AFTER: Final = frozenset(".,;:!?)]}…")
_PUNCT_PREFIXES: Final = (b"\xe2\x80", b"\xe2")
_DECADE: Final = re.compile(r"\d\ds\b")
#: Deepest nesting of quotations tracked (deeper ones are forgotten, outermost first).
MAX_QUOTE_DEPTH: Final = 8
#: Kinds of inferred characters, for reports.
QUOTE_CHARS: Final = "’”“‘"
DASH_CHARS: Final = "–—"
EN_DASH: Final = "–"
EM_DASH: Final = "—"


@dataclass(slots=True)
class QuoteState:
    """Which quotations are open at the current point of a line, innermost last.

    Typographic quotes are tracked as the repaired text is built, so a lost byte can be restored as the
    mark that closes the innermost open quotation. A new line closes everything.
    """

    stack: list[str] = field(default_factory=list)

    def feed(self, text: str) -> None:
        """Update the state with text that follows.

        >>> state = QuoteState()
        >>> state.feed("He said “the ‘Plan’ is")
        >>> state.stack
        ['“']
        """
        for index, ch in enumerate(text):
            if ch == "\n":
                self.stack.clear()
            elif ch in "“‘":
                self.stack.append(ch)
                del self.stack[:-MAX_QUOTE_DEPTH]
            elif ch == "”":
                if "“" in self.stack:
                    while self.stack and self.stack.pop() != "“":
                        pass
            elif ch == "’" and self.stack and self.stack[-1] == "‘":
                following = text[index + 1 : index + 2]
                if not following.isalpha():
                    self.stack.pop()


def preferred_dash(text: str) -> str:
    """The spaced dash a text already uses: em dash if it has more " — " than " – ", else en dash.

    The en dash is the default because British house style (GOV.UK's included) spaces an en dash for
    parenthesis, while the unspaced em dash of American style is never lost: the byte after it pairs
    with the next letter.

    >>> preferred_dash("one — two — three – four"), preferred_dash("plain")
    ('—', '–')
    """
    return EM_DASH if text.count(" — ") > text.count(" – ") else EN_DASH


def infer_lost_char(prefix: bytes, *, before: str, after: str, open_quote: str, dash: str) -> str | None:
    """Choose the character a truncated UTF-8 sequence most likely was, or None when unknown.

    Args:
        prefix: the bytes of the sequence that survive (b"\\xe2\\x80" for a lone "鈥").
        before: the repaired text just before the gap (one character is enough).
        after: the text just after the gap (a few characters; "" at the end of the text).
        open_quote: the innermost open quotation mark ("“", "‘") or "".
        dash: the spaced dash to use between spaces.

    Returns:
        The inferred character, or None when the prefix is not one we can complete.

    >>> infer_lost_char(b"\\xe2\\x80", before="country ", after=" whether", open_quote="", dash="–")
    '–'
    >>> infer_lost_char(b"\\xe2\\x80", before="values", after=".", open_quote="“", dash="–")
    '”'
    >>> infer_lost_char(b"\\xe2\\x82", before="", after="3", open_quote="", dash="–")
    '€'
    """
    candidates = LOST_BYTE_CANDIDATES.get(prefix)
    if not candidates:
        return None
    prev = before[-1:] or "\n"
    nxt = after[:1] or "\n"
    if prefix in _PUNCT_PREFIXES:
        return _infer_punctuation(prev, after, open_quote, dash)
    if prefix == b"\xe3\x80":
        return "。"  # the end of a sentence before a line break or Latin text
    if prefix == b"\xc2":
        if nxt.isdigit():
            return "£"
        if prev.isdigit() and nxt in "CF":
            return "°"
        return "\u00a0"
    if prefix == b"\xc3" and prev.isspace() and nxt.isspace():
        return "×"  # the one Latin-1 symbol in this range that stands between spaces: 3 × 4
    if not prev.isalpha() or (prev.isupper() and not nxt.islower()):
        capitals = [ch for ch in candidates if ch.isupper()]
        if capitals and (nxt.isalpha() or prev.isupper()):
            return capitals[0]  # a capital starting a word, or inside a word in capitals
    return candidates[0]


def _infer_punctuation(prev: str, after: str, open_quote: str, dash: str) -> str:
    """Pick a quote mark, dash, bullet or ellipsis for a lost E2 80 xx sequence from its surroundings."""
    nxt = after[:1] or "\n"
    prev_space = prev.isspace() or prev in "([{"
    next_space = nxt.isspace()
    if prev.isdigit() and nxt.isdigit():
        return EN_DASH  # a range: 2020–2021
    if prev == "\n" and nxt == " ":
        return "•"  # a list item
    if prev_space and next_space:
        return dash
    if prev_space:
        if _DECADE.match(after):
            return "’"  # an elided century: ’90s
        return "‘" if open_quote == "“" else "“"
    if open_quote == "“":
        return "”"
    if open_quote == "‘":
        return "’"
    if prev in _CLOSES_AFTER:
        return "”"
    if prev.isalnum() and nxt.isalpha():
        return EM_DASH  # between two words with no space: an unspaced dash
    if prev.isalpha() and (nxt == "\n" or (nxt == " " and after[1:2].isupper())):
        return "…"  # trailing off at the end of a line or a sentence
    return "’"


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
