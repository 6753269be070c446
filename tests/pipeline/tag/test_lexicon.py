from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govwatch.config import LEXICON_DIR_ENV
from govwatch.errors import ConfigError
from govwatch.pipeline.tag import tag_text
from govwatch.pipeline.tag.evaluate import load_gold
from govwatch.pipeline.tag.lexicon import (
    build_lexicon,
    find_words,
    fold_case,
    load_lexicon,
    scan_words,
)
from govwatch.pipeline.tag.wordlists import word_list, word_pattern, words_in
from tests.support.lexicon import ZQS_PARTIES, ZQS_PARTIES_UNKNOWN, ZQS_TEXT, zqs_lexicon_folder


def test_bundled_lexicon_knows_departments_and_their_party() -> None:
    name = load_lexicon().organisations["DSIT"]
    assert (name.name, name.party) == ("Department for Science, Innovation and Technology", "UK Government")


def test_extra_directory_adds_organisations(tmp_path: Path) -> None:
    (tmp_path / "orgs.toml").write_text(
        '[[organisation]]\nname = "Zephyrion"\naliases = ["Zephyrion Group"]\n'
    )
    text = "Zephyrion will open an office in Leeds."
    assert "Zephyrion" not in [e.name for e in tag_text(text).entities]
    entities = tag_text(text, lexicon=load_lexicon(tmp_path)).entities
    assert ("organisation", "Zephyrion") in [(e.kind, e.name) for e in entities]


def test_load_lexicon_and_tag_text_ignore_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The folders come from the settings, passed in; the variables are the config loader's to read.
    folder = zqs_lexicon_folder(tmp_path)
    monkeypatch.setenv(LEXICON_DIR_ENV, str(folder))
    monkeypatch.setenv("GOVWATCH_TAGGING_LEXICON_DIRS", str(folder))
    assert "ZQS" not in load_lexicon().organisations
    assert [p.parties for p in tag_text(ZQS_TEXT).partnerships] == [ZQS_PARTIES_UNKNOWN]
    (mou,) = tag_text(ZQS_TEXT, lexicon=load_lexicon(folder)).partnerships
    assert mou.parties == ZQS_PARTIES


def test_folders_are_merged_in_the_order_given(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, score in ((first, 5), (second, 9)):
        folder.mkdir()
        (folder / "topics.toml").write_text(f"[topics.ai]\nmin_score = {score}\n")
    assert load_lexicon(first, second).topic_min_scores["ai"] == 9
    assert load_lexicon(second, first).topic_min_scores["ai"] == 5


def test_missing_directory_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_lexicon(tmp_path / "nowhere")


def test_broken_toml_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text("[[organisation]\nname =")
    with pytest.raises(ConfigError, match=r"bad\.toml"):
        load_lexicon(tmp_path)


def test_empty_lexicon_tags_nothing_and_does_not_crash() -> None:
    empty = build_lexicon({})
    annotations = tag_text("OpenAI and the UK government signed an MoU worth £2 billion.", lexicon=empty)
    assert annotations.partnerships == ()
    assert annotations.topics == ()
    assert [f.value for f in annotations.figures] == [2e9]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab sgn.-_(’é\nAB,", max_size=60))
def test_scan_words_finds_what_find_words_finds(text: str) -> None:
    pattern = word_pattern(["ab", "a b", "sign", "signs", "b-a", "ab sign", "é"])
    expected = [m.span() for m in find_words(pattern, text)]
    assert [m.span() for m in scan_words(pattern, text)] == expected


def test_scan_words_matches_find_words_on_the_gold_texts() -> None:
    lexicon = load_lexicon()
    for case in load_gold(Path(__file__).parents[2] / "fixtures" / "tag" / "gold"):
        folded = fold_case(case.text)
        for pattern in (
            lexicon.status_pattern,
            lexicon.topic_pattern_folded,
            lexicon.agreement_pattern_folded,
        ):
            expected = [m.span() for m in find_words(pattern, folded)]
            assert [m.span() for m in scan_words(pattern, folded)] == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aAbB tT.-’\nI", max_size=60))
def test_word_list_pattern_for_a_text_finds_what_the_whole_list_finds(text: str) -> None:
    words = word_list(["AI", "A B", "the T", "tA", "bAI", "Bt", "b"])
    expected = [m.span() for m in find_words(words.pattern, text)]
    assert [m.span() for m in find_words(words.pattern_for(text), text)] == expected


def test_word_list_drops_lower_case_led_words_only_when_absent() -> None:
    words = word_list(["AI", "generative AI"])
    assert words.pattern_for("AI tools") is words.without_lower
    assert words.pattern_for("generative AI tools") is words.pattern
    assert words_in(("CEO", "founder", "co-founder"), "a co-founder") == ("CEO", "founder", "co-founder")
    assert words_in(("CEO", "founder", "co-founder"), "the CEO") == ("CEO",)
