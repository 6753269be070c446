"""`--where`: the documented per-announcement record, predicate validation, and evaluation by DuckDB."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from govwatch.alerts import where
from govwatch.alerts.match import extract_facts
from govwatch.alerts.where import RECORD_COLUMNS, WhereEvaluator, announcement_record
from govwatch.errors import ConfigError
from govwatch.sandbox import QueryLimits
from tests.support.announcements import as_record


def where_row(message: dict[str, Any]) -> dict[str, Any]:
    """The `announcement` row a predicate sees for an announcement message."""
    record = as_record(message)
    return announcement_record(record, extract_facts(record))


@pytest.fixture
def evaluator() -> Iterator[WhereEvaluator]:
    checker = WhereEvaluator()
    yield checker
    checker.close()


def test_every_record_column_is_documented() -> None:
    doc = where.__doc__ or ""
    for name, kind in RECORD_COLUMNS:
        assert f"\n{name} " in doc, name
        assert kind in doc


def test_record_holds_what_the_docs_promise(announcement: dict[str, Any]) -> None:
    record = where_row(announcement)
    assert set(record) == {name for name, _ in RECORD_COLUMNS}
    assert "dsit" in record["organisations"]
    assert record["kinds"] == ["memorandum_of_understanding"]
    assert record["parties"] == ["OpenAI", "UK government"]
    assert record["max_gbp"] == 2e9
    assert record["published_at"].year == 2025


@pytest.mark.parametrize(
    ("predicate", "holds"),
    [
        ("max_gbp >= 100e6 and list_contains(organisations, 'dsit')", True),
        ("max_gbp >= 5e9", False),
        ("list_contains(kinds, 'memorandum_of_understanding') and 'OpenAI' in parties", True),
        ("published_at >= TIMESTAMPTZ '2025-07-01' and document_type = 'press_release'", True),
        ("title ilike '%nuclear%'", False),
        ("len(list_filter(money_gbp, lambda x: x >= 1e8)) = 2", True),
        ("not withdrawn and partnership_count = 1", True),
    ],
)
def test_predicates_evaluate_over_the_record(
    evaluator: WhereEvaluator, announcement: dict[str, Any], predicate: str, holds: bool
) -> None:
    evaluator.validate(predicate)
    record = where_row(announcement)
    hits = evaluator.evaluate({"sub": predicate}, [record])
    assert hits == {"sub": {0} if holds else set()}


def test_evaluate_tells_records_apart(evaluator: WhereEvaluator, announcement: dict[str, Any]) -> None:
    poorer = dict(announcement, id="other", figures=[])
    records = [where_row(a) for a in (announcement, poorer)]
    assert evaluator.evaluate({"rich": "max_gbp > 1e9", "any": "true"}, records) == {
        "rich": {0},
        "any": {0, 1},
    }


@pytest.mark.parametrize(
    ("predicate", "message"),
    [
        ("max_pounds > 1", "cannot be used"),
        ("max_gbp >>> 1 and", "not valid SQL"),
        ("true); drop table announcement; select (1", "several statements"),
        ("max_gbp", "must be a predicate"),
        ("title || 'x'", "must be a predicate"),
        ("", "empty"),
        ("exists (select * from read_csv('/etc/passwd'))", "cannot be used"),
        ("no_such_function(title)", "cannot be used"),
        ("count(*) > 0", "cannot be used"),
    ],
)
def test_bad_predicates_are_refused_with_a_hint(
    evaluator: WhereEvaluator, predicate: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        evaluator.validate(predicate)
    assert "max_gbp" in str(caught.value)  # the hint lists the columns


def test_predicate_failing_at_run_time_holds_for_nothing(
    evaluator: WhereEvaluator, announcement: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    predicate = "cast(title as integer) > 1"
    evaluator.validate(predicate)
    record = where_row(announcement)
    assert evaluator.evaluate({"cast": predicate, "ok": "true"}, [record]) == {"cast": set(), "ok": {0}}
    assert "skip --where of subscription cast" in caplog.text


def test_predicate_building_a_huge_value_is_refused_when_subscribing(evaluator: WhereEvaluator) -> None:
    with pytest.raises(ConfigError, match="refused: repeat") as caught:
        evaluator.validate("length(repeat('x', 3000000000)) > 0")
    assert "max_gbp" in str(caught.value)


@pytest.mark.parametrize(
    "predicate",
    [
        "length(repeat('x', 3000000000)) > 0",
        "exists (select * from read_text('/etc/passwd'))",
        "(select count(*) from range(1000000000000) where range % 7 = 3) > 0",
    ],
)
def test_hostile_predicate_that_skipped_validation_holds_for_nothing_within_bounds(
    announcement: dict[str, Any], caplog: pytest.LogCaptureFixture, predicate: str
) -> None:
    checker = WhereEvaluator(QueryLimits(memory_limit="256MB", time_limit_s=0.5))
    record = where_row(announcement)
    try:
        assert checker.evaluate({"hostile": predicate, "ok": "true"}, [record]) == {
            "hostile": set(),
            "ok": {0},
        }
    finally:
        checker.close()
    assert "skip --where of subscription hostile" in caplog.text
