"""Matching: AND across filters, OR within one, explainable reasons."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given, reject, settings
from hypothesis import strategies as st

from govwatch.alerts.index import build_index, match_announcement
from govwatch.alerts.match import diff_facts, extract_facts, match_subscription
from govwatch.alerts.message import alert_payload
from govwatch.alerts.records import Subscription
from govwatch.alerts.subscriptions import compile_subscription
from govwatch.config import build_subscription
from tests.support.announcements import as_record, make_announcement
from tests.support.fuzz import announcement_overrides

FIXTURES = Path(__file__).parent / "fixtures"
CASES = json.loads((FIXTURES / "match_cases.json").read_text(encoding="utf-8"))


def subscription(name: str = "s", **raw: Any) -> Subscription:
    return compile_subscription(build_subscription({"name": name, "channel": "stdout", **raw}), env={})


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            c, id=c["comment"], marks=[pytest.mark.xfail(strict=True)] if c["expect"] == "fail" else []
        )
        for c in CASES
    ],
)
def test_match_cases(case: dict[str, Any], announcement: dict[str, Any]) -> None:
    announcement.update(case["input"].get("announcement", {}))
    sub = subscription(**case["input"]["subscription"])
    found = match_subscription(
        sub, extract_facts(as_record(announcement)), where_ok=case["input"].get("where_ok", False)
    )
    expected = case["expected"]
    assert (found is not None) == expected["matched"]
    if found is not None:
        assert [r.field for r in found.reasons] == expected["fields"]
        if "evidence_field" in expected:
            assert found.reasons[0].evidence[0].field == expected["evidence_field"]


def test_match_quotes_agreement_sentence_and_offsets(announcement: dict[str, Any]) -> None:
    found = match_subscription(subscription(kinds=["mou"]), extract_facts(as_record(announcement)))
    assert found is not None
    reason = found.reasons[0]
    assert reason.value == [
        {"kind": "memorandum_of_understanding", "parties": ["OpenAI", "UK government"], "status": "signed"}
    ]
    first = reason.evidence[0]
    assert announcement["body_text"][first.start : first.end] == "Memorandum of Understanding"
    assert "Memorandum of Understanding" in first.sentence
    assert found.rule == "kind in (memorandum_of_understanding)"


def test_amount_reason_shows_figure_and_its_sentence(announcement: dict[str, Any]) -> None:
    found = match_subscription(subscription(min_amount="£1bn"), extract_facts(as_record(announcement)))
    assert found is not None
    reason = found.reasons[0]
    assert reason.value == [2e9]
    assert "£2 billion" in reason.fact
    evidence = reason.evidence[0]
    assert announcement["body_text"][evidence.start : evidence.end] == "£2 billion"


def test_keyword_evidence_points_at_the_word(announcement: dict[str, Any]) -> None:
    found = match_subscription(subscription(keywords=["humphrey"]), extract_facts(as_record(announcement)))
    assert found is not None
    excerpt = found.reasons[0].evidence[0]
    assert announcement["body_text"][excerpt.start : excerpt.end] == "Humphrey"
    assert excerpt.sentence.startswith("OpenAI’s large language model")


def test_party_match_names_the_party_and_quotes_the_agreement(announcement: dict[str, Any]) -> None:
    found = match_subscription(subscription(organisations=["OPENAI"]), extract_facts(as_record(announcement)))
    assert found is not None
    assert found.reasons[0].value == ["OpenAI"]
    assert "party to an agreement: OpenAI" in found.reasons[0].fact
    assert found.reasons[0].evidence


def test_announcement_without_annotations_matches_no_fact_filter(announcement: dict[str, Any]) -> None:
    bare = {"id": "x", "version": 1, "title": "", "body_text": ""}
    for raw in ({"kinds": ["mou"]}, {"organisations": ["dsit"]}, {"min_amount": "£1"}, {"keywords": ["ai"]}):
        assert match_subscription(subscription(**raw), extract_facts(as_record(bare))) is None


FILTER_VALUES = {
    "kinds": ["mou", "contract", "grant", "investment"],
    "organisations": ["dsit", "openai", "mod", "hm-treasury", "UK Government"],
    "topics": ["ai", "defence", "public_services"],
    "keywords": ["Humphrey", "quantum", "data centres", "London office", "zzz"],
    "min_amount": ["£1m", "£1bn", "£3bn", "$2 billion"],
}


@st.composite
def random_subscription_specs(draw: st.DrawFn) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    for field_name in draw(st.sets(st.sampled_from(sorted(FILTER_VALUES)), min_size=1)):
        values = FILTER_VALUES[field_name]
        if field_name == "min_amount":
            spec[field_name] = draw(st.sampled_from(values))
        else:
            spec[field_name] = draw(st.lists(st.sampled_from(values), min_size=1, max_size=2, unique=True))
    return spec


def test_diff_facts_reports_changed_amount_with_before_and_after() -> None:
    before = {"min_amount": [1e8], "kinds": [{"status": "announced"}]}
    after = {"min_amount": [1.5e8], "kinds": [{"status": "announced"}]}
    assert diff_facts(before, after) == [{"field": "min_amount", "before": [1e8], "after": [1.5e8]}]


ANNOUNCEMENT = json.loads((FIXTURES / "announcement_openai_mou.json").read_text(encoding="utf-8"))
FACTS = extract_facts(as_record(ANNOUNCEMENT))


def _matches(**spec: Any) -> bool:
    return match_subscription(subscription(**spec), FACTS) is not None


@settings(max_examples=80, deadline=None)
@given(random_subscription_specs())
def test_fields_combine_with_and(spec: dict[str, Any]) -> None:
    assert _matches(**spec) == all(_matches(**{name: value}) for name, value in spec.items())


@settings(max_examples=80, deadline=None)
@given(
    st.sampled_from(["kinds", "organisations", "topics", "keywords"]).flatmap(
        lambda name: st.tuples(
            st.just(name), st.lists(st.sampled_from(FILTER_VALUES[name]), min_size=2, max_size=3, unique=True)
        )
    )
)
def test_values_within_a_field_combine_with_or(field_and_values: tuple[str, list[str]]) -> None:
    name, values = field_and_values
    assert _matches(**{name: values}) == any(_matches(**{name: [value]}) for value in values)


def test_the_sample_announcement_is_a_valid_message_with_true_offsets() -> None:
    from govwatch.messages import check_message

    check_message("announcement", ANNOUNCEMENT)
    body = ANNOUNCEMENT["body_text"]
    spans = [e for p in ANNOUNCEMENT["partnerships"] for e in p["evidence"]]
    spans += [f["evidence"] for f in ANNOUNCEMENT["figures"] if f["evidence"]]
    for span in spans:
        assert body[span["start"] : span["end"]] in span["sentence"]


_ANY_FILTER_TEXT = st.text(max_size=30)


@st.composite
def any_subscription_specs(draw: st.DrawFn) -> dict[str, Any]:
    """Filters with any text a user may type (those the config refuses are dropped by the test)."""
    spec: dict[str, Any] = {}
    for field_name in draw(st.sets(st.sampled_from(sorted(FILTER_VALUES)), min_size=1)):
        if field_name == "min_amount":
            spec[field_name] = draw(st.one_of(st.sampled_from(FILTER_VALUES[field_name]), _ANY_FILTER_TEXT))
        else:
            spec[field_name] = draw(
                st.lists(
                    st.one_of(st.sampled_from(FILTER_VALUES[field_name]), _ANY_FILTER_TEXT),
                    min_size=1,
                    max_size=3,
                )
            )
    return spec


@settings(max_examples=150, deadline=None)
@given(any_subscription_specs(), announcement_overrides(), announcement_overrides())
def test_any_valid_announcement_is_matched_against_any_accepted_subscription_without_raising(
    spec: dict[str, Any], overrides: dict[str, Any], earlier: dict[str, Any]
) -> None:
    from govwatch.errors import GovwatchError
    from govwatch.messages import check_message

    try:
        sub = subscription(**spec)
    except GovwatchError:
        reject()  # the config refuses it with its own message: never reaches matching
    announcement = make_announcement("doc-1", **overrides)
    before = make_announcement("doc-1", **earlier)
    for message in (announcement, before):
        try:
            check_message("announcement", message)
        except GovwatchError:
            reject()  # dead-lettered by the consumer before any matching
    facts = extract_facts(as_record(announcement))
    found = match_subscription(sub, facts, where_ok=True)
    event("matched" if found is not None else "not matched")
    indexed = match_announcement(build_index([sub]), facts, {sub.name})
    assert [m.subscription for m in indexed] == ([sub.name] if found is not None else [])
    earlier_match = match_subscription(sub, extract_facts(as_record(before)), where_ok=True)
    changes: list[dict[str, Any]] = []
    if found is not None and earlier_match is not None:
        as_stored = json.loads(json.dumps(earlier_match.facts()))
        changes = diff_facts(as_stored, json.loads(json.dumps(found.facts())))
    if found is not None:
        payload = alert_payload(
            found,
            as_record(announcement),
            alert_id="a-1",
            created_at=datetime(2025, 7, 22, tzinfo=UTC),
            changes=changes,
        )
        json.dumps(payload)  # what the file, webhook and email channels send
