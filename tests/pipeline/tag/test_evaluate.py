"""The gold set: well-formed, and the tagger meets its targets on it (computed, never hard-coded)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from govwatch.pipeline.records import Annotations, Figure, Partnership
from govwatch.pipeline.tag import tag_text
from govwatch.pipeline.tag.evaluate import ENTITY_KINDS, GoldCase, load_gold, score_gold
from govwatch.pipeline.tag.lexicon import load_lexicon
from tests.pipeline.tag.tag_cases import FIXTURES

GOLD = FIXTURES / "gold"
KINDS = {
    "memorandum_of_understanding",
    "strategic_partnership",
    "contract",
    "investment",
    "grant",
    "framework_agreement",
    "collaboration",
    "other",
}
STATUSES = {"signed", "announced", "planned", "extended", "ended"}
MONEY_TARGET = 0.98
AGREEMENT_F1_TARGET = 0.90


def _tag(case: GoldCase) -> Annotations:
    return tag_text(case.text, title=case.title, organisations=case.organisations)


@pytest.mark.parametrize(
    "path", sorted([*GOLD.glob("*.json"), *(FIXTURES / "heldout").glob("*.json")]), ids=lambda p: p.stem
)
def test_gold_case_is_well_formed(path: Any) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert {"id", "comment", "title", "organisations", "paragraphs", "expected"} <= set(data)
    expected = data["expected"]
    for partnership in expected["partnerships"]:
        assert partnership["kind"] in KINDS
        assert partnership["status"] in STATUSES
        assert partnership["parties"]
    for money in expected["money"]:
        assert money["currency"] in {"GBP", "USD", "EUR"}
        assert money["value"] > 0
    assert set(expected["entities"]) <= set(ENTITY_KINDS)
    assert set(expected["topics"]) <= set(load_lexicon().topic_terms)


def test_gold_set_is_large_and_mixed() -> None:
    cases = load_gold(GOLD)
    with_agreements = [c for c in cases if c.expected["partnerships"]]
    assert len(cases) >= 40
    assert 15 <= len(with_agreements) <= len(cases) - 15


def test_tagger_meets_targets_on_gold_set() -> None:
    report = score_gold(load_gold(GOLD), _tag)
    money = report.scores["money value+currency"]
    agreements = report.scores["agreement kind+parties"]
    assert money.precision >= MONEY_TARGET, money.misses
    assert money.recall >= MONEY_TARGET, money.misses
    assert agreements.f1 >= AGREEMENT_F1_TARGET, agreements.misses
    assert report.none_documents >= 15
    assert report.false_partnerships == 0


def test_scoring_counts_misses_and_extras() -> None:
    case = GoldCase(
        id="x",
        title="",
        organisations=(),
        text="",
        expected={
            "partnerships": [],
            "money": [{"value": 2e9, "currency": "GBP"}, {"value": 5e6, "currency": "GBP"}],
            "topics": ["ai"],
        },
    )
    found = Annotations(
        partnerships=(Partnership(kind="contract", parties=("A", "B"), status="signed"),),
        figures=(
            Figure(kind="money", value=2e9, text="£2bn", currency="GBP"),
            Figure(kind="money", value=7.0, text="$7", currency="USD"),
        ),
        topics=("ai", "cyber"),
    )
    report = score_gold([case], lambda _: found)
    money = report.scores["money value+currency"]
    assert (money.tp, money.fp, money.fn) == (1, 1, 1)
    assert report.false_partnerships == 1
    assert report.scores["topics"].precision == 0.5
    assert report.scores["agreement kind+parties"].precision == 0.0
