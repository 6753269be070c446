"""Each vocabulary has one definition; everything else that names its words is held to it here."""

from __future__ import annotations

import dataclasses
import json
import re
import types
import typing
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
from tests.support.source_tree import ROOT


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


def test_the_sql_rates_are_the_alert_rates(tmp_path: Path) -> None:
    """Money in SQL (`gbp_rates`, the web page's charts) and in alert thresholds converts at one set of rates."""
    with duckdb.connect(str(tmp_path / "rates.duckdb")) as conn:
        apply_migrations(conn)
        rates = dict(conn.execute("SELECT currency, gbp_per_unit FROM gbp_rates").fetchall())
    assert rates == dict(GBP_PER_UNIT)


def _names(record: type[Any]) -> set[str]:
    return {f.name for f in dataclasses.fields(record)}


def _required(record: type[Any]) -> set[str]:
    return {
        f.name
        for f in dataclasses.fields(record)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }


# The record is the definition of the announcement and of every record nested in it; the JSON Schema and
# the DDL (the tables, and the `from_json` structures the SQL reads JSON columns with) must name the same
# fields with types that hold them. A type is compared through what it admits: str is a JSON "string" and
# a VARCHAR (a TIMESTAMPTZ where the schema says the string is a date-time), `X | None` also admits null
# (and a column without NOT NULL), a tuple is an array, and a nested record an object (a JSON column).

_JSON_TYPES: dict[Any, str] = {str: "string", int: "integer", float: "number", bool: "boolean"}
_DUCKDB_TYPES: dict[Any, tuple[str, ...]] = {
    str: ("VARCHAR",),
    int: ("INTEGER", "BIGINT"),
    float: ("DOUBLE",),
    bool: ("BOOLEAN",),
}
TIMESTAMP = "TIMESTAMP WITH TIME ZONE"


def _optional(hint: Any) -> tuple[bool, Any]:
    """(whether `X | None` admits None, X)."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        (inner,) = [a for a in typing.get_args(hint) if a is not type(None)]
        return True, inner
    return False, hint


def _element(hint: Any) -> Any:
    """The element type of `tuple[X, ...]`, or None for anything else."""
    return typing.get_args(hint)[0] if typing.get_origin(hint) is tuple else None


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref", "")
    return _resolve(defs[ref.removeprefix("#/$defs/")], defs) if ref else node


def _json_types(node: dict[str, Any], defs: dict[str, Any]) -> set[str]:
    """The JSON types a schema node admits ($ref, oneOf, enum and lists of types resolved)."""
    node = _resolve(node, defs)
    if "oneOf" in node:
        return set().union(*(_json_types(n, defs) for n in node["oneOf"]))
    if "enum" in node:
        return {"null" if v is None else _JSON_TYPES[type(v)] for v in node["enum"]}
    kind = node.get("type", ())
    return {kind} if isinstance(kind, str) else set(kind)


def _object_node(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """The object a node describes, past a $ref or a `oneOf` with null."""
    node = _resolve(node, defs)
    if "oneOf" in node:
        (node,) = [n for n in node["oneOf"] if _json_types(n, defs) != {"null"}]
        node = _resolve(node, defs)
    return node


def _schema_problems(record: type[Any], node: dict[str, Any], defs: dict[str, Any], where: str) -> list[str]:
    """Where a record and its schema object differ (names, required members, types), nested records too."""
    node = _object_node(node, defs)
    properties = node.get("properties", {})
    problems = [
        f"{where}.{n}: in the record, not the schema" for n in sorted(_names(record) - set(properties))
    ]
    problems += [
        f"{where}.{n}: in the schema, not the record" for n in sorted(set(properties) - _names(record))
    ]
    if _required(record) != set(node.get("required", ())):
        problems.append(
            f"{where}: the schema requires {sorted(node.get('required', ()))}, the record {sorted(_required(record))}"
        )
    hints = typing.get_type_hints(record)
    for name in sorted(_names(record) & set(properties)):
        problems += _field_schema_problems(hints[name], properties[name], defs, f"{where}.{name}")
    return problems


def _field_schema_problems(hint: Any, node: dict[str, Any], defs: dict[str, Any], where: str) -> list[str]:
    optional, hint = _optional(hint)
    element = _element(hint)
    if element is not None:
        expected = "array"
    elif dataclasses.is_dataclass(hint):
        expected = "object"
    else:
        expected = _JSON_TYPES[hint]
    found = _json_types(node, defs)
    if found != {expected} | ({"null"} if optional else set()):
        return [
            f"{where}: the record says {expected}{' or null' if optional else ''}, the schema {sorted(found)}"
        ]
    if element is not None:
        return _field_schema_problems(element, _resolve(node, defs)["items"], defs, f"{where}[]")
    if dataclasses.is_dataclass(hint):
        return _schema_problems(typing.cast(type[Any], hint), node, defs, where)
    return []


def test_the_announcement_record_is_the_schemas_message() -> None:
    """Every field of the announcement and of each record it carries, however deep, with its type."""
    schema = load_schema("announcement")
    assert _names(Announcement) == set(schema["properties"])
    assert _required(Announcement) == set(schema["required"])
    assert _schema_problems(Announcement, schema, schema["$defs"], "announcement") == []


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
    assert _schema_problems(record, schema, defs, definition) == []


def test_the_schema_check_sees_a_field_of_a_nested_record_typed_otherwise() -> None:
    defs = load_schema("announcement")["$defs"]
    retyped = {**defs, "evidence": {**defs["evidence"], "properties": {**defs["evidence"]["properties"]}}}
    retyped["evidence"]["properties"]["end"] = {"type": "string"}
    problems = _schema_problems(Partnership, defs["partnership"], retyped, "partnership")
    assert "partnership.evidence[].end: the record says integer, the schema ['string']" in problems


ANNOTATION_TABLES = {
    "partnerships": ("partnership_rows", Partnership),
    "figures": ("figure_rows", Figure),
    "entities": ("entity_rows", Entity),
}
#: What a stored row has beside the message's fields: where and when it was stored, and its place in lists.
STORAGE_COLUMNS = {"loaded_at", "kafka_topic", "kafka_partition", "kafka_offset"}
ROW_KEYS = {"announcement_id", "version", "ordinal"}
#: Each table's columns: name → (DuckDB type, nullable).
Columns = dict[str, dict[str, tuple[str, bool]]]


def _typed_columns(tmp_path: Path) -> Columns:
    with duckdb.connect(str(tmp_path / "vocabulary.duckdb")) as conn:
        apply_migrations(conn)
        rows = conn.execute(
            "SELECT table_name, column_name, data_type, is_nullable = 'YES' FROM information_schema.columns"
        ).fetchall()
    columns: Columns = {}
    for table, column, kind, nullable in rows:
        columns.setdefault(table, {})[column] = (kind, nullable)
    return columns


def _columns(tmp_path: Path) -> dict[str, set[str]]:
    return {table: set(columns) for table, columns in _typed_columns(tmp_path).items()}


def _is_timestamp(node: dict[str, Any]) -> bool:
    return node.get("format") == "date-time" or node.get("$ref") == "#/$defs/timestamp"


def _duckdb_types(hint: Any, node: dict[str, Any]) -> tuple[str, ...]:
    """The column types that hold a field of type `hint` (schema `node`); a nested record is kept as JSON."""
    element = _element(hint)
    if dataclasses.is_dataclass(hint) or (element is not None and dataclasses.is_dataclass(element)):
        return ("JSON",)
    if element is not None:
        return tuple(f"{t}[]" for t in _duckdb_types(element, node.get("items", {})))
    if hint is str and _is_timestamp(node):
        return (TIMESTAMP,)
    return _DUCKDB_TYPES[hint]


def _table_problems(
    record: type[Any], node: dict[str, Any], defs: dict[str, Any], table: dict[str, tuple[str, bool]]
) -> list[str]:
    """Where the types of a table's columns do not hold the record's fields (the names are compared
    apart): a type, or a NOT NULL, that does not fit."""
    hints = typing.get_type_hints(record)
    properties = _object_node(node, defs)["properties"]
    problems = []
    for name in sorted(_names(record) & set(table)):
        optional, hint = _optional(hints[name])
        kinds = _duckdb_types(hint, properties.get(name, {}))
        kind, nullable = table[name]
        if kind not in kinds or nullable != optional:
            problems.append(
                f"{name}: {kind}{'' if nullable else ' NOT NULL'} does not hold {hints[name]} "
                f"({' or '.join(kinds)}{'' if optional else ' NOT NULL'})"
            )
    return problems


def test_the_tables_store_exactly_the_records_fields(tmp_path: Path) -> None:
    columns = _columns(tmp_path)
    lists = {"topics", *ANNOTATION_TABLES}
    assert columns["announcement_versions"] == _names(Announcement) - lists | STORAGE_COLUMNS
    for table, record in ANNOTATION_TABLES.values():
        assert columns[table] == _names(record) | ROW_KEYS, table
    assert columns["topic_rows"] == {"announcement_id", "version", "topic"}


def test_the_tables_type_the_records_fields_as_the_record_and_the_schema_do(tmp_path: Path) -> None:
    schema, columns = load_schema("announcement"), _typed_columns(tmp_path)
    defs = schema["$defs"]
    assert _table_problems(Announcement, schema, defs, columns["announcement_versions"]) == []
    for member, (table, record) in ANNOTATION_TABLES.items():
        assert _element(typing.get_type_hints(Announcement)[member]) is record
        assert _table_problems(record, schema["properties"][member]["items"], defs, columns[table]) == [], (
            table
        )
    topic = _element(typing.get_type_hints(Announcement)["topics"])
    assert columns["topic_rows"]["topic"] == (_duckdb_types(topic, {})[0], False)


def _json_column_records() -> dict[str, type[Any]]:
    """The record each JSON column holds, by column name, read off the records the tables store."""
    found: dict[str, set[type[Any]]] = {}
    for record in (Announcement, *(r for _, r in ANNOTATION_TABLES.values())):
        for name, hint in typing.get_type_hints(record).items():
            inner = _optional(hint)[1]
            nested = _element(inner) or inner
            if dataclasses.is_dataclass(nested) and name not in ANNOTATION_TABLES:
                found.setdefault(name, set()).add(typing.cast(type[Any], nested))
    assert all(len(records) == 1 for records in found.values()), found  # one column name, one record
    return {name: records.pop() for name, records in found.items()}


_FROM_JSON = re.compile(r"from_json\(\s*(?:\w+\.)*(\w+)\s*,\s*'([^']*)'\s*\)", re.IGNORECASE)


def test_the_sql_reads_json_columns_with_their_records_fields_and_types() -> None:
    """A `from_json` structure in sql/ may read some of a record's fields, only fields it has, as their types."""
    records = _json_column_records()
    assert set(records) == {"repairs", "signatories", "evidence"}
    reads = [
        (path.name, found.group(1), json.loads(found.group(2)))
        for path in sorted((ROOT / "sql").rglob("*.sql"))
        for found in _FROM_JSON.finditer(path.read_text("utf-8"))
    ]
    assert reads, "no from_json structure found in sql/: the pattern no longer matches how the SQL reads JSON"
    problems = []
    for file_name, column, structure in reads:
        record = records[column]
        hints = typing.get_type_hints(record)
        for name, kind in (structure[0] if isinstance(structure, list) else structure).items():
            if name not in hints:
                problems.append(f"{file_name}: {column}.{name} is no field of {record.__name__}")
            elif kind not in _duckdb_types(_optional(hints[name])[1], {}):
                problems.append(f"{file_name}: {column}.{name} is read as {kind}, but it is {hints[name]}")
    assert problems == []
