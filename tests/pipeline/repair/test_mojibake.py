"""Tests for govwatch.pipeline.repair.mojibake: per-run decisions, code-page families and the test mangler."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govwatch.pipeline.repair.code_pages import char_class, mangle, may_hold_mojibake
from govwatch.pipeline.repair.data import CLASS_CJK
from govwatch.pipeline.repair.mojibake import Gap, scan_all_families, scan_family
from govwatch.pipeline.repair.text import repair_text

FIXTURES = Path(__file__).parents[2] / "fixtures" / "repair"
RUN_CASES: list[dict[str, Any]] = json.loads((FIXTURES / "runs.json").read_text(encoding="utf-8"))
WORDS = [
    "Zoë", "café", "£5", "€3", "“quoted”", "‘single’", "–", "—", "it’s", "Łukasz", "naïve", "done…", "the",
    "MoU", "2025–2030", "£2\u00a0billion", "Müller", "François", "Øresund", "said,", "“2030”", "students’",
]  # fmt: skip


def _rendered(pieces: tuple[str | Gap, ...]) -> str:
    return "".join("?" if isinstance(piece, Gap) else piece for piece in pieces)


@pytest.mark.parametrize("case", RUN_CASES, ids=lambda case: case["comment"][:60])
def test_run_case(case: dict[str, Any]) -> None:
    text = case["input"]
    scan = scan_family(text, case["family"])
    changed = [
        [text[r.start : r.end], _rendered(r.pieces)]
        for r in scan.repairs
        if r.pieces != (text[r.start : r.end],)
    ]
    if case["expect"] == "fail":
        assert changed != case["expected"]
    else:
        assert changed == case["expected"]


def test_scan_of_the_seed_style_text_prefers_gbk_over_big5() -> None:
    text = "plans聽to聽explore, the world鈥檚 first 拢2 billion, 鈥渕aintain鈥."
    assert scan_all_families(text).family == "gbk"


def test_confirmed_text_reports_undecodable_cjk_runs_as_suspect() -> None:
    text = "the world鈥檚 best 鈥渢ool鈥 and 狈辞迟别蝉听迟辞听别诲颈迟辞谤蝉 here"
    scan = scan_family(text, "gbk")
    suspects = [part for r in scan.repairs for part in r.suspect]
    assert suspects == ["狈辞迟别蝉听迟辞听别诲颈迟辞谤蝉"]


def test_unconfirmed_text_reports_no_suspects() -> None:
    scan = scan_family("Minister 王毅 met 李强", "gbk")
    assert scan.repairs == ()
    assert scan.evidence == 0


@pytest.mark.parametrize("codec", ["gbk", "gb18030", "big5", "shift_jis"])
@given(words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=12))
@settings(max_examples=150, deadline=None)
def test_lossless_mangling_of_any_sentence_is_undone(codec: str, words: list[str]) -> None:
    text = " ".join(words)
    assert repair_text(mangle(text, codec, lossy=False)).text == text


@pytest.mark.parametrize("codec", ["gbk", "gb18030", "shift_jis"])
@given(words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=12))
@settings(max_examples=150, deadline=None)
def test_lossy_mangling_of_any_sentence_leaves_no_mojibake(codec: str, words: list[str]) -> None:
    repaired = repair_text(mangle(" ".join(words), codec, lossy=True)).text
    assert [ch for ch in repaired if char_class(ch) >= CLASS_CJK] == []


def _common_pool() -> list[str]:
    hanzi = [
        bytes((lead, trail)).decode("gb2312") for lead in range(0xB0, 0xD7) for trail in range(0xA1, 0xFF)
    ]
    kana = [chr(code) for code in range(0x3041, 0x3097)] + [chr(code) for code in range(0x30A1, 0x30FB)]
    hangul = [
        bytes((lead, trail)).decode("euc_kr") for lead in range(0xB0, 0xC8) for trail in range(0xA1, 0xFF)
    ]
    return hanzi + kana + hangul + list("，。、：；！？“”‘’（）《》")


def test_random_genuine_cjk_text_is_almost_never_changed() -> None:
    """Chance alignments of genuine CJK with UTF-8 exist; the share that gets changed must stay tiny."""
    rng = random.Random(20251125)
    pool = _common_pool()
    words = ["the", "UK", "AI", "2025", "OpenAI", "£2", "billion", "–", "said", "Zoë"]
    texts = []
    for index in range(3000):
        if index % 2:
            texts.append("".join(rng.choice(pool) for _ in range(rng.randint(1, 30))))
        else:
            parts = [
                rng.choice(words) if rng.random() < 0.6 else rng.choice(pool) * rng.randint(1, 3)
                for _ in range(8)
            ]
            texts.append(" ".join(parts))
    changed = [text for text in texts if repair_text(text).text != text]
    assert len(changed) <= len(texts) // 200  # at most 0.5 %


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
@settings(max_examples=300, deadline=None)
def test_no_family_repairs_a_text_that_cannot_hold_mojibake(text: str) -> None:
    """The shortcut in scan_all_families skips only texts in which no family finds anything."""
    if not may_hold_mojibake(text):
        assert all(scan_family(text, family).repairs == () for family in ("gbk", "big5", "shift_jis"))
