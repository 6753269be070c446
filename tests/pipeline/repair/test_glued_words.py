"""Glued words: split what syndicated copy ran together, never touch words, names or numbers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govwatch.pipeline.repair.glued_words import split_glued_words
from govwatch.pipeline.repair.text import repair_text


def _split(text: str) -> str:
    return split_glued_words(text, lambda before, after: None)


@pytest.mark.parametrize(
    ("glued", "split"),
    [
        ("The MoU is not legallybinding.", "The MoU is not legally binding."),
        ("Peter Kyle,andOpenAICEO Sam Altman", "Peter Kyle, and OpenAI CEO Sam Altman"),
        ("It was signed today.The agreement runs", "It was signed today. The agreement runs"),
        ("The newcontract covers care records", "The new contract covers care records"),
        ("a partnershipwith the department", "a partnership with the department"),
        ("Herefordshire Councilhas appointed PwC", "Herefordshire Council has appointed PwC"),
    ],
)
def test_glued_words_are_split(glued: str, split: str) -> None:
    assert _split(glued) == split


@pytest.mark.parametrize(
    "text",
    [
        "This transformative technology was discussed at a roundtable on ransomware.",
        "Supercomputing, crowdfunding, wellbeing and hyperscale datacentres are words.",
        "Openreach, Salesforce and DeepMind are names; DCMS, NHS and HMRC are acronyms.",
        "OpenAI’s CEO met Ms Smith MP at gov.uk, e.g. in the U.K.",
        "The fund is worth £1,000,000 (1,000 grants of £1,000).",
        "Contact press@example.org or see https://www.gov.uk/government/news/x.y",
        "Thomas, Douglas and Nicholas met at MOD Sealand in Flintshire and Oakland in England.",
    ],
)
def test_words_names_and_numbers_are_left_alone(text: str) -> None:
    assert _split(text) == text


def test_each_split_is_reported() -> None:
    reports: list[tuple[str, str]] = []
    split_glued_words("not legallybinding,and signed.The end", lambda a, b: reports.append((a, b)))
    assert len(reports) == 3
    assert all("legallybinding" not in after for _before, after in reports[:1])


def test_repair_reports_glued_words_as_a_repair() -> None:
    result = repair_text("The memorandum is not legallybinding.")
    assert result.text == "The memorandum is not legally binding."
    assert [(r.kind, r.count) for r in result.repairs] == [("glued_words", 1)]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "the",
                "government",
                "signed",
                "a",
                "memorandum",
                "of",
                "understanding",
                "with",
                "partners",
                "transformative",
                "roundtable",
                "technology",
                "investment",
                "agreement",
                "£2",
                "billion",
                "2025",
                "Openreach",
                "DCMS,",
                "and.",
                "The",
            ]
        ),
        min_size=1,
        max_size=30,
    )
)
def test_text_of_words_is_unchanged(words: list[str]) -> None:
    text = " ".join(words)
    assert _split(text) == text
