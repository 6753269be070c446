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
from functools import cache, lru_cache
from typing import Final

from govwatch.pipeline.code_pages import encode_char
from govwatch.pipeline.repair_data import CODE_PAGE_FAMILIES, LOST_BYTE_CANDIDATES

#: Characters after which a quote mark closes, rather than opens, a quotation.
_CLOSES_AFTER: Final = frozenset(".,;:!?)]}…")
_PUNCT_PREFIXES: Final = (b"\xe2\x80", b"\xe2")
_DECADE: Final = re.compile(r"\d\ds\b")
LATIN_1_END: Final = 0x00FF
_QUOTE_BY_LAST_BYTE: Final = {0x9C: "“", 0x98: "‘", 0x9D: "”", 0x99: "’"}
_MARK_BY_LAST_BYTE: Final = {0x93: "–", 0x94: "—", 0xA2: "•"}
#: Deepest nesting of quotations tracked (deeper ones are forgotten, outermost first).
MAX_QUOTE_DEPTH: Final = 8
#: Kinds of inferred characters, for reports.
QUOTE_CHARS: Final = "’”“‘"
DASH_CHARS: Final = "–—"
EN_DASH: Final = "–"
EM_DASH: Final = "—"
BULLET: Final = "•"


@dataclass(slots=True)
class QuoteState:
    """Which quotations are open at the current point of a line, innermost last.

    Typographic quotes are tracked as the repaired text is built, so a lost byte can be restored as the
    mark that closes the innermost open quotation. A new line closes everything. With `family` set, a
    quote mark still in that family's mojibake (text mangled twice, repaired one layer at a time) counts
    too: GBK "鈥" followed by a character whose bytes start with 9C is an opening double quote.
    """

    family: str = ""
    stack: list[str] = field(default_factory=list)
    pending: str = ""  # a mojibake quote lead at the end of the last feed, judged with the next one

    def feed(self, text: str) -> None:
        """Update the state with text that follows.

        >>> state = QuoteState()
        >>> state.feed("He said “the ‘Plan’ is")
        >>> state.stack
        ['“']
        >>> state = QuoteState(family="gbk")
        >>> state.feed("He said 鈥渢he")
        >>> state.stack
        ['“']
        """
        text, self.pending = self.pending + text, ""
        pattern, leads = _quote_marks(self.family)
        if leads and text and text[-1] in leads:
            text, self.pending = text[:-1], text[-1]
        for match in pattern.finditer(text):  # only the marks: most of a text is neither quote nor line end
            ch, index = match.group(), match.start()
            if ch == "\n":
                self.stack.clear()
                continue
            if ch in leads:
                if index + 1 == len(text):
                    continue
                ch = self._quote_in_mojibake(ch, text[index + 1])
            if ch in "“‘":
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

    def _quote_in_mojibake(self, ch: str, following: str) -> str:
        """The quote mark `ch` + `following` stand for in the family's mojibake, else `ch`."""
        if encode_char(ch, self.family) != b"\xe2\x80":
            return ch
        trail = encode_char(following, self.family)
        return _QUOTE_BY_LAST_BYTE.get(trail[0], ch) if trail else ch


@cache
def _quote_marks(family: str) -> tuple[re.Pattern[str], str]:
    """A pattern for the characters `QuoteState.feed` acts on, and `family`'s mojibake quote leads.

    The leads are the characters the family's code page makes of E2 80, the first bytes of a quote.
    """
    leads = ""
    for codec in CODE_PAGE_FAMILIES.get(family, ()):
        try:
            ch = b"\xe2\x80".decode(codec)
        except UnicodeDecodeError:
            continue
        if encode_char(ch, family) == b"\xe2\x80" and ch not in leads:
            leads += ch
    return re.compile(f"[\n“‘”’{re.escape(leads)}]"), leads


def preferred_dash(text: str) -> str:
    """The spaced dash a text already uses: em dash if it has more " — " than " – ", else en dash.

    The en dash is the default because British house style (GOV.UK's included) spaces an en dash for
    parenthesis, while the unspaced em dash of American style is never lost: the byte after it pairs
    with the next letter.

    >>> preferred_dash("one — two — three – four"), preferred_dash("plain")
    ('—', '–')
    """
    return EM_DASH if text.count(" — ") > text.count(" – ") else EN_DASH


#: Stand for lost bytes in the preview of a repaired text that `profile_document` reads: of a quote,
#: dash or bullet (E2 80 xx), and of anything else.
PUNCT_GAP_MARK: Final = "\x00"
OTHER_GAP_MARK: Final = "\x01"
_SPACED_GAP: Final = re.compile(r"[^\s] \x00 ")
_LINE_START_DASH: Final = re.compile(r"^([–—]) ", re.MULTILINE)
_RANGE_DASH: Final = re.compile(r"\d[–—]\d")


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentProfile:
    """What a document shows elsewhere that helps to infer its lost bytes.

    `seen`: its text, lost bytes marked (a document that shows "Å" most likely lost an Å);
    `dash`: the dash its spaced dashes are; `list_marker`: the mark starting its list lines.
    """

    seen: str = ""
    dash: str = EN_DASH
    list_marker: str = BULLET


def profile_document(preview: str, family: str = "") -> DocumentProfile:
    """Profile a document from its preview: the text as repaired, lost bytes marked (`PUNCT_GAP_MARK`).

    A lost mark starting a list line is a bullet, unless the document shows a bullet nowhere and
    dashes somewhere: a list line that kept its dash, dashes in its prose (not in a range of numbers),
    or spaced dashes whose bytes were lost mid-line. Then it is the dash the document uses most.

    >>> profile_document("Plans 2025–2030:\\n\\x00 skills").list_marker
    '•'
    >>> profile_document("The plan—new today—has parts:\\n\\x00 skills").list_marker
    '—'
    >>> profile_document("The review \\x00 due soon \\x00 covers:\\n\\x00 data").list_marker
    '–'

    With `family` set, dashes and bullets still in that family's mojibake count too (text mangled
    twice shows its inner layer only after this one is repaired):

    >>> profile_document("The plan鈥攑ublished today:\\n\\x00 skills", "gbk").list_marker
    '—'
    """
    dash = preferred_dash(preview)
    marker = BULLET
    hidden = _marks_in_mojibake(preview, family)
    if (
        BULLET not in preview and BULLET not in hidden
    ):  # substring tests first: the regular expressions rarely need to run
        kept = (
            _LINE_START_DASH.findall(preview) if f"{EN_DASH} " in preview or f"{EM_DASH} " in preview else []
        )
        em = preview.count(EM_DASH) + hidden.count(EM_DASH)
        en = preview.count(EN_DASH) + hidden.count(EN_DASH)
        if em or en:
            ranges = _RANGE_DASH.findall(preview)
            em -= sum(r[1] == EM_DASH for r in ranges)
            en -= sum(r[1] == EN_DASH for r in ranges)
        if kept:
            marker = max(set(kept), key=kept.count)
        elif em > en:
            marker = EM_DASH
        elif en > 0 or (f" {PUNCT_GAP_MARK} " in preview and _SPACED_GAP.search(preview)):
            marker = dash if en == 0 else EN_DASH
    return DocumentProfile(seen=preview, dash=dash, list_marker=marker)


def _marks_in_mojibake(text: str, family: str) -> str:
    """The dashes and bullets in `text` still in `family`'s mojibake: a quote lead and the next character.

    >>> _marks_in_mojibake("plan鈥攑ublished, 鈥渜uoted", "gbk")
    '—'
    """
    _pattern, leads = _quote_marks(family)
    if not leads or not any(lead in text for lead in leads):
        return ""
    marks = []
    for match in re.finditer(f"[{re.escape(leads)}](.)", text):
        trail = encode_char(match.group(1), family)
        mark = _MARK_BY_LAST_BYTE.get(trail[0]) if trail else None
        if mark:
            marks.append(mark)
    return "".join(marks)


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

    `options` come from `govwatch.pipeline.mojibake.inner_gap_options`: prefixes the inner layer left
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
