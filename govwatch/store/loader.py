"""The DuckDB loader: announcement messages from Kafka → normalised tables behind the public views.

The batch goes to DuckDB as one Arrow table of raw message texts, and DuckDB's JSON functions split it
into rows (versions, partnerships, figures, entities, topics) in a handful of INSERT ... SELECT
statements. Building rows in Python first cost more than everything else in the loader together; DuckDB
does it in C++ and releases the GIL while it does. Each (id, version) is stored once: a replay, a
duplicate message or a new broker incarnation re-delivering old messages changes nothing, and an older
version arriving late lands in history without hiding the newer one (views pick the highest version).

A batch goes in pieces of at most `LOAD_CHUNK_BYTES` of message text (one transaction still): DuckDB
holds each piece, parsed, in memory, and the writer's database has a memory limit (`[duckdb]
memory_limit`) that a whole batch of 2,000 messages could exceed.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import types
import typing
from collections.abc import Sequence
from typing import Any

import duckdb
import orjson
import pyarrow as pa

from govwatch.db import rfc3339_sql
from govwatch.pipeline.records import Announcement
from govwatch.store.records import ConsumedMessage

log = logging.getLogger(__name__)

#: Message text stored per round of statements (a bigger message goes alone): ~300 GOV.UK announcements.
LOAD_CHUNK_BYTES = 2 * 1024 * 1024
# Arrow's default allocator (mimalloc) keeps what a thread freed for that thread's next use: the batches,
# built on the writer thread and dropped once DuckDB has copied them, stayed ~13 MB of a run's memory.
# The system allocator gives them back.
BATCH_MEMORY_POOL = pa.system_memory_pool()

_BATCH_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("version", pa.int32()),
        ("value", pa.string()),
        ("kafka_topic", pa.string()),
        ("kafka_partition", pa.int32()),
        ("kafka_offset", pa.int64()),
        ("source", pa.string()),
    ]
)

#: Members kept as JSON text in their columns rather than split into typed columns.
_STORED_AS_JSON = frozenset({"repairs", "signatories", "evidence"})
_DUCKDB_SCALARS: dict[Any, str] = {str: "VARCHAR", int: "INTEGER", float: "DOUBLE", bool: "BOOLEAN"}


def _duckdb_type(name: str, hint: Any) -> Any:
    """The `from_json` structure of one field of the announcement record (see `message_structure`)."""
    if name in _STORED_AS_JSON:
        return "JSON"
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType):  # X | None: NULL reads as NULL
        (hint,) = [a for a in args if a is not type(None)]
        return _duckdb_type(name, hint)
    if typing.get_origin(hint) is tuple:
        return [_duckdb_type(name, args[0])]
    if dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        return {f.name: _duckdb_type(f.name, hints[f.name]) for f in dataclasses.fields(hint)}
    return _DUCKDB_SCALARS[hint]


def message_structure() -> dict[str, Any]:
    """The DuckDB `from_json` structure of an announcement message, read off the `Announcement` record.

    `id` and `version` come with the batch (they key it); everything else is parsed in one pass.

    >>> structure = message_structure()
    >>> structure["notes_offset"], structure["organisations"], structure["figures"][0]["value"]
    ('INTEGER', ['VARCHAR'], 'DOUBLE')
    """
    hints = typing.get_type_hints(Announcement)
    return {
        f.name: _duckdb_type(f.name, hints[f.name])
        for f in dataclasses.fields(Announcement)
        if f.name not in ("id", "version")
    }


# One parse per message: DuckDB's from_json turns the text into this typed struct in a single pass
# (extracting field by field with ->> re-parsed the whole 5 KB document for every field).
_STRUCTURE = json.dumps(message_structure())

_SELECT_NEW = f"""
CREATE OR REPLACE TEMP TABLE loading AS
SELECT b.id, b.version, from_json(b.value, '{_STRUCTURE}') AS a, b.kafka_topic, b.kafka_partition, b.kafka_offset
FROM batch_raw b ANTI JOIN announcement_versions v ON v.id = b.id AND v.version = b.version
"""


def _timestamp(member: str) -> str:
    """SQL reading the message member `member` as TIMESTAMPTZ (see `rfc3339_sql`)."""
    return rfc3339_sql(f"a.{member}")


# fetched_at is required and schema-checked as a date-time, so it always reads; coalesce only guards the
# NOT NULL column, because one unreadable value would otherwise fail every batch it is in, at every restart.
_INSERT_VERSIONS = f"""
INSERT INTO announcement_versions
SELECT id, version, a.url, a.canonical_url, a.title, a.document_type,
       {_timestamp("published_at")}, {_timestamp("updated_at")}, a.organisations,
       a.summary, a.body_text, a.language, coalesce(a.repairs, '[]'), a.source,
       coalesce({_timestamp("fetched_at")}, now()),
       a.content_hash, a.withdrawn, a.extraction_status, a.notes_offset, a.schema_version, now(),
       kafka_topic, kafka_partition, kafka_offset
FROM loading
"""

# JSON null → SQL NULL for optional JSON members.
_NULLABLE_JSON = "CASE WHEN ({0}) IS NULL OR json_type({0}) = 'NULL' THEN NULL ELSE ({0}) END"


def _items_of(member: str) -> str:
    """Rows (id, version, ord, x) for every element x of the list `member` of each message."""
    return f"""
    SELECT id, version, CAST(generate_subscripts(a.{member}, 1) - 1 AS INTEGER) AS ord, unnest(a.{member}) AS x
    FROM loading
    """


_INSERT_PARTNERSHIPS = f"""
INSERT INTO partnership_rows
SELECT id, version, ord, x.kind, x.parties, x.status, coalesce(x.signatories, '[]'), x.legal_nature, x.date,
       coalesce(x.evidence, '[]')
FROM ({_items_of("partnerships")})
"""

_INSERT_FIGURES = f"""
INSERT INTO figure_rows
SELECT id, version, ord, x.kind, x.value, x.value_max, x.currency, x.unit, x.qualifier, x.text, x.purpose,
       {_NULLABLE_JSON.format("x.evidence")}
FROM ({_items_of("figures")})
"""

_INSERT_ENTITIES = f"""
INSERT INTO entity_rows
SELECT id, version, ord, x.kind, x.name, x.role, {_NULLABLE_JSON.format("x.evidence")}
FROM ({_items_of("entities")})
"""

_INSERT_TOPICS = """
INSERT INTO topic_rows
SELECT DISTINCT id, version, topic FROM (SELECT id, version, unnest(a.topics) AS topic FROM loading)
"""


def batch_table(items: Sequence[tuple[ConsumedMessage, dict[str, Any]]]) -> pa.Table:
    """The batch as message texts keyed by (id, version); the first occurrence of a key wins.

    The text stored is the validated message serialised again, not the bytes received: JSON allows a
    key twice, and the validator (orjson) keeps the last value while DuckDB's `from_json` keeps the
    first, so the raw bytes could store a value that was never validated. orjson writes a 5 KB message
    in microseconds. Built column by column (Arrow checks the texts are UTF-8), since this runs on the
    writer thread, which shares the GIL with polling; the texts go straight into a string column, as a
    cast from binary would load Arrow's compute functions (~9 MB) for nothing else.
    """
    ids: list[str] = []
    versions: list[int] = []
    values: list[bytes] = []
    topics: list[str] = []
    partitions: list[int] = []
    offsets: list[int] = []
    sources: list[str | None] = []
    seen: dict[tuple[str, int], int] = {}
    for message, announcement in items:
        key = (announcement["id"], announcement["version"])
        if message.value is None:
            continue
        at = seen.get(key)
        if at is not None:
            # The same version through two sources: the first source by name wins, whatever the order.
            if _source_wins(announcement.get("source"), sources[at]):
                values[at], sources[at] = orjson.dumps(announcement), announcement.get("source")
            continue
        seen[key] = len(ids)
        ids.append(key[0])
        versions.append(key[1])
        values.append(orjson.dumps(announcement))
        topics.append(message.topic)
        partitions.append(message.partition)
        offsets.append(message.offset)
        sources.append(announcement.get("source"))
    pool = BATCH_MEMORY_POOL
    columns = [
        pa.array(ids, pa.string(), memory_pool=pool),
        pa.array(versions, pa.int32(), memory_pool=pool),
        pa.array(values, pa.string(), memory_pool=pool),  # checked as UTF-8 as it is read, no cast
        pa.array(topics, pa.string(), memory_pool=pool),
        pa.array(partitions, pa.int32(), memory_pool=pool),
        pa.array(offsets, pa.int64(), memory_pool=pool),
        pa.array(sources, pa.string(), memory_pool=pool),
    ]
    return pa.Table.from_arrays(columns, schema=_BATCH_SCHEMA)


def _source_wins(candidate: str | None, held: str | None) -> bool:
    """Whether `candidate` names the source to keep over `held` (the smaller name; a name over none).

    >>> _source_wins("dsit", "newsroom"), _source_wins("newsroom", "dsit"), _source_wins("dsit", None)
    (True, False, True)
    """
    return candidate is not None and (held is None or candidate < held)


# A version stored earlier through another source takes the first source by name, as in a batch, so the
# stored `source` does not depend on which source's message arrived first.
_KEEP_FIRST_SOURCE = """
UPDATE announcement_versions AS v SET source = b.source
FROM batch_raw AS b
WHERE v.id = b.id AND v.version = b.version AND b.source IS NOT NULL AND (v.source IS NULL OR b.source < v.source)
"""


class AnnouncementLoader:
    """Stores announcement batches; used by the consumer loop inside its offset transaction."""

    consumer_name = "loader"

    def __init__(self) -> None:
        self.stored = 0
        self.duplicates = 0

    def handle(
        self, conn: duckdb.DuckDBPyConnection, items: Sequence[tuple[ConsumedMessage, dict[str, Any]]]
    ) -> int:
        """Insert the batch's new (id, version)s and their annotations; returns how many were new.

        `items` pairs each consumed message (whose value is the validated JSON text) with its decoded form.
        """
        new = sum(self._store(conn, chunk) for chunk in load_chunks(items))
        self.stored += new
        self.duplicates += len(items) - new
        return new

    def _store(
        self, conn: duckdb.DuckDBPyConnection, items: Sequence[tuple[ConsumedMessage, dict[str, Any]]]
    ) -> int:
        batch = batch_table(items)
        conn.register("batch_raw", batch)
        try:
            conn.execute(_SELECT_NEW)
            row = conn.execute("SELECT count(*) FROM loading").fetchone()
            new = int(row[0]) if row else 0
            if new:
                for statement in (
                    _INSERT_VERSIONS,
                    _INSERT_PARTNERSHIPS,
                    _INSERT_FIGURES,
                    _INSERT_ENTITIES,
                    _INSERT_TOPICS,
                ):
                    conn.execute(statement)
            if new < batch.num_rows:
                conn.execute(_KEEP_FIRST_SOURCE)
            conn.execute("DROP TABLE loading")
        finally:
            conn.unregister("batch_raw")
        return new


def done_versions(
    conn: duckdb.DuckDBPyConnection, keys: list[tuple[str, int]], *, alerted: bool = False
) -> set[tuple[str, int]]:
    """The (id, version)s among `keys` that are done: stored (and, with `alerted`, matched by the alert
    consumer too), or dead-lettered while being processed (the dead letter is kept in DuckDB). Published
    documents are settled in the checkpoint once done."""
    if not keys:
        return set()
    pool = BATCH_MEMORY_POOL
    table = pa.table(
        {
            "id": pa.array([key[0] for key in keys], pa.string(), memory_pool=pool),
            "version": pa.array([key[1] for key in keys], pa.int32(), memory_pool=pool),
        }
    )
    matched = (
        "SEMI JOIN alert_evaluations e ON e.announcement_id = w.id AND e.version = w.version "
        if alerted
        else ""
    )
    conn.register("wanted", table)
    try:
        rows = conn.execute(
            f"SELECT w.id, w.version FROM wanted w SEMI JOIN announcement_versions a USING (id, version) {matched}"
            "UNION SELECT w.id, w.version FROM wanted w SEMI JOIN deadletter_rows d ON d.key = w.id "
            "AND d.stage IN ('process', 'validate')"
        ).fetchall()
    finally:
        conn.unregister("wanted")
    return {(str(i), int(v)) for i, v in rows}


def load_chunks(
    items: Sequence[tuple[ConsumedMessage, dict[str, Any]]], max_bytes: int = LOAD_CHUNK_BYTES
) -> list[Sequence[tuple[ConsumedMessage, dict[str, Any]]]]:
    """The batch cut, in order, into runs of at most `max_bytes` of message text (at least one message each).

    >>> from govwatch.store.records import ConsumedMessage
    >>> item = lambda size: (ConsumedMessage(topic="t", partition=0, offset=0, key=None, value=b"x" * size), {})
    >>> [len(chunk) for chunk in load_chunks([item(4), item(4), item(4), item(9), item(1)], max_bytes=8)]
    [2, 1, 1, 1]
    """
    chunks: list[Sequence[tuple[ConsumedMessage, dict[str, Any]]]] = []
    start, size = 0, 0
    for index, (message, _announcement) in enumerate(items):
        length = len(message.value or b"")
        if index > start and size + length > max_bytes:
            chunks.append(items[start:index])
            start, size = index, 0
        size += length
    if start < len(items):
        chunks.append(items[start:])
    return chunks
