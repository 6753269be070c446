from __future__ import annotations

import pytest

from govwatch.pipeline.tag.sentences import MAX_SENTENCE_CHARS, split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two.", ["One.", "Two."]),
        ("Line one\nLine two", ["Line one", "Line two"]),
        ("Dr. Smith met Mr. Jones. Then left.", ["Dr. Smith met Mr. Jones.", "Then left."]),
        ("It costs £2.5m. Really.", ["It costs £2.5m.", "Really."]),
        ("He said “yes.” Then “no.”", ["He said “yes.”", "Then “no.”"]),
        ("e.g. the NHS. Fine.", ["e.g. the NHS.", "Fine."]),
        ("\n\n  \n", []),
    ],
)
def test_split_sentences_finds_boundaries(text: str, expected: list[str]) -> None:
    assert [s.text for s in split_sentences(text)] == expected


def test_sentence_offsets_point_into_the_text() -> None:
    text = "  First one.  Second one?\n\nThird!"
    for sentence in split_sentences(text):
        assert text[sentence.start : sentence.end] == sentence.text


def test_overlong_sentence_is_cut_into_chunks() -> None:
    text = "a" * (MAX_SENTENCE_CHARS * 2 + 5)
    sentences = split_sentences(text)
    assert len(sentences) == 3
    assert "".join(s.text for s in sentences) == text


def test_a_dateline_is_no_part_of_the_sentence_it_opens() -> None:
    text = "RESTON, Va., Oct. 21, 2013 -- Acme Satellite Inc. (Nasdaq: ACME) today announced a contract."
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == ["Acme Satellite Inc. (Nasdaq: ACME) today announced a contract."]
    assert sentences[0].start == text.index("Acme")


def test_capitals_and_a_dash_open_no_dateline_when_no_sentence_follows() -> None:
    text = "NASA – the agency – signed the agreement."
    assert [s.text for s in split_sentences(text)] == [text]
