"""Find UTF-8 text that was decoded with a CJK code page (GBK, Big5, Shift-JIS) and work out its repair.

ftfy undoes UTF-8 read as Windows-1252 or Latin-1, but not UTF-8 read as a CJK code page, where each pair
of UTF-8 bytes became one ideograph: "world’s" → "world鈥檚", "£2" → "拢2". The repair re-encodes a run
of suspicious characters to the code page and reads the bytes as UTF-8 again. Whether to trust the result
is decided per run, never for the whole text: the bytes must form UTF-8 whose sequences line up with the
characters of the run, and the decoded text must be more plausible (Latin letters, typographic
punctuation, £, €) than what was there. Genuine Chinese or Japanese almost never passes, because common
ideographs re-encode to lead bytes that UTF-8 forbids at that place.

What counts as evidence: each decoded sequence that English mojibake is made of (Latin-1 letters and
common signs, common Latin Extended-A letters, general punctuation, currency, letterlike signs, arrows),
the surviving two bytes of a lost quote or dash, and a run glued to a Latin word or swallowing an ASCII
letter. A run needs `MIN_EVIDENCE`; a run decoding to CJK needs more, and mostly common characters (a
mangled Chinese page decodes to everyday characters, chance alignments of genuine text to rare ones).
Once a text's trusted runs add up to `MIN_EVIDENCE_CONFIRMED` the text is known to be mangled, and its
weaker runs are trusted too. The code-page family with the most evidence wins.

A decoder that dropped a byte it could not pair (the seed's "Understanding鈥 sets") leaves a truncated
UTF-8 sequence; it is returned as a `Gap` for `govwatch.pipeline.repair.lost_bytes` to infer from context.
Runs that look damaged but cannot be decoded are returned unchanged as suspect.

This module is pure: no I/O, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from govwatch.pipeline.repair.code_pages import (
    char_class,
    encode_char,
    material_runs,
    may_hold_mojibake,
)
from govwatch.pipeline.repair.data import (
    CLASS_CJK,
    CODE_PAGE_FAMILIES,
)
from govwatch.pipeline.repair.run_decoding import (
    ASCII_TRAIL_MIN,
    Gap,
    Piece,
    RunDecoding,
    decode_groups,
    decode_run,
    inner_gap_options,
    mostly_common,
)

#: Evidence a run needs before its decoding is trusted (a 3-byte sequence counts 2, a 2-byte one 1).
MIN_EVIDENCE: Final = 2
#: Evidence a run decoding to CJK or another non-Latin script needs (mangled CJK, or double mangling).
MIN_EVIDENCE_NON_LATIN: Final = 4
#: Evidence of a whole text after which shorter runs in it are trusted too.
MIN_EVIDENCE_CONFIRMED: Final = 2


@dataclass(frozen=True, slots=True, kw_only=True)
class RunRepair:
    """What to put in place of `text[start:end]`.

    `pieces` is the replacement (decoded text and gaps to infer); `suspect` lists parts of the run that
    stay as they were because no decoding is certain. A run that is only suspect has `pieces` equal to
    its original text.
    """

    start: int
    end: int
    pieces: tuple[Piece, ...]
    suspect: tuple[str, ...] = ()
    evidence: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class FamilyScan:
    """The repairs one code-page family proposes for a text, and the evidence behind them."""

    family: str
    repairs: tuple[RunRepair, ...] = ()
    evidence: int = 0


def _trail_follows(text: str, end: int) -> bool:
    """Whether the character after a run is ASCII a code page would take as a trail byte (0x40 up)."""
    return end < len(text) and ASCII_TRAIL_MIN <= ord(text[end]) < 0x80


def _touches_ascii_word(text: str, start: int, end: int) -> bool:
    """Whether the run is glued to a Latin letter or digit, as mojibake inside an English word is."""
    return (start > 0 and text[start - 1].isascii() and text[start - 1].isalnum()) or (
        end < len(text) and text[end].isascii() and text[end].isalnum()
    )


def _looks_cjk(text: str) -> bool:
    """Whether a kept run has a character only mojibake or CJK text would have (not ’, é, —)."""
    return any(char_class(ch) >= CLASS_CJK for ch in text)


@lru_cache(maxsize=16384)
def _is_mojibake_again(pieces: tuple[Piece, ...], family: str) -> bool:
    """Whether a decoded run is itself mojibake of Latin or common CJK text (the run was mangled twice).

    The inner layer may have lost a byte too, so a trailing gap we know how to complete is allowed.
    """
    if not all(isinstance(p, str) for p in pieces):
        return False
    parts = [
        ch.encode("ascii") if ch.isascii() else encode_char(ch, family)
        for ch in "".join(p for p in pieces if isinstance(p, str))
    ]
    if not parts or any(data is None for data in parts):
        return False
    groups = decode_groups(0, [data for data in parts if data is not None], family, trail_follows=False)
    if not all(g.pieces is not None for g in groups) or sum(g.evidence for g in groups) <= 0:
        return False
    if not any(g.non_latin for g in groups):
        return True
    inner = tuple(p for g in groups for p in g.pieces or ())
    multibyte = sum(1 for p in inner if isinstance(p, str) and not p.isascii())
    return multibyte >= 2 and mostly_common(inner)  # CJK text mangled twice


def _decide_run(
    text: str, start: int, end: int, run: RunDecoding, *, family: str, confirmed: bool
) -> RunRepair | None:
    """Repair, mark suspect, or leave one run, from its decoding (None: leave it alone).

    Group offsets are relative to the run's start.
    """
    evidence = run.evidence
    if run.ascii_inside or _touches_ascii_word(text, start, end):
        evidence += 1
    if run.all_good:
        if run.non_latin:
            trusted = (
                (run.multibyte >= 2 and evidence >= MIN_EVIDENCE_NON_LATIN and run.common)
                or (confirmed and evidence >= MIN_EVIDENCE and (run.common or run.step) and not run.foreign)
                or _is_mojibake_again(run.pieces, family)
            )
        else:
            anchored = run.strong or run.ascii_inside or _touches_ascii_word(text, start, end)
            trusted = (run.characteristic and anchored and not run.odd and evidence >= MIN_EVIDENCE) or (
                confirmed and evidence >= 1
            )
        return RunRepair(start=start, end=end, pieces=run.pieces, evidence=evidence) if trusted else None
    original = text[start:end]
    if not run.strong:
        if confirmed and _looks_cjk(original):
            return RunRepair(start=start, end=end, pieces=(original,), suspect=(original,))
        return None
    groups = run.groups
    # Part of the run decodes to typographic punctuation and part does not: keep the certain part.
    pieces_out: list[Piece] = []
    suspect: list[str] = []
    kept_from = -1
    for g in [*groups, None]:
        if g is not None and (g.pieces is None or g.non_latin):
            kept_from = start + g.start if kept_from < 0 else kept_from
            continue
        if kept_from >= 0:
            kept = text[kept_from : start + g.start if g is not None else end]
            pieces_out.append(kept)
            if _looks_cjk(kept):
                suspect.append(kept)
            kept_from = -1
        if g is not None:
            pieces_out.extend(g.pieces or ())
    return RunRepair(
        start=start, end=end, pieces=tuple(pieces_out), suspect=tuple(suspect), evidence=evidence
    )


def scan_family(text: str, family: str, *, confirmed: bool = False) -> FamilyScan:
    """Propose repairs for every run of `text` that looks like UTF-8 decoded with `family`'s code page.

    Runs are first judged on their own; when the trusted ones add up to `MIN_EVIDENCE_CONFIRMED`, the
    text is known to be mangled this way and shorter runs (a lone "拢" before a digit) are trusted too,
    and runs that still fail to decode are reported as suspect. `confirmed=True` starts from there.

    >>> scan = scan_family("the world鈥檚 first", "gbk")
    >>> [(r.start, r.end, r.pieces) for r in scan.repairs]
    [(9, 11, ('’', 's'))]
    >>> scan_family("中文的句子", "gbk").repairs
    ()
    """
    decoded = [
        (start, end, decode_run(text[start:end], family, _trail_follows(text, end)))
        for start, end in material_runs(text, family)
    ]
    if not confirmed:
        trusted = [
            r for s, e, run in decoded if (r := _decide_run(text, s, e, run, family=family, confirmed=False))
        ]
        confirmed = sum(r.evidence for r in trusted) >= MIN_EVIDENCE_CONFIRMED
        if not confirmed:
            return FamilyScan(
                family=family, repairs=tuple(trusted), evidence=sum(r.evidence for r in trusted)
            )
    repairs = [
        r for s, e, run in decoded if (r := _decide_run(text, s, e, run, family=family, confirmed=True))
    ]
    return FamilyScan(family=family, repairs=tuple(repairs), evidence=sum(r.evidence for r in repairs))


def scan_all_families(text: str) -> FamilyScan:
    """The code-page family whose repairs have the most evidence in `text` (evidence 0: none applies)."""
    best = FamilyScan(family="")
    if not may_hold_mojibake(text):
        return best  # no character could start a decodable run: nothing for any family to repair
    for family in CODE_PAGE_FAMILIES:
        scan = scan_family(text, family)
        if scan.evidence > best.evidence:
            best = scan
    return best


__all__ = [
    "MIN_EVIDENCE",
    "MIN_EVIDENCE_CONFIRMED",
    "MIN_EVIDENCE_NON_LATIN",
    "FamilyScan",
    "Gap",
    "Piece",
    "RunRepair",
    "inner_gap_options",
    "scan_all_families",
    "scan_family",
]
