"""The index: the same matches and reasons as checking every subscription, and `--where` results."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from govwatch.alerts.index import build_index, match_announcement
from govwatch.alerts.match import extract_facts, match_subscription
from govwatch.alerts.records import Subscription
from tests.alerts.test_match import FIXTURES, random_subscription_specs, subscription
from tests.support.announcements import as_record


def _brute_force(subs: list[Subscription], announcement: dict[str, Any]) -> list[str]:
    facts = extract_facts(as_record(announcement))
    return [s.name for s in subs if match_subscription(s, facts) is not None]


@settings(max_examples=60, deadline=None)
@given(st.lists(random_subscription_specs(), min_size=1, max_size=25))
def test_index_finds_exactly_what_checking_every_subscription_finds(specs: list[dict[str, Any]]) -> None:
    announcement = json.loads((FIXTURES / "announcement_openai_mou.json").read_text(encoding="utf-8"))
    subs = [subscription(f"s{i}", **spec) for i, spec in enumerate(specs)]
    indexed = [
        m.subscription for m in match_announcement(build_index(subs), extract_facts(as_record(announcement)))
    ]
    assert indexed == _brute_force(subs, announcement)


def test_index_passes_where_results_through(announcement: dict[str, Any]) -> None:
    subs = [subscription("w", where="true"), subscription("k", kinds=["mou"], where="true")]
    index = build_index(subs)
    facts = extract_facts(as_record(announcement))
    assert [m.subscription for m in match_announcement(index, facts, {"k"})] == ["k"]
    assert [m.subscription for m in match_announcement(index, facts, set())] == []


@st.composite
def varied_announcements(draw: st.DrawFn) -> dict[str, Any]:
    announcement: dict[str, Any] = json.loads(
        (FIXTURES / "announcement_openai_mou.json").read_text(encoding="utf-8")
    )
    names = ["DSIT", "OpenAI", "Ministry of Defence", "HM Treasury", "UK Government", "Acme"]
    announcement["organisations"] = draw(st.lists(st.sampled_from(names), max_size=2))
    partnership = announcement["partnerships"][0]
    # "other": a kind no filter below names
    partnership["kind"] = draw(st.sampled_from(["memorandum_of_understanding", "contract", "grant", "other"]))
    partnership["parties"] = draw(st.lists(st.sampled_from(names), max_size=3))
    announcement["partnerships"] = [partnership] * draw(st.integers(0, 2))
    announcement["topics"] = draw(st.lists(st.sampled_from(["ai", "AI", "defence", "quantum"]), max_size=2))
    announcement["figures"][0]["value"] = draw(st.sampled_from([1e5, 2e6, 1.5e9, 4e9]))
    announcement["title"] = draw(st.sampled_from(["", "Quantum data centres", "London Office opens"]))
    return announcement


@settings(max_examples=60, deadline=None)
@given(
    st.lists(random_subscription_specs(), min_size=1, max_size=25),
    varied_announcements(),
    st.sets(st.integers(0, 24)),
)
def test_index_gives_the_same_matches_and_reasons_as_checking_each_subscription(
    specs: list[dict[str, Any]], announcement: dict[str, Any], where_held: set[int]
) -> None:
    subs = [
        subscription(f"s{i}", **spec, **({"where": "true"} if i % 3 == 0 else {}))
        for i, spec in enumerate(specs)
    ]
    hits = {f"s{i}" for i in where_held}
    facts = extract_facts(as_record(announcement))
    one_by_one = [match_subscription(s, facts, where_ok=s.name in hits) for s in subs]
    indexed = match_announcement(build_index(subs), extract_facts(as_record(announcement)), hits)
    assert list(indexed) == [m for m in one_by_one if m is not None]
