"""Each vocabulary has one definition; everything else that names its words is held to it here."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import duckdb
import pytest

from govwatch.alerts.data import GBP_PER_UNIT, PARTNERSHIP_KINDS
from govwatch.db import apply_migrations
from govwatch.messages import load_schema
from govwatch.pipeline.records import Announcement, Entity, Evidence, Figure, Partnership, Repair, Signatory
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


def _names(record: type[Any]) -> set[str]:
    return {f.name for f in dataclasses.fields(record)}


def _required(record: type[Any]) -> set[str]:
    return {
        f.name
        for f in dataclasses.fields(record)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }


def test_the_announcement_record_is_the_schemas_message() -> None:
    schema = load_schema("announcement")
    assert _names(Announcement) == set(schema["properties"])
    assert _required(Announcement) == set(schema["required"])


@pytest.mark.parametrize(
    ("definition", "record"),
    [
        ("repair", Repair),
        ("partnership", Partnership),
        ("figure", Figure),
        ("entity", Entity),
        ("evidence", Evidence),
        ("signatory", Signatory),
    ],
)
def test_each_annotation_record_is_its_schema_definition(definition: str, record: type[Any]) -> None:
    defs = load_schema("announcement")["$defs"]
    if definition == "signatory":  # described inline, where partnerships list their signatories
        schema = defs["partnership"]["properties"]["signatories"]["items"]
    else:
        schema = defs[definition]
    assert _names(record) == set(schema["properties"])
    assert _required(record) == set(schema.get("required", ()))


ANNOTATION_TABLES = {
    "partnerships": ("partnership_rows", Partnership),
    "figures": ("figure_rows", Figure),
    "entities": ("entity_rows", Entity),
}
#: What a stored row has beside the message's fields: where and when it was stored, and its place in lists.
STORAGE_COLUMNS = {"loaded_at", "kafka_topic", "kafka_partition", "kafka_offset"}
ROW_KEYS = {"announcement_id", "version", "ordinal"}


def _columns(tmp_path: Path) -> dict[str, set[str]]:
    with duckdb.connect(str(tmp_path / "vocabulary.duckdb")) as conn:
        apply_migrations(conn)
        rows = conn.execute("SELECT table_name, column_name FROM information_schema.columns").fetchall()
    columns: dict[str, set[str]] = {}
    for table, column in rows:
        columns.setdefault(table, set()).add(column)
    return columns


def test_the_tables_store_exactly_the_records_fields(tmp_path: Path) -> None:
    columns = _columns(tmp_path)
    lists = {"topics", *ANNOTATION_TABLES}
    assert columns["announcement_versions"] == _names(Announcement) - lists | STORAGE_COLUMNS
    for table, record in ANNOTATION_TABLES.values():
        assert columns[table] == _names(record) | ROW_KEYS, table
    assert columns["topic_rows"] == {"announcement_id", "version", "topic"}
