"""Decode a run of suspected mojibake as UTF-8, leniently, and sum up the evidence it holds.

The bytes of a run (its characters re-encoded to the code page) are cut into UTF-8 tokens: whole
sequences, truncated ones (a byte the wrong decoder dropped: a `Gap`), and bytes that fit nowhere. The
tokens are grouped where byte and character boundaries agree, so a decoding never splits a character
of the run. `decode_run` caches the result per distinct run, since mojibake repeats the same few.

This module is pure: no I/O, no clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from govwatch.pipeline.repair.code_pages import char_class, encode_char, is_common_cjk, sequence_length
from govwatch.pipeline.repair.data import (
    CLASS_BAD,
    CLASS_CJK,
    CLASS_OTHER,
    CLASS_RAW,
    CLASS_SYMBOL,
    COMMON_LATIN_1_SYMBOLS,
    COMMON_LATIN_EXTENDED,
    LOST_BYTE_CANDIDATES,
)

LATIN_1_END: Final = 0x00FF
GREEK_MIN: Final = 0x0370
CYRILLIC_MAX: Final = 0x052F
#: Letterlike symbols, number forms and arrows (™ № ½ →): three-byte sequences typical of English text.
LETTERLIKE_MIN: Final = 0x2100
ARROWS_MAX: Final = 0x21FF

#: Decoded three-byte characters that mark a run as mojibake even when part of it cannot be decoded:
#: general punctuation, super- and subscripts, currency signs (what English text is full of).
STRONG_SYMBOL_MIN: Final = 0x2000
STRONG_SYMBOL_MAX: Final = 0x20CF
#: Surviving prefixes of a three-byte quote, dash or currency sign.
STRONG_GAP_PREFIXES: Final = frozenset({b"\xe2\x80", b"\xe2\x82"})
#: Families whose decoder pairs every byte it could drop with a following ASCII byte from 0x40 up.
PAIRS_ANY_ASCII_TRAIL: Final = frozenset({"gbk"})
#: Lowest ASCII byte CJK code pages accept as the second byte of a pair.
ASCII_TRAIL_MIN: Final = 0x40
#: Decoded characters kept to judge where a twice-mangled gap falls in the inner text.
INNER_TAIL_CHARS: Final = 3
NBSP: Final = 0x00A0
#: UTF-8 lead bytes from here on start CJK (U+3000 and up), not punctuation or symbols.
CJK_LEAD_MIN: Final = 0xE3

# One UTF-8 token: a valid sequence, else a truncated one (lead + too few continuation bytes), else a byte.
_UTF8_TOKEN: Final = re.compile(
    rb"(?P<seq>[\x00-\x7f]|[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xef][\x80-\xbf]{2}"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2})"
    rb"|(?P<gap>[\xc2-\xdf]|[\xe0-\xef][\x80-\xbf]?|[\xf0-\xf4][\x80-\xbf]{0,2})"
    rb"|(?P<bad>[\x00-\xff])",
    re.DOTALL,
)
#: Runs of at least this many bytes may be rejected at once when a quarter or more are not UTF-8.
FAST_REJECT_MIN_BYTES: Final = 16
INVALID_SHARE_DIVISOR: Final = 4
_ESCAPED_BYTE: Final = re.compile("[\udc80-\udcff]")
_SYMBOL_CHAR: Final = re.compile("[\u2000-\u2bff]")


@dataclass(frozen=True, slots=True, kw_only=True)
class Gap:
    """A UTF-8 sequence whose last bytes were lost: the bytes that survive and how many are missing."""

    prefix: bytes
    missing: int


Piece = str | Gap


@dataclass(slots=True)
class Group:
    """Consecutive characters of a run whose bytes decode to whole UTF-8 tokens."""

    start: int
    end: int
    pieces: list[Piece] | None  # None: the bytes do not decode here
    evidence: int = 0
    non_latin: bool = False
    strong: bool = False  # a 3-byte sequence decoding to typographic punctuation or a currency sign
    ascii_inside: bool = False
    characteristic: bool = False  # some sequence decodes to what mojibake of English is made of
    odd: bool = False  # some two-byte sequence decodes to a rare letter or sign (Ɓ ǯ ¦ ̤): chance, not text


@dataclass(frozen=True, slots=True, kw_only=True)
class RunDecoding:
    """A run's decoded groups and the facts the repair decision needs, computed once per distinct run."""

    groups: tuple[Group, ...]
    all_good: bool
    evidence: int  # of the good groups
    ascii_inside: bool
    non_latin: bool  # some good group decodes to CJK or another non-Latin script
    strong: bool  # some Latin good group holds typographic punctuation
    multibyte: int  # decoded pieces that are not ASCII
    characteristic: bool  # some good group decodes to what mojibake of English is made of
    odd: bool  # some good group decodes a two-byte sequence to a rare letter or sign
    common: bool  # decodes to no private use or escaped bytes, and mostly to common CJK characters
    step: bool  # decodes to private use or escaped bytes: only plausible as a step of double mangling
    foreign: bool  # decodes to a script other than Latin, Greek, Cyrillic or CJK
    pieces: tuple[Piece, ...]  # all pieces, when every group is good


def _valid_gap(prefix: bytes, family: str, recent: str) -> bool:
    """Whether a truncated sequence could still have been valid UTF-8, and we know how to complete it.

    A gap of a twice-mangled text is completed through its inner layer, which only makes sense when
    the inner text decoded so far (`recent`) ends on a character boundary.
    """
    if prefix in LOST_BYTE_CANDIDATES:
        return True
    return bool(inner_gap_options(prefix, family)) and _inner_boundary(recent, family)


def _inner_boundary(recent: str, family: str) -> bool:
    """Whether the inner bytes of the decoded characters `recent` end with a whole UTF-8 character."""
    inner = b"".join(encode_char(ch, family) or ch.encode("utf-8", "surrogatepass") for ch in recent)
    if not inner:
        return True
    trailing = len(inner) - len(inner.rstrip(bytes(range(0x80, 0xC0))))
    if trailing == len(inner):
        return False
    lead = inner[-trailing - 1]
    return (lead < 0x80 and trailing == 0) or (lead >= 0xC2 and sequence_length(lead) == trailing + 1)


@lru_cache(maxsize=4096)
def inner_gap_options(prefix: bytes, family: str) -> tuple[bytes | str, ...]:
    """What a gap can stand for when the text was mangled twice and the outer layer lost a byte.

    "鈥" (a lone lead of a quote) mangled again is E9 88 A5; when the outer decoder drops A5, the
    prefix E9 88 survives. Completing it with each possible continuation byte gives ideographs; those
    whose code-page bytes are themselves a prefix we can complete (E2 80) or a whole Latin-1 character
    (C2 A3, "£") are the options, in `LOST_BYTE_CANDIDATES` order for prefixes.

    >>> inner_gap_options(b"\\xe9\\x88", "gbk")[:2]
    (b'\\xe2\\x80', b'\\xe2\\x82')
    """
    if len(prefix) != sequence_length(prefix[0]) - 1 or prefix[0] < CJK_LEAD_MIN:
        return ()
    prefixes: list[bytes] = []
    complete: list[str] = []
    for last in range(0x80, 0xC0):
        try:
            ch = (prefix + bytes((last,))).decode("utf-8")
        except UnicodeDecodeError:
            continue
        inner = encode_char(ch, family)
        if inner is None:
            continue
        if inner in LOST_BYTE_CANDIDATES:
            prefixes.append(inner)
            continue
        try:
            decoded = inner.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if len(decoded) == 1 and NBSP <= ord(decoded) <= LATIN_1_END:
            complete.append(decoded)
    order = list(LOST_BYTE_CANDIDATES)
    return (*sorted(prefixes, key=order.index), *complete)


def mostly_common(pieces: tuple[Piece, ...]) -> bool:
    """Whether decoded text is made of common CJK characters (at least half) and no escaped bytes.

    Mangled CJK text decodes to the common characters real text is made of; genuine CJK text that
    happens to decode gives rare ideographs, private-use characters or escaped bytes.
    """
    decoded = [ch for p in pieces if isinstance(p, str) for ch in p if char_class(ch) >= CLASS_CJK]
    if any(char_class(ch) == CLASS_RAW or _foreign(ch) for ch in decoded):
        return False
    cjk = [ch for ch in decoded if char_class(ch) == CLASS_CJK]
    return not cjk or 2 * sum(map(is_common_cjk, cjk)) >= len(cjk)


def _foreign(ch: str) -> bool:
    """A character of a script other than Latin, Greek, Cyrillic or CJK (Ethiopic, Yi, ...)."""
    return char_class(ch) == CLASS_OTHER and not GREEK_MIN <= ord(ch) <= CYRILLIC_MAX


@lru_cache(maxsize=16384)
def decode_run(run: str, family: str, trail_follows: bool) -> RunDecoding:
    """Decode one run (cached: mojibake repeats the same few runs), with offsets relative to the run.

    A long run whose bytes are mostly not UTF-8 and hold no typographic punctuation is genuine CJK
    text (or hopeless): it is one undecodable group, found without walking it byte by byte.
    """
    parts = [encode_char(ch, family) or b"?" for ch in run]
    raw = b"".join(parts)
    groups: tuple[Group, ...] | None = None
    if len(raw) >= FAST_REJECT_MIN_BYTES and b"\xed" not in raw:  # ED: maybe an encoded surrogate
        escaped = raw.decode("utf-8", "surrogateescape")
        invalid = len(_ESCAPED_BYTE.findall(escaped))
        if invalid * INVALID_SHARE_DIVISOR >= len(raw) and not _SYMBOL_CHAR.search(escaped):
            groups = (Group(start=0, end=len(run), pieces=None),)
    if groups is None:
        groups = tuple(decode_groups(0, parts, family, trail_follows=trail_follows))
    good = [g for g in groups if g.pieces is not None]
    all_good = len(good) == len(groups)
    pieces = tuple(p for g in good for p in g.pieces or ()) if all_good else ()
    return RunDecoding(
        groups=groups,
        all_good=all_good,
        evidence=sum(g.evidence for g in good),
        ascii_inside=any(g.ascii_inside for g in good),
        non_latin=any(g.non_latin for g in good),
        strong=any(g.strong and not g.non_latin for g in good),
        multibyte=sum(1 for p in pieces if not (isinstance(p, str) and p.isascii())),
        characteristic=any(g.characteristic for g in good),
        odd=any(g.odd for g in good),
        common=mostly_common(pieces),
        step=any(
            char_class(ch) == CLASS_RAW for p in pieces if isinstance(p, str) for ch in p
        ),  # private use or escaped bytes: a step of double mangling
        foreign=any(_foreign(ch) for p in pieces if isinstance(p, str) for ch in p),
        pieces=pieces,
    )


def decode_groups(start: int, parts: list[bytes], family: str, *, trail_follows: bool) -> list[Group]:
    """Decode a run's bytes as UTF-8 and cut the result where byte and character boundaries agree."""
    raw = b"".join(parts)
    boundary: dict[int, int] = {}
    offset = 0
    for index, data in enumerate(parts):
        boundary[offset] = start + index
        offset += len(data)
    boundary[offset] = start + len(parts)
    groups: list[Group] = []
    group = Group(start=start, end=start, pieces=[])
    recent = ""  # the last decoded characters, to see where a double-mangled gap sits in the inner text
    for match in _UTF8_TOKEN.finditer(raw):
        token = match.group()
        if match.lastgroup == "seq":
            text = token.decode("utf-8", "surrogatepass")
            recent = (recent + text)[-INNER_TAIL_CHARS:]
            if group.pieces is not None:
                group.pieces.append(text)
            if len(token) == 1:
                group.ascii_inside = True
            else:
                group.evidence += _sequence_evidence(text, len(token))
                characteristic = _is_characteristic(text, len(token))
                group.characteristic = group.characteristic or characteristic
                group.odd = group.odd or (len(token) == 2 and not characteristic)
                cls = char_class(text)
                if cls == CLASS_BAD:
                    group.pieces = None
                elif cls > CLASS_SYMBOL:
                    group.non_latin = True
                elif len(token) >= 3 and characteristic:
                    group.strong = True
        elif (
            match.lastgroup == "gap"
            and _valid_gap(token, family, recent)
            and _gap_may_end(raw, match.end(), trail_follows=trail_follows, family=family)
        ):
            recent = ""
            if group.pieces is not None:
                group.pieces.append(Gap(prefix=token, missing=sequence_length(token[0]) - len(token)))
            gap_evidence = _gap_evidence(token, family)
            group.evidence += gap_evidence
            group.characteristic = group.characteristic or token in LOST_BYTE_CANDIDATES or gap_evidence > 1
            group.strong = group.strong or gap_evidence > 1
            group.non_latin = group.non_latin or (token[0] >= CJK_LEAD_MIN and token in LOST_BYTE_CANDIDATES)
        else:
            group.pieces = None
        if match.end() in boundary:
            group.end = boundary[match.end()]
            groups.append(group)
            group = Group(start=group.end, end=group.end, pieces=[])
    return groups


def _sequence_evidence(decoded: str, length: int) -> int:
    """How much one decoded multi-byte sequence says for the repair.

    Three- and four-byte sequences rarely line up by chance; two-byte ones often do, and count only
    when they decode to Latin-1 or a common Latin Extended-A letter (accented letters, £, no-break
    space), not to the rarer letters that chance produces from common Big5 or GBK ideographs.
    """
    if length >= 3:
        return 2 if char_class(decoded) != CLASS_SYMBOL or _is_characteristic(decoded, length) else 1
    return 1 if _is_characteristic(decoded, length) else 0


def _is_characteristic(decoded: str, length: int) -> bool:
    """Whether a decoded sequence is what mojibake of English text is made of (’ “ – … £ € é ł ™ →)."""
    code = ord(decoded)
    if length == 2:
        if code <= LATIN_1_END:
            return decoded.isalpha() or decoded in COMMON_LATIN_1_SYMBOLS
        return decoded in COMMON_LATIN_EXTENDED
    if length == 4:
        return char_class(decoded) == CLASS_SYMBOL  # emoji: four aligned bytes are never chance
    return length == 3 and (
        STRONG_SYMBOL_MIN <= code <= STRONG_SYMBOL_MAX or LETTERLIKE_MIN <= code <= ARROWS_MAX
    )


def _gap_may_end(raw: bytes, end: int, *, trail_follows: bool, family: str) -> bool:
    """Whether a truncated sequence can be a lost byte's trace, from the byte that comes next.

    A decoder drops a byte only when the byte after it cannot be its partner: ASCII below 0x40 (space,
    digits, punctuation) or a byte it cannot place (0x80 as a lead). An ASCII letter would have been
    swallowed as a trail byte, so a "gap" before one is not a lost byte at all. At the end of the run
    the next byte is the text's next character (`trail_follows`: an ASCII character from 0x40 up).
    That holds for GBK, which pairs any lead with those; Shift-JIS and Big5 leave holes in their tables
    and drop single bytes (A0, 80) outright, so there a gap may come before a letter.
    Inside a run the next byte is another lead; in GBK only a dropped 0x80 does that, and what it leaves
    is not a sequence we could complete, so only the run's end counts. Shift-JIS and Big5 drop pairs
    their tables lack, so there a gap before another lead byte counts too.
    """
    if family in PAIRS_ANY_ASCII_TRAIL:
        return end >= len(raw) and not trail_follows
    return end >= len(raw) or raw[end] >= 0xC2


def _gap_evidence(prefix: bytes, family: str) -> int:
    """How much a truncated sequence says: two surviving bytes of a quote or dash say as much as a whole
    sequence; a lone lead byte or a CJK punctuation prefix little; a twice-mangled prefix as much as the
    quote or dash lead it hides (GBK's 閳 is only ever 鈥 mangled again), else nothing.
    """
    if prefix in STRONG_GAP_PREFIXES:
        return 2
    if prefix in LOST_BYTE_CANDIDATES:
        return 1
    options = inner_gap_options(prefix, family)
    return 2 if options and options[0] in STRONG_GAP_PREFIXES else 0
