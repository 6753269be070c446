from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govwatch.pipeline.tag import tag_text
from govwatch.pipeline.tag.figure_words import CURRENCY_MARKS, CURRENCY_WORDS
from govwatch.pipeline.tag.figures import find_figures, normalise_money
from govwatch.pipeline.tag.sentences import split_sentences
from tests.pipeline.tag.tag_cases import load_cases


def _figures(text: str, organisations: list[str] | None = None) -> list[dict[str, Any]]:
    # With the publisher given, the whole tagger reads the text: "$" and "dollars" are then its dollar.
    if organisations is None:
        figures = find_figures(text, split_sentences(text))
    else:
        figures = tag_text(text, organisations=organisations).figures
    return [
        {
            "kind": f.kind,
            "value": f.value,
            "currency": f.currency,
            "unit": f.unit,
            "qualifier": f.qualifier,
            "value_max": f.value_max,
            "purpose": f.purpose,
        }
        for f in figures
    ]


@pytest.mark.parametrize("case", load_cases("figures.json"))
def test_figures_match_case_table(case: dict[str, Any]) -> None:
    found = _figures(case["input"], case.get("organisations"))
    assert len(found) == len(case["expected"]), found
    for expected, figure in zip(case["expected"], found, strict=True):
        assert {key: figure[key] for key in expected} == expected


@pytest.mark.parametrize("case", load_cases("money.json"))
def test_normalise_money_matches_case_table(case: dict[str, Any]) -> None:
    expected = tuple(case["expected"]) if case["expected"] is not None else None
    assert normalise_money(case["input"]) == expected


def test_figure_text_is_the_evidence_span() -> None:
    text = "Intro line.\nThe fund has £2 billion and over 200 bids. It opened 2 years ago."
    for figure in find_figures(text, split_sentences(text)):
        assert figure.evidence is not None
        assert text[figure.evidence.start : figure.evidence.end] == figure.text
        assert figure.text in figure.evidence.sentence


def test_same_amount_twice_is_one_figure() -> None:
    text = "It is backed by £2 billion. The £2 billion comes from the Spending Review."
    assert [f.value for f in find_figures(text, split_sentences(text))] == [2e9]


def test_long_sentence_evidence_is_a_window_around_the_match() -> None:
    text = "word " * 400 + "costs £5m " + "word " * 400
    (figure,) = find_figures(text, split_sentences(text))
    assert figure.evidence is not None
    assert "£5m" in figure.evidence.sentence
    assert len(figure.evidence.sentence) <= 600


def test_huge_numbers_are_not_figures() -> None:
    text = "The code 1234567890123456789012345 items."
    assert find_figures(text, split_sentences(text)) == ()


KNOWN_CURRENCIES = set(CURRENCY_MARKS.values()) | set(CURRENCY_WORDS.values())


@given(st.text(alphabet="£$€0123456789.,-– bmkillionsUSDGBPpound", max_size=40))
def test_normalise_money_never_crashes_and_finds_only_positive_money(text: str) -> None:
    result = normalise_money(text)
    if result is not None:
        value, currency = result
        assert value >= 0
        assert currency in KNOWN_CURRENCIES


@pytest.mark.parametrize("amount", ["£1", "£999", "£12,345", "£1.5m", "£2bn", "£7 billion", "£3.25 million"])
def test_normalise_money_agrees_with_find_figures(amount: str) -> None:
    text = f"The fund is worth {amount} in total."
    (figure,) = find_figures(text, split_sentences(text))
    assert normalise_money(amount) == (figure.value, figure.currency)


def test_a_k_before_a_sum_is_money_only_in_a_kina_or_kwacha_country() -> None:
    assert [
        f for f in tag_text("The K2 million grant.", organisations=["Acme"]).figures if f.kind == "money"
    ] == []


@pytest.mark.parametrize(
    ("text", "organisations", "currency"),
    [
        (
            "Colombia will invest 400,000 million pesos in the policy.",
            ["National Planning Department"],
            "COP",
        ),
        ("The Philippines will spend 2 billion pesos; the Philippines said so.", ["DICT"], "PHP"),
        ("Morocco is committing 11 billion dirhams to the strategy.", ["MAP"], "MAD"),
        ("The hub will cost 3 billion dirhams.", ["Acme"], "AED"),
        ("Nepal Telecom signed the Rs 3.98 billion deal; Nepal's regulator agreed.", ["Republica"], "NPR"),
        ("The Mauritius programme gives Rs 60 million to NGOs in Mauritius.", ["allAfrica"], "MUR"),
        ("The Rs 500 crore plan was approved.", ["Acme"], "INR"),
        ("Azerbaijan's council gives 80,000 manat ($47,156) in grants.", ["Trend"], "AZN"),
        ("Trinidad and Tobago has given it $280 million (US$41 million).", ["Nearshore Americas"], "TTD"),
        # the one country the text names, even once, says whose dollar a bare "$" is
        ("The Jamaica Information Service says the government signs a $543 million deal.", ["JIS"], "JMD"),
        ("A Canadian firm wins a $5 million order from the US Army.", ["Acme"], "USD"),
        ("The new ministry gets TT$280 million for internet centres.", ["Acme"], "TTD"),
        ("Papua New Guinea will spend K283 million on the plan, Papua New Guinea said.", ["Loop"], "PGK"),
        (
            "Tanzania's UNDP office will inject Sh1.6 billion into start-ups in Tanzania.",
            ["The Citizen"],
            "TZS",
        ),
    ],
)
def test_a_currency_word_several_countries_share_is_the_texts_countrys(
    text: str, organisations: list[str], currency: str
) -> None:
    (money,) = [f for f in tag_text(text, organisations=organisations).figures if f.kind == "money"]
    assert money.currency == currency
