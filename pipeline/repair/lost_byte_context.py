"""The context a lost byte is inferred from: open quotations and what the whole document shows.

`govwatch.pipeline.repair.lost_bytes` chooses the character behind a lost byte from its neighbours; this module
supplies the wider view: which quotations are open where the byte was lost (`QuoteState`), and what the
document shows elsewhere (`DocumentProfile`): its letters, the dash it spaces, the mark its list lines
start with.

This module is pure: no I/O, no clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Final

from govwatch.pipeline.repair.code_pages import encode_char
from govwatch.pipeline.repair.data import CODE_PAGE_FAMILIES

_QUOTE_BY_LAST_BYTE: Final = {0x9C: "“", 0x98: "‘", 0x9D: "”", 0x99: "’"}
_MARK_BY_LAST_BYTE: Final = {0x93: "–", 0x94: "—", 0xA2: "•"}
#: Deepest nesting of quotations tracked (deeper ones are forgotten, outermost first).
MAX_QUOTE_DEPTH: Final = 8
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
    dashes somewhere: a list line that kept its dash, or dashes in its prose (not in a range of
    numbers). Then it is the dash the document uses most. A spaced mark lost mid-line is no evidence:
    it reads as a dash whatever the lists use, and GOV.UK's own style pairs spaced en dashes in prose
    with bulleted lists.

    >>> profile_document("Plans 2025–2030:\\n\\x00 skills").list_marker
    '•'
    >>> profile_document("The plan—new today—has parts:\\n\\x00 skills").list_marker
    '—'
    >>> profile_document("The review \\x00 due soon \\x00 covers:\\n\\x00 data").list_marker
    '•'

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
        elif en > 0:
            marker = EN_DASH
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
