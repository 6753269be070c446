"""Tests for govwatch.pipeline.repair.code_pages: character classes, code-page bytes, runs and the mangler."""

from __future__ import annotations

import pytest

from govwatch.pipeline.repair.code_pages import (
    char_class,
    encode_char,
    is_common_cjk,
    mangle,
    material_runs,
    may_hold_mojibake,
)
from govwatch.pipeline.repair.data import CLASS_BAD, CLASS_CJK, CLASS_LATIN, CLASS_RAW, CLASS_SYMBOL


@pytest.mark.parametrize(
    ("ch", "expected"),
    [("é", CLASS_LATIN), ("\u00a0", CLASS_LATIN), ("’", CLASS_SYMBOL), ("€", CLASS_SYMBOL), ("中", CLASS_CJK),
     ("한", CLASS_CJK), ("\udc9d", CLASS_RAW), ("\ue000", CLASS_RAW), ("\x85", CLASS_BAD), ("\ufffd", CLASS_BAD)],
)  # fmt: skip
def test_char_class_ranks_plausibility(ch: str, expected: int) -> None:
    assert char_class(ch) == expected


def test_only_multibyte_characters_and_escaped_bytes_are_mojibake_material() -> None:
    assert encode_char("鈥", "gbk") == b"\xe2\x80"
    assert encode_char("ｩ", "shift_jis") == b"\xa9"  # half-width katakana: one byte
    assert encode_char("\udc9d", "gbk") == b"\x9d"
    assert encode_char("a", "gbk") is None
    assert encode_char("한", "gbk") is None  # GBK has no Hangul


def test_mangle_twice_differs_from_once_and_lossy_drops_bytes() -> None:
    once = mangle("it’s — fine", "gbk", lossy=False)
    assert mangle("it’s — fine", "gbk", lossy=False, times=2) != once
    assert len(mangle("country – whether", "gbk", lossy=True).encode("gbk")) < len(
        "country – whether".encode()
    )


def test_material_runs_skip_ascii_and_characters_the_code_page_lacks() -> None:
    text = "the world鈥檚 한국 first"
    assert [text[start:end] for start, end in material_runs(text, "gbk")] == ["鈥檚"]
    assert material_runs("plain ASCII", "gbk") == []


def test_common_cjk_characters_are_told_from_rare_ones() -> None:
    assert [is_common_cjk(ch) for ch in "中文の한鈥檚"] == [True, True, True, True, False, False]


@pytest.mark.parametrize("codec", ["gbk", "gb18030", "big5", "shift_jis"])
@pytest.mark.parametrize("text", ["’", "é", "£", "€", "—", "Ł", "™", "→", "\u00a0"])
def test_any_mangled_character_may_hold_mojibake(codec: str, text: str) -> None:
    assert may_hold_mojibake(mangle(f"a{text}b", codec, lossy=False))


def test_clean_typographic_and_accented_text_cannot_hold_mojibake() -> None:
    assert not may_hold_mojibake("Zoë’s café — “fine” at £5, €3 and ½ ™ → • … Łukasz")


def test_building_the_patterns_leaves_the_per_character_cache_alone() -> None:
    """The patterns look at every character once; cached, those answers held ~35 MB for good."""
    from govwatch.pipeline.repair import code_pages

    code_pages._material_pattern.cache_clear()
    code_pages._lead_pattern.cache_clear()
    encode_char.cache_clear()
    assert material_runs("the world鈥檚", "gbk") == [(9, 11)]
    assert material_runs("é", "big5") == [] and material_runs("é", "shift_jis") == []
    assert may_hold_mojibake("the world鈥檚")
    assert encode_char.cache_info().currsize < 100
