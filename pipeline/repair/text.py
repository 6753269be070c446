"""Repair text whose encoding was mangled on the way to us.

`repair_text` runs these stages and reports each kind of repair it applied:

1. CJK code-page mojibake (`govwatch.pipeline.repair.mojibake`): UTF-8 that was decoded as GBK, Big5 or
   Shift-JIS is re-encoded and decoded again, run by run, repeated while it helps (double mangling).
   Bytes the wrong decoder dropped are inferred from context (`govwatch.pipeline.repair.lost_bytes`,
   with the document's wider context from `govwatch.pipeline.repair.lost_byte_context`).
2. ftfy, for what it knows (UTF-8 read as Windows-1252 or Latin-1, HTML entities), configured never to
   touch good text: no uncurling of quotes, no width folding, no Unicode normalisation, no ligature or
   line-break changes. If it changed anything, stage 1 gets another look.
3. Runs that still look like mojibake in a text known to be mangled are reported as suspect, unchanged.
4. Words that syndicated copy glued together are split (`govwatch.pipeline.repair.glued_words`):
   "legallybinding" → "legally binding", "Kyle,andOpenAICEO" → "Kyle, and OpenAI CEO".

Stored text keeps its typographic quotes and dashes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Final

import ftfy

from govwatch.pipeline.records import Repair, RepairResult
from govwatch.pipeline.repair.code_pages import char_class
from govwatch.pipeline.repair.data import (
    CLASS_CJK,
    LOST_BYTE_CANDIDATES,
)
from govwatch.pipeline.repair.glued_words import split_glued_words
from govwatch.pipeline.repair.lost_byte_context import (
    OTHER_GAP_MARK,
    PUNCT_GAP_MARK,
    DocumentProfile,
    QuoteState,
    profile_document,
)
from govwatch.pipeline.repair.lost_bytes import infer_inner_lost_char, infer_lost_char, inferred_kind
from govwatch.pipeline.repair.mojibake import (
    FamilyScan,
    Gap,
    Piece,
    inner_gap_options,
    scan_all_families,
    scan_family,
)

log = logging.getLogger(__name__)

#: How many times a code-page repair is repeated on its own output (text mangled twice needs two).
MAX_CJK_PASSES: Final = 3
#: How many times ftfy and the code-page repair take turns (each may uncover work for the other).
MAX_ROUNDS: Final = 2
#: Characters of context either side of a change in a report example.
EXAMPLE_CONTEXT_CHARS: Final = 10
#: Characters after a lost byte that its inference may look at.
LOOKAHEAD_CHARS: Final = 4
#: Longest report example, in characters.
EXAMPLE_MAX_CHARS: Final = 80

FTFY_CONFIG: Final = ftfy.TextFixerConfig(
    unescape_html="auto",
    remove_terminal_escapes=True,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=True,
    remove_control_chars=False,
    normalization=None,
    explain=True,
)


@dataclass(slots=True)
class _Tally:
    """Repairs by kind, in the order first seen, each with a count and its first example."""

    counts: dict[str, int] = field(default_factory=dict)
    firsts: dict[str, Repair] = field(default_factory=dict)

    def add(
        self, kind: str, example: Callable[[], str], *, inferred: bool = False, suspect: bool = False
    ) -> None:
        """Count one repair of `kind`; the first one's example is made (and kept)."""
        if kind in self.counts:
            self.counts[kind] += 1
            return
        self.counts[kind] = 1
        self.firsts[kind] = Repair(
            kind=kind, count=1, example=example()[:EXAMPLE_MAX_CHARS], inferred=inferred, suspect=suspect
        )

    def repairs(self, *, suspect_only: bool = False) -> tuple[Repair, ...]:
        """The tallied repairs (only the suspect ones when asked)."""
        return tuple(
            replace(first, count=self.counts[kind])
            for kind, first in self.firsts.items()
            if first.suspect or not suspect_only
        )


def repair_text(text: str) -> RepairResult:
    """Repair mojibake in `text` and report what was repaired; clean text comes back unchanged.

    Never raises: an unexpected failure inside the repair is logged and the text is returned as given,
    with a suspect "repair_error" entry, so one odd document cannot stop a pipeline.

    Args:
        text: any string (a page's extracted text, a title, ...).

    Returns:
        The repaired text and one `Repair` per kind of repair applied (empty when nothing was changed).

    >>> result = repair_text("the world鈥檚 first, backed by 拢2 billion")
    >>> result.text
    'the world’s first, backed by £2 billion'
    >>> [(r.kind, r.count) for r in result.repairs]
    [('gbk_mojibake', 2)]
    >>> repair_text("Zoë’s café — “fine”").repairs
    ()
    """
    try:
        return _repair(text)
    except Exception:  # the last line of defence for a pipeline step that must not fail
        log.exception("repair failed on a %d-character text; leaving it unchanged", len(text))
        return RepairResult(text=text, repairs=(Repair(kind="repair_error", count=1, suspect=True),))


def _repair(text: str) -> RepairResult:
    """Run the repair stages (see the module docstring) and collect their reports."""
    tally = _Tally()
    current = text
    families: list[str] = []
    for _round in range(MAX_ROUNDS):
        for _pass in range(MAX_CJK_PASSES):
            scan = scan_all_families(current)
            if scan.evidence <= 0:
                break
            repaired = _apply_scan(current, scan, tally, double=bool(families))
            if repaired == current:
                break
            families.append(scan.family)
            current = repaired
        fixed = _apply_ftfy(current, tally)
        if fixed == current:
            break
        current = fixed
    if families:
        _report_suspects(current, families[-1], tally)
    current = split_glued_words(
        current, lambda before, after: tally.add("glued_words", lambda: f"{before} → {after}")
    )
    if current == text:
        return RepairResult(text=text, repairs=tally.repairs(suspect_only=True))
    return RepairResult(text=current, repairs=tally.repairs())


def _apply_scan(text: str, scan: FamilyScan, tally: _Tally, *, double: bool) -> str:
    """Apply one family's run repairs to `text`, inferring lost bytes from the text built so far."""
    out: list[str] = []
    quotes = QuoteState(family=scan.family)
    profile: DocumentProfile | None = None  # made at the first gap: most texts have none
    kind = "double_mojibake" if double else f"{scan.family}_mojibake"
    pos = 0
    for run in scan.repairs:
        original = text[run.start : run.end]
        if run.pieces == (original,):
            continue
        plain = text[pos : run.start]
        out.append(plain)
        quotes.feed(plain)
        replaced: list[str] = []
        for index, piece in enumerate(run.pieces):
            if isinstance(piece, Gap):
                before = replaced[-1] if replaced else plain[-1:] or (out[-2][-1:] if len(out) > 1 else "")
                after = _following_text(run.pieces, index + 1, text[run.end : run.end + LOOKAHEAD_CHARS])
                open_quote = quotes.stack[-1] if quotes.stack else ""
                profile = profile or _profile(text, scan)
                inferred = _infer_gap(
                    piece, scan.family, before=before, after=after, quote=open_quote, profile=profile
                )
                # None is unreachable: the scanner only leaves gaps whose prefix can be completed.
                char = "\ufffd" if inferred is None else inferred
                tally.add(
                    inferred_kind(char), partial(_example, text, run.start, run.end, char), inferred=True
                )
            else:
                char = piece
            replaced.append(char)
            quotes.feed(char)
        replacement = "".join(replaced)
        out.append(replacement)
        tally.add(kind, partial(_example, text, run.start, run.end, replacement))
        pos = run.end
    out.append(text[pos:])
    return "".join(out)


def _infer_gap(
    gap: Gap, family: str, *, before: str, after: str, quote: str, profile: DocumentProfile
) -> str | None:
    """The character behind a gap: a lost byte of this layer, or of the layer inside (double mangling)."""
    if gap.prefix in LOST_BYTE_CANDIDATES:
        return infer_lost_char(
            gap.prefix,
            before=before,
            after=after,
            open_quote=quote,
            dash=profile.dash,
            family=family,
            seen=profile.seen,
            list_marker=profile.list_marker,
        )
    options = inner_gap_options(gap.prefix, family)
    return infer_inner_lost_char(
        options,
        before=before,
        after=after,
        open_quote=quote,
        dash=profile.dash,
        seen=profile.seen,
        list_marker=profile.list_marker,
    )


def _profile(text: str, scan: FamilyScan) -> DocumentProfile:
    """Profile the document as this scan would repair it, each lost byte still a gap."""
    parts: list[str] = []
    pos = 0
    for run in scan.repairs:
        parts.append(text[pos : run.start])
        parts.extend([piece if piece.__class__ is str else _preview_piece(piece) for piece in run.pieces])
        pos = run.end
    parts.append(text[pos:])
    return profile_document("".join(parts), scan.family)


def _preview_piece(piece: Piece) -> str:
    """A piece as the document profile sees it: decoded text, or a mark for a lost byte."""
    if not isinstance(piece, Gap):
        return piece
    return PUNCT_GAP_MARK if piece.prefix in (b"\xe2\x80", b"\xe2") else OTHER_GAP_MARK


def _following_text(pieces: tuple[Piece, ...], start: int, rest: str) -> str:
    """Up to `LOOKAHEAD_CHARS` of decoded text from `pieces[start:]` (stopping at a gap), then `rest`."""
    text = ""
    for index in range(start, len(pieces)):
        piece = pieces[index]
        if isinstance(piece, Gap):
            return text
        text += piece
        if len(text) >= LOOKAHEAD_CHARS:
            return text[:LOOKAHEAD_CHARS]
    return (text + rest)[:LOOKAHEAD_CHARS]


def _example(text: str, start: int, end: int, replacement: str) -> str:
    """A short "before → after" for a report: the change with a few characters either side, on its line."""
    left = text[max(0, start - EXAMPLE_CONTEXT_CHARS) : start].rpartition("\n")[2]
    right = text[end : end + EXAMPLE_CONTEXT_CHARS].partition("\n")[0]
    if start > EXAMPLE_CONTEXT_CHARS and " " in left[:-1]:
        left = left[left.index(" ") + 1 :]  # start at a word
    if " " in right[1:]:
        right = right[: right.rindex(" ")]  # end at a word
    original = text[start : min(end, start + EXAMPLE_CONTEXT_CHARS * 2)]
    return f"{left}{original}{right} → {left}{replacement[: EXAMPLE_CONTEXT_CHARS * 2]}{right}"


def _apply_ftfy(text: str, tally: _Tally) -> str:
    """Let ftfy fix each line it has something to say about, and report its steps."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if line.isascii() and "&" not in line and "\x1b" not in line:
            continue  # nothing ftfy could change (the common case, so skip the call)
        fixed, steps = ftfy.fix_and_explain(line, config=FTFY_CONFIG)
        if fixed == line:
            continue
        example = f"{_shorten(line)} → {_shorten(fixed)}"
        for action, parameter in steps or ():
            if action == "decode":
                continue  # reported with its matching "encode" step
            tally.add(
                "ftfy:fix_encoding" if action == "encode" else f"ftfy:{parameter}", partial(str, example)
            )
        lines[index] = fixed
    return "\n".join(lines)


def _shorten(line: str) -> str:
    """At most half an example's length of a line."""
    limit = EXAMPLE_MAX_CHARS // 2 - 1
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _report_suspects(text: str, family: str, tally: _Tally) -> None:
    """Report runs that still look like `family` mojibake but could not be decoded with certainty."""
    for run in scan_family(text, family, confirmed=True).repairs:
        for part in run.suspect:
            tally.add("suspect_cjk_run", partial(_trim_to_cjk, part), suspect=True)


def _trim_to_cjk(part: str) -> str:
    """A suspect run without the quotes or letters that happen to border it.

    >>> _trim_to_cjk("辞苍蝉’")
    '辞苍蝉'
    """
    cjk = [index for index, ch in enumerate(part) if char_class(ch) >= CLASS_CJK]
    return part[cjk[0] : cjk[-1] + 1] if cjk else part
