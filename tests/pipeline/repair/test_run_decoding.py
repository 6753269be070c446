"""Tests for govwatch.pipeline.repair.run_decoding: lenient UTF-8 decoding of a run and its evidence."""

from __future__ import annotations

from govwatch.pipeline.repair.run_decoding import Gap, decode_run, inner_gap_options


def test_inner_gap_options_of_twice_mangled_quote_lead_with_punctuation_first() -> None:
    options = inner_gap_options(b"\xe9\x88", "gbk")
    assert options[0] == b"\xe2\x80"
    assert inner_gap_options(b"\xe2\x80", "gbk") == ()  # not a CJK lead: a single-layer gap


def test_whole_run_decodes_into_aligned_groups_with_evidence() -> None:
    run = decode_run("鈥檚", "gbk", False)
    assert run.all_good and run.pieces == ("’", "s")
    assert run.ascii_inside and run.strong and run.characteristic


def test_truncated_sequence_at_the_end_is_a_gap_unless_a_letter_follows_in_gbk() -> None:
    assert decode_run("鈥", "gbk", False).pieces == (Gap(prefix=b"\xe2\x80", missing=1),)
    assert not decode_run("鈥", "gbk", True).all_good  # GBK would have paired the dropped byte with it


def test_long_run_of_genuine_chinese_is_rejected_as_one_group() -> None:
    run = decode_run("英国政府今天与签署了一份谅解备忘录旨在推动人工智能", "gbk", False)
    assert len(run.groups) == 1 and not run.all_good


def test_decoding_to_rare_ideographs_is_not_common() -> None:
    assert not decode_run("閳ユ獨", "gbk", False).common  # decodes to 鈥檚: mojibake again, not text
    assert decode_run("涓枃", "gbk", False).common  # decodes to 中文
