"""Tables used by text repair: Unicode classes, code-page families, lost-byte candidates, invisibles.

Kept apart from the logic so the word lists and ranges can be read (and tuned) in one place.
"""

from __future__ import annotations

from typing import Final

#: Code-page families whose misreading of UTF-8 we undo, in the order they are tried. The first codec
#: of a family names it in reports; the others are supersets consulted for characters the first lacks.
CODE_PAGE_FAMILIES: Final[dict[str, tuple[str, ...]]] = {
    "gbk": ("gbk", "gb18030"),
    "big5": ("big5", "cp950"),
    "shift_jis": ("shift_jis", "cp932"),
}

# Character classes of decoded text, from most to least plausible as the result of a repair.
CLASS_LATIN: Final = 0  # ASCII, Latin-1, Latin Extended: what English and European names are made of
CLASS_SYMBOL: Final = 1  # typographic punctuation, currency, letterlike, arrows, maths, emoji
CLASS_CJK: Final = 2  # CJK ideographs, kana, Hangul, CJK punctuation, fullwidth forms
CLASS_OTHER: Final = 3  # other scripts (Greek, Cyrillic, Arabic, ...): plausible only with much evidence
CLASS_RAW: Final = 4  # a lone surrogate for an undecodable byte, or private use: a step of double mangling
CLASS_BAD: Final = 5  # controls, C1 controls, U+FFFD, unassigned: never a good repair

#: Inclusive, sorted, non-overlapping code point ranges and their class; anything not listed is looked
#: up by Unicode category.
CLASS_RANGES: Final[tuple[tuple[int, int, int], ...]] = (
    (0x0009, 0x000A, CLASS_LATIN),
    (0x000D, 0x000D, CLASS_LATIN),
    (0x0020, 0x007E, CLASS_LATIN),
    (0x0080, 0x009F, CLASS_BAD),
    (0x00A0, 0x024F, CLASS_LATIN),
    (0x0300, 0x036F, CLASS_LATIN),
    (0x1E00, 0x1EFF, CLASS_LATIN),
    (0x2000, 0x23FF, CLASS_SYMBOL),
    (0x2460, 0x27BF, CLASS_SYMBOL),
    (0x2E80, 0x2FDF, CLASS_CJK),
    (0x3000, 0x30FF, CLASS_CJK),
    (0x3100, 0x31FF, CLASS_CJK),
    (0x3200, 0x33FF, CLASS_CJK),
    (0x3400, 0x4DBF, CLASS_CJK),
    (0x4E00, 0x9FFF, CLASS_CJK),
    (0xAC00, 0xD7AF, CLASS_CJK),
    (0xD800, 0xDC7F, CLASS_BAD),
    (0xDC80, 0xDCFF, CLASS_RAW),
    (0xDD00, 0xDFFF, CLASS_BAD),
    (0xE000, 0xF8FF, CLASS_RAW),
    (0xF900, 0xFAFF, CLASS_CJK),
    (0xFE30, 0xFE4F, CLASS_CJK),
    (0xFF00, 0xFFEF, CLASS_CJK),
    (0xFFFD, 0xFFFD, CLASS_BAD),
    (0x1F000, 0x1FAFF, CLASS_SYMBOL),
)

#: Where common characters sit in national code pages: (codec, lowest lead byte, highest lead byte).
#: GB 2312 level 1 hanzi, JIS X 0208 level 1 kanji, Big5 frequent hanzi, KS X 1001 Hangul.
COMMON_CJK_LEADS: Final = (
    ("gb2312", 0xB0, 0xD7),
    ("shift_jis", 0x88, 0x98),
    ("big5", 0xA4, 0xC6),
    ("euc_kr", 0xB0, 0xC8),
)

#: Latin Extended-A letters of European languages and names (Polish, Czech, Hungarian, Turkish, ...):
#: as decoded two-byte sequences they count as evidence, the rest of the block does not.
COMMON_LATIN_EXTENDED: Final = frozenset(
    "ĀāăąĄćĆčČďĎđĐēĒėęĘěĚğĞīĪįıİķĺļľĽłŁńŃņňŇőŐœŒŕřŘśŚşŞšŠţťŤūŪůŮűŰųźŹżŻžŽ"
)

#: Latin-1 symbols that count as evidence when decoded (letters count too); ¦ ¶ ¬ ¯ ´ ¸ and the like,
#: which chance produces from common ideographs, do not.
COMMON_LATIN_1_SYMBOLS: Final = frozenset("\u00a0£€©®°±²³µ·½¼¾«»§¿¡×÷¢¥")

#: UTF-8 lead bytes (as the surviving prefix of a truncated sequence) → the characters a lost
#: continuation byte most likely completed, most likely first (for capitals: Å of Scandinavian names
#: ahead of À, which starts few words in English text). Only these prefixes are ever inferred:
#: anything else stays as it is and is reported as suspect.
LOST_BYTE_CANDIDATES: Final[dict[bytes, str]] = {
    b"\xe2\x80": "’”“‘–—…•",
    b"\xe2": "’”“‘–—…•",
    b"\xe2\x82": "€",
    b"\xe2\x84": "™",
    b"\xe2\x86": "→←↑↓",
    b"\xe2\x9c": "✓✔✗",
    b"\xe2\x96": "▪",
    b"\xe2\x97": "●",
    b"\xc2": "\u00a0£°©®½·",
    b"\xc3": "éèàöüäçóáíñôêëïúøåæãâîûùòìõýßÉÅÖÜÀÆÇØÓÁÍÑÈÊÔÚÂÎÛÙÒÌ×",
    b"\xc4": "ąćęčěğıĄĆĘČ",
    b"\xc5": "łśšžźżőűœŁŚŠŽŹŻ",
    b"\xe3\x80": "。、」「』『》《",
    b"\xef\xbc": "，：；（）！？",
}
