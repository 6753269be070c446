"""Code-page primitives for mojibake repair: what a character is, its bytes, and how text gets mangled.

UTF-8 decoded with a CJK code page turns each byte pair into one character. These helpers classify
characters by how plausible they are as repaired text, give a character's bytes in a code-page family,
find runs of characters that could be such mojibake, and (for tests and benchmarks) mangle text the
same way. Pure functions, cached where the same question is asked again and again.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from functools import cache, lru_cache
from typing import Final

from govwatch.pipeline.repair.data import (
    CLASS_BAD,
    CLASS_OTHER,
    CLASS_RANGES,
    CODE_PAGE_FAMILIES,
    COMMON_CJK_LEADS,
)

_RANGE_STARTS: Final = [start for start, _end, _cls in CLASS_RANGES]


@lru_cache(maxsize=65536)
def char_class(ch: str) -> int:
    """Classify one decoded character by how plausible it is as the result of a repair.

    >>> char_class("é"), char_class("’"), char_class("中"), char_class("Ж"), char_class("\\ufffd")
    (0, 1, 2, 3, 5)
    """
    code = ord(ch)
    index = bisect_right(_RANGE_STARTS, code) - 1
    if index >= 0 and code <= CLASS_RANGES[index][1]:
        return CLASS_RANGES[index][2]
    category = unicodedata.category(ch)
    if category in ("Cc", "Cn", "Co", "Cs"):
        return CLASS_BAD
    return CLASS_OTHER


def _encode_char(ch: str, family: str) -> bytes | None:
    """Bytes of `ch` in the code-page family, or None when `ch` cannot be mojibake of that family.

    Mojibake is made of multi-byte characters (and, for Shift-JIS, half-width katakana); a lone
    surrogate from Python's `surrogateescape` stands for one byte the decoder could not place.
    Uncached: the patterns below ask once about every character of the Basic Multilingual Plane, which
    through `encode_char`'s cache would keep ~130,000 answers (~35 MB) that nothing asks for again.

    >>> _encode_char("鈥", "gbk"), _encode_char("a", "gbk"), _encode_char("\\udc9d", "big5")
    (b'\\xe2\\x80', None, b'\\x9d')
    """
    code = ord(ch)
    if code < 0x80:
        return None
    if 0xDC80 <= code <= 0xDCFF:
        return bytes((code - 0xDC00,))
    for codec in CODE_PAGE_FAMILIES[family]:
        try:
            data = ch.encode(codec)
        except UnicodeEncodeError:
            continue
        if len(data) == 2 or (len(data) == 1 and family == "shift_jis" and 0xA1 <= data[0] <= 0xDF):
            return data
    return None


#: `_encode_char` cached, for the repairs, which ask about the same few characters again and again.
encode_char: Final = lru_cache(maxsize=131072)(_encode_char)


@cache
def _material_pattern(family: str) -> re.Pattern[str]:
    """A pattern for maximal runs of characters that could be mojibake of `family` (built once)."""
    ranges: list[str] = []
    start = -1
    for code in range(0x80, 0x10000):
        is_material = _encode_char(chr(code), family) is not None
        if is_material and start < 0:
            start = code
        elif not is_material and start >= 0:
            ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(code - 1))}")
            start = -1
    if start >= 0:
        ranges.append(f"{re.escape(chr(start))}-\uffff")
    return re.compile(f"[{''.join(ranges)}]+")


def material_runs(text: str, family: str) -> list[tuple[int, int]]:
    """Maximal runs of characters that could be mojibake of `family`, as (start, end)."""
    if text.isascii():
        return []
    return [match.span() for match in _material_pattern(family).finditer(text)]


@cache
def _lead_pattern() -> re.Pattern[str]:
    """A pattern for characters whose code-page bytes start with a UTF-8 lead byte (C2..F4), any family.

    Only such a character can start a run that decodes as UTF-8: "’" is A1 AF in GBK, and A1 can only
    continue a UTF-8 sequence. Built once.
    """
    codes = [
        code
        for code in range(0x80, 0x10000)
        if any(
            (data := _encode_char(chr(code), family)) is not None and 0xC2 <= data[0] <= 0xF4
            for family in CODE_PAGE_FAMILIES
        )
    ]
    ranges: list[str] = []
    start = 0
    for index, code in enumerate(codes):
        if index + 1 == len(codes) or codes[index + 1] != code + 1:
            ranges.append(f"{re.escape(chr(codes[start]))}-{re.escape(chr(code))}")
            start = index + 1
    return re.compile(f"[{''.join(ranges)}]")


def may_hold_mojibake(text: str) -> bool:
    """Whether `text` has a character that could start code-page mojibake of UTF-8 (cheap to ask).

    >>> may_hold_mojibake("Zoë’s café — “fine”"), may_hold_mojibake("the world鈥檚")
    (False, True)
    """
    return not text.isascii() and _lead_pattern().search(text) is not None


@lru_cache(maxsize=65536)
def is_common_cjk(ch: str) -> bool:
    """Whether a CJK character is one of the common ones everyday text is made of.

    Kana, CJK punctuation, fullwidth forms, Hangul of KS X 1001, and ideographs of the first level of
    GB 2312, JIS X 0208 or Big5's frequent range count; rarer ideographs (what mojibake is full of) not.

    >>> is_common_cjk("中"), is_common_cjk("鈥"), is_common_cjk("の")
    (True, False, True)
    """
    code = ord(ch)
    if 0x3000 <= code <= 0x30FF or 0xFF00 <= code <= 0xFFEF:
        return True
    for codec, low, high in COMMON_CJK_LEADS:
        try:
            data = ch.encode(codec)
        except UnicodeEncodeError:
            continue
        if len(data) == 2 and low <= data[0] <= high:
            return True
    return False


def sequence_length(lead: int) -> int:
    """Length of the UTF-8 sequence a lead byte starts."""
    return 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4


def mangle(text: str, codec: str, *, lossy: bool, times: int = 1) -> str:
    """Mangle `text` the way this module repairs: UTF-8 bytes decoded with `codec`, `times` times.

    Lossy mangling drops bytes the codec cannot pair (as the seed article's decoder did); lossless keeps
    each as a lone surrogate (Python's `surrogateescape`), and a second round re-encodes those with
    `surrogatepass`. Used by tests and benchmarks to build mangled corpora from clean text.

    >>> mangle("the world’s", "gbk", lossy=False)
    'the world鈥檚'
    >>> mangle("country – whether", "gbk", lossy=True)
    'country 鈥 whether'
    """
    for _ in range(times):
        data = text.encode("utf-8", "surrogatepass")
        text = data.decode(codec, "ignore" if lossy else "surrogateescape")
    return text
