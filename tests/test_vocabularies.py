"""Each vocabulary has one definition; everything else that names its words is held to it here."""

from __future__ import annotations

from govwatch.alerts.data import GBP_PER_UNIT, PARTNERSHIP_KINDS
from govwatch.messages import load_schema
from govwatch.pipeline.tag.figure_words import CURRENCY_MARKS, CURRENCY_WORDS
from govwatch.pipeline.tag.lexicon import load_lexicon
from govwatch.pipeline.tag.partnerships import KIND_GROUPS


def test_partnership_kinds_are_the_schemas() -> None:
    schema_kinds = load_schema("announcement")["$defs"]["partnership"]["properties"]["kind"]["enum"]
    lexicon = load_lexicon()
    assert tuple(schema_kinds) == PARTNERSHIP_KINDS
    assert set(KIND_GROUPS) == set(PARTNERSHIP_KINDS)
    assert sorted(lexicon.kind_priority) == sorted(PARTNERSHIP_KINDS)
    # A verb mapped to "" makes a noun an agreement without naming a kind of its own ("awarded").
    named = (set(lexicon.agreement_nouns.values()) | set(lexicon.agreement_verbs.values())) - {""}
    assert named <= set(PARTNERSHIP_KINDS), named - set(PARTNERSHIP_KINDS)


def test_every_fixed_rate_is_a_currency_the_tagger_writes() -> None:
    written = set(CURRENCY_MARKS.values()) | set(CURRENCY_WORDS.values())
    assert set(GBP_PER_UNIT) <= written
