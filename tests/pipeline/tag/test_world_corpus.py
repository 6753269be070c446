"""The world corpus: its cases are well formed and have GOV.UK's real shape, the scorer is right, and
the tagger does not fall below what it reaches today on the batches whose first sight is recorded.

The floors below are today's whole-corpus figures rounded down: a change that makes the tagger read
the world worse fails here; one that makes it better should raise them. A new batch enters the corpus at
its first-sight score, below the corpus's after-fix figure, so adding batches lowers the whole-corpus
figure without the tagger reading anything worse: the floor is then set again from the figure with them.
The issue's targets (F1 0.95, money 0.99) are printed by `make bench`, not asserted, until they are
reached.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bench.bench_world import recorded_batches
from bench.world_corpus import (
    WORLD_DIR,
    WorldCase,
    WorldReport,
    content_item,
    fetched_document,
    load_batches,
    parties_match,
    party_key,
    score_batch,
)
from govwatch.pipeline.process import extract_document

SCHEMAS = Path(__file__).parents[3] / ".." / "shared" / "govuk-content-schemas"
MIN_AGREEMENT_F1 = 0.352
MIN_MONEY_PRECISION = 0.99
MIN_MONEY_RECALL = 0.99
MIN_BATCHES = 6
MIN_CASES = 150


@cache
def _batches() -> dict[str, list[WorldCase]]:
    return load_batches()


def _all_cases() -> list[WorldCase]:
    return [case for cases in _batches().values() for case in cases]


def test_the_corpus_is_large_and_varied() -> None:
    cases = _all_cases()
    assert len(_batches()) >= MIN_BATCHES
    assert len(cases) >= MIN_CASES
    assert len({case.data["publisher_kind"] for case in cases}) >= 12
    assert sum(1 for case in cases if not case.expected["partnerships"]) >= 40
    govuk_types = {case.data["document_type"] for case in cases if case.data["source"] == "govuk"}
    assert {"press_release", "news_story", "speech", "world_news_story", "html_publication"} <= govuk_types


def test_every_case_matches_the_case_schema() -> None:
    schema = json.loads((WORLD_DIR / "case.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    problems = [
        f"{case.id}: {error.message}" for case in _all_cases() for error in validator.iter_errors(case.data)
    ]
    assert problems == []
    ids = [case.id for case in _all_cases()]
    assert len(ids) == len(set(ids))


def test_govuk_cases_are_content_api_items_in_govuks_own_shape() -> None:
    if not SCHEMAS.is_dir():
        pytest.skip("GOV.UK content schemas are not beside the checkout")
    checked = 0
    for case in _all_cases():
        if case.data["source"] != "govuk":
            continue
        item = content_item(case)
        path = SCHEMAS / f"{item['schema_name']}.frontend.schema.json"
        if not path.exists():
            continue  # corporate information pages: GOV.UK's schema for them is not in the folder
        jsonschema.validate(item, json.loads(path.read_text(encoding="utf-8")))
        checked += 1
    assert checked >= 50


@pytest.mark.parametrize("source", ["govuk", "newsroom"])
def test_cases_go_through_the_real_extraction(source: str) -> None:
    """A case's body comes out of extraction whole: the scores measure tagging, not a broken fixture.

    Extraction only: a sealed batch is not tagged before its first sight is recorded.
    """
    cases = [case for case in _all_cases() if case.data["source"] == source]
    assert cases
    for case in cases:
        document = fetched_document(case)
        extracted = extract_document(document)
        assert extracted.extraction_status == "ok", case.id
        assert " ".join(extracted.title.split()) == " ".join(str(case.data["title"]).split()), case.id
        assert len(extracted.body_text) > 100, case.id
        assert extracted.organisations, case.id
    assert fetched_document(cases[0]).payload_kind == ("content_api" if source == "govuk" else "html")


def test_party_names_are_compared_as_a_reader_would() -> None:
    assert party_key("The Acme Robotics Ltd") == party_key("Acme Robotics")
    assert party_key("OpenAI’s") == "openai"
    assert party_key("Palantir Technologies UK Ltd.") == "palantir technologies uk"
    assert party_key("UK Government") != party_key("Scottish Government")


def test_parties_match_needs_every_party_and_nothing_else() -> None:
    gold: list[Any] = ["UK Government", ["UK Space Agency", "UKSA"]]
    assert parties_match(gold, ["UKSA", "UK Government"])
    assert not parties_match(gold, ["UK Government"])
    assert not parties_match(gold, ["UK Government", "UKSA", "Airbus"])
    assert not parties_match(["UKSA", ["UKSA", "UK Space Agency"]], ["UKSA", "UKSA"])


def test_scoring_counts_hits_misses_and_false_agreements_on_negatives() -> None:
    agreement = {
        "kind": "memorandum_of_understanding",
        "parties": ["UK Government", "OpenAI"],
        "status": "signed",
    }
    cases = [
        WorldCase("w00", {"id": "w00-01-a", "expected": {"partnerships": [agreement], "money": []}}),
        WorldCase(
            "w00",
            {
                "id": "w00-02-b",
                "expected": {
                    "partnerships": [],
                    "money": [{"value": 2e9, "currency": "GBP", "qualifier": "up to"}],
                },
            },
        ),
    ]
    found: dict[str, dict[str, Any]] = {
        "w00-01-a": {"partnerships": [{**agreement, "parties": ["OpenAI", "UK Government"]}], "figures": []},
        "w00-02-b": {
            "partnerships": [{"kind": "contract", "parties": ["X"], "status": "signed"}],
            "figures": [{"kind": "money", "value": 2e9, "currency": "GBP", "qualifier": None}],
        },
    }
    report: WorldReport = score_batch(cases, run=lambda case: found[case.id])
    assert (report.agreements.tp, report.agreements.fp, report.agreements.fn) == (1, 1, 0)
    assert (report.money.tp, report.money.fp, report.money.fn) == (1, 0, 0)
    assert (report.money_qualified.tp, report.money_qualified.fn) == (0, 1)
    assert (report.negatives, report.false_on_negatives, report.false_binding_on_negatives) == (1, 1, 1)


def test_the_tagger_keeps_todays_level_on_recorded_batches() -> None:
    recorded = recorded_batches()
    assert recorded, "FIRST_SIGHT.md lists no batch"
    cases = [case for name, batch in _batches().items() if name in recorded for case in batch]
    report = score_batch(cases)
    assert report.agreements.f1 >= MIN_AGREEMENT_F1, "\n".join(report.agreements.misses[:40])
    assert report.money.precision >= MIN_MONEY_PRECISION, "\n".join(report.money.misses)
    assert report.money.recall >= MIN_MONEY_RECALL, "\n".join(report.money.misses)
    assert report.false_binding_on_negatives == 0


def test_first_sight_rows_name_real_batches_once() -> None:
    rows = [
        line
        for line in (WORLD_DIR / "FIRST_SIGHT.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| w")
    ]
    names = [row.split("|")[1].strip() for row in rows]
    assert len(names) == len(set(names))
    assert set(names) <= set(_batches())


def test_batches_load_in_number_order_past_w99(tmp_path: Path) -> None:
    case = json.loads(next((WORLD_DIR / "w01").glob("*.json")).read_text(encoding="utf-8"))
    for name in ("w100", "w02", "w99", "notes"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "01-case.json").write_text(json.dumps(case), encoding="utf-8")
    assert list(load_batches(tmp_path)) == ["w02", "w99", "w100"]
