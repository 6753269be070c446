"""Tests for govwatch.pipeline.repair.text: the public repair API, on table cases, the corpus and the seed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govwatch.pipeline.records import RepairResult
from govwatch.pipeline.repair.code_pages import char_class, mangle
from govwatch.pipeline.repair.data import CLASS_CJK
from govwatch.pipeline.repair.text import repair_text

FIXTURES = Path(__file__).parents[2] / "fixtures" / "repair"
SEEDS = Path(__file__).parents[3] / ".." / "shared" / "seeds"
CODECS = ("gbk", "gb18030", "big5", "shift_jis")


def _load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


CASES = _load("cases.json")
CORPUS = _load("corpus.json")
SEED_CASE = _load("seed.json")
LATIN_DOCS = [doc for doc in CORPUS if not any(char_class(ch) >= CLASS_CJK for ch in doc["text"])]


def _case_id(case: dict[str, str]) -> str:
    return case["comment"][:60]


def _cjk_chars(text: str) -> list[str]:
    return [ch for ch in text if char_class(ch) >= CLASS_CJK]


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_repair_case(case: dict[str, str]) -> None:
    if case["expect"] == "fail":
        pytest.xfail(case["comment"])
    assert repair_text(case["input"]).text == case["expected"]


@pytest.mark.parametrize("case", [c for c in CASES if c["expect"] == "fail"], ids=_case_id)
def test_known_failures_still_fail(case: dict[str, str]) -> None:
    """A known failure that starts passing should move to "pass" in the case file."""
    assert repair_text(case["input"]).text != case["expected"]


@pytest.mark.parametrize("doc", CORPUS, ids=lambda doc: doc["id"])
def test_clean_and_genuine_cjk_documents_are_unchanged(doc: dict[str, str]) -> None:
    result = repair_text(doc["text"])
    assert result.text.encode("utf-8") == doc["text"].encode("utf-8")
    assert result.repairs == ()


@pytest.mark.parametrize("times", [1, 2])
@pytest.mark.parametrize("codec", CODECS)
def test_losslessly_mangled_corpus_is_restored_exactly(codec: str, times: int) -> None:
    failures = [
        doc["id"]
        for doc in CORPUS
        if repair_text(mangle(doc["text"], codec, lossy=False, times=times)).text != doc["text"]
    ]
    assert failures == []


@pytest.mark.parametrize("codec", CODECS)
def test_lossy_mangled_latin_documents_keep_no_mojibake(codec: str) -> None:
    left = {}
    for doc in LATIN_DOCS:
        if doc["id"] in ("en-emoji", "en-japanese-name", "en-chinese-name", "en-halfwidth-free"):
            continue  # four-byte emoji and CJK names cannot be restored once a byte is gone
        repaired = repair_text(mangle(doc["text"], codec, lossy=True)).text
        if _cjk_chars(repaired):
            left[doc["id"]] = "".join(_cjk_chars(repaired))
    assert left == {}


@pytest.mark.parametrize("codec", ["gbk", "gb18030"])
def test_lossy_gbk_mangled_latin_documents_are_mostly_restored(codec: str) -> None:
    restored = [
        doc["id"]
        for doc in LATIN_DOCS
        if repair_text(mangle(doc["text"], codec, lossy=True)).text == doc["text"]
    ]
    assert len(restored) >= len(LATIN_DOCS) - 3


def test_lossless_repair_is_reported_per_code_page() -> None:
    result = repair_text(mangle("Zoë’s café costs £5", "shift_jis", lossy=False))
    assert [r.kind for r in result.repairs] == ["shift_jis_mojibake"]
    assert result.repairs[0].count == 3
    assert "→" in result.repairs[0].example


def test_double_mangling_is_reported() -> None:
    result = repair_text(mangle("the world’s “best” café", "gbk", lossy=False, times=2))
    kinds = [r.kind for r in result.repairs]
    assert kinds[:2] == ["gbk_mojibake", "double_mojibake"]


def test_inferred_lost_bytes_are_reported_as_inferred() -> None:
    result = repair_text("the country 鈥 whether that鈥檚 it, the 鈥楳oU鈥 says")
    by_kind = {r.kind: r for r in result.repairs}
    assert result.text == "the country – whether that’s it, the ‘MoU’ says"
    assert by_kind["lost_byte_dash"].inferred and by_kind["lost_byte_dash"].count == 1
    assert by_kind["lost_byte_quote"].inferred and by_kind["lost_byte_quote"].count == 1
    assert not by_kind["gbk_mojibake"].inferred


def test_ftfy_steps_become_repairs() -> None:
    result = repair_text("The cafÃ© costs â‚¬5")
    assert result.text == "The café costs €5"
    assert [r.kind for r in result.repairs] == ["ftfy:fix_encoding"]


def test_clean_text_comes_back_unchanged_with_no_repairs() -> None:
    text = "Plain text with “quotes” – and £5."
    assert repair_text(text) == RepairResult(text=text, repairs=())


@pytest.mark.skipif(not (SEEDS / SEED_CASE["seed"]).exists(), reason="shared seeds not beside the checkout")
def test_seed_article_is_repaired() -> None:
    seed = (SEEDS / SEED_CASE["seed"]).read_text(encoding="utf-8")
    result = repair_text(seed)
    for expected in SEED_CASE["contains"]:
        assert expected in result.text
    assert set(_cjk_chars(result.text)) <= set(SEED_CASE["allowed_cjk"])
    suspects = [r for r in result.repairs if r.suspect]
    assert [r.kind for r in suspects] == ["suspect_cjk_run"]
    assert suspects[0].count == len(SEED_CASE["suspect_runs"])
    assert suspects[0].example in SEED_CASE["suspect_runs"]
    inferred = {r.kind: r.count for r in result.repairs if r.inferred}
    assert inferred == SEED_CASE["inferred"]


@given(st.text(alphabet=st.characters(codec=None, exclude_categories=())))
@settings(max_examples=300, deadline=None)
def test_never_fails_on_any_string(text: str) -> None:
    result = repair_text(text)
    assert "repair_error" not in [r.kind for r in result.repairs]  # the safety net was not needed
    assert all(r.count >= 1 for r in result.repairs)


_MOJIBAKE_ALPHABET = "鈥檚渕拢聽楥辞苍蝉耻濒迟狈听窶冱ﾃｩ禱矇 \n,.“”’–abcAZ09\udc80\udc9d\ufffd"


@given(st.text(alphabet=_MOJIBAKE_ALPHABET, max_size=200))
@settings(max_examples=300, deadline=None)
def test_never_fails_on_mojibake_soup(text: str) -> None:
    assert "repair_error" not in [r.kind for r in repair_text(text).repairs]


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80))
@settings(max_examples=200, deadline=None)
def test_repair_is_idempotent_on_its_own_output(text: str) -> None:
    once = repair_text(text).text
    assert repair_text(once).text == once


@pytest.mark.parametrize(
    "text",
    [
        "鈥" * 1_000_000,
        ("鈥檚 中文 拢 聽 繝医Κ ﾃｩ " * 50_000)[:1_000_000],
        ("a鈥" * 500_000),
        "\udc9d" * 300_000,
    ],
    ids=["lone-gbk-lead", "mixed-cjk", "alternating", "raw-bytes"],
)
def test_adversarial_megabyte_inputs_complete(text: str) -> None:
    result = repair_text(text)
    assert "repair_error" not in [r.kind for r in result.repairs]
    assert len(result.text) <= 2 * len(text)


def test_an_internal_failure_leaves_the_text_unchanged_and_is_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(text: str) -> object:
        raise ValueError("boom")

    monkeypatch.setattr("govwatch.pipeline.repair.text.scan_all_families", broken)
    result = repair_text("the world鈥檚")
    assert result.text == "the world鈥檚"
    assert [(r.kind, r.suspect) for r in result.repairs] == [("repair_error", True)]
