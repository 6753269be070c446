"""The DuckDB loader: announcement messages from Kafka → normalised tables behind the public views.

Rows go in through Arrow tables (one bulk INSERT per table per batch): measured on 2 cores, DuckDB takes
5 KB rows from Arrow ~20x faster than through `executemany`. Each (id, version) is stored once: a replay,
a duplicate message or a new broker incarnation re-delivering old messages changes nothing, and an older
version arriving late lands in history without hiding the newer one (views pick the highest version).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

import duckdb
import pyarrow as pa

from govwatch.consumer import ConsumedMessage

log = logging.getLogger(__name__)

_VERSION_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("version", pa.int32()),
        ("url", pa.string()),
        ("canonical_url", pa.string()),
        ("title", pa.string()),
        ("document_type", pa.string()),
        ("published_at", pa.string()),
        ("updated_at", pa.string()),
        ("organisations", pa.list_(pa.string())),
        ("summary", pa.string()),
        ("body_text", pa.string()),
        ("language", pa.string()),
        ("repairs", pa.string()),
        ("source", pa.string()),
        ("fetched_at", pa.string()),
        ("content_hash", pa.string()),
        ("withdrawn", pa.bool_()),
        ("extraction_status", pa.string()),
        ("notes_offset", pa.int32()),
        ("schema_version", pa.string()),
        ("kafka_topic", pa.string()),
        ("kafka_partition", pa.int32()),
        ("kafka_offset", pa.int64()),
    ]
)
_PARTNERSHIP_SCHEMA = pa.schema(
    [
        ("announcement_id", pa.string()),
        ("version", pa.int32()),
        ("ordinal", pa.int32()),
        ("kind", pa.string()),
        ("parties", pa.list_(pa.string())),
        ("status", pa.string()),
        ("signatories", pa.string()),
        ("legal_nature", pa.string()),
        ("date", pa.string()),
        ("evidence", pa.string()),
    ]
)
_FIGURE_SCHEMA = pa.schema(
    [
        ("announcement_id", pa.string()),
        ("version", pa.int32()),
        ("ordinal", pa.int32()),
        ("kind", pa.string()),
        ("value", pa.float64()),
        ("value_max", pa.float64()),
        ("currency", pa.string()),
        ("unit", pa.string()),
        ("qualifier", pa.string()),
        ("text", pa.string()),
        ("purpose", pa.string()),
        ("evidence", pa.string()),
    ]
)
_ENTITY_SCHEMA = pa.schema(
    [
        ("announcement_id", pa.string()),
        ("version", pa.int32()),
        ("ordinal", pa.int32()),
        ("kind", pa.string()),
        ("name", pa.string()),
        ("role", pa.string()),
        ("evidence", pa.string()),
    ]
)
_TOPIC_SCHEMA = pa.schema([("announcement_id", pa.string()), ("version", pa.int32()), ("topic", pa.string())])


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def announcement_rows(
    items: Sequence[tuple[ConsumedMessage, dict[str, Any]]],
) -> dict[str, list[dict[str, Any]]]:
    """Split messages into rows per table (pure; first occurrence of an (id, version) wins)."""
    rows: dict[str, list[dict[str, Any]]] = {
        "versions": [],
        "partnerships": [],
        "figures": [],
        "entities": [],
        "topics": [],
    }
    seen: set[tuple[str, int]] = set()
    for message, a in items:
        key = (a["id"], a["version"])
        if key in seen:
            continue
        seen.add(key)
        rows["versions"].append(
            {
                **{name: a.get(name) for name in _VERSION_SCHEMA.names if name in a},
                "repairs": _json(a["repairs"]),
                "kafka_topic": message.topic,
                "kafka_partition": message.partition,
                "kafka_offset": message.offset,
            }
        )
        ident = {"announcement_id": a["id"], "version": a["version"]}
        for i, p in enumerate(a["partnerships"]):
            rows["partnerships"].append(
                {
                    **ident,
                    "ordinal": i,
                    "kind": p["kind"],
                    "parties": p["parties"],
                    "status": p["status"],
                    "signatories": _json(p.get("signatories", [])),
                    "legal_nature": p.get("legal_nature"),
                    "date": p.get("date"),
                    "evidence": _json(p.get("evidence", [])),
                }
            )
        for i, f in enumerate(a["figures"]):
            rows["figures"].append(
                {
                    **ident,
                    "ordinal": i,
                    **{
                        k: f.get(k)
                        for k in (
                            "kind",
                            "value",
                            "value_max",
                            "currency",
                            "unit",
                            "qualifier",
                            "text",
                            "purpose",
                        )
                    },
                    "evidence": _json(f.get("evidence")),
                }
            )
        for i, e in enumerate(a["entities"]):
            rows["entities"].append(
                {
                    **ident,
                    "ordinal": i,
                    "kind": e["kind"],
                    "name": e["name"],
                    "role": e.get("role"),
                    "evidence": _json(e.get("evidence")),
                }
            )
        for topic in dict.fromkeys(a["topics"]):
            rows["topics"].append({**ident, "topic": topic})
    return rows


_VERSION_COLUMNS = ", ".join(
    f"TRY_CAST({n} AS TIMESTAMPTZ)" if n in ("published_at", "updated_at", "fetched_at") else n
    for n in _VERSION_SCHEMA.names
    if not n.startswith("kafka_") and n != "schema_version"
)


class AnnouncementLoader:
    """Stores announcement batches; used by the consumer loop inside its offset transaction."""

    consumer_name = "loader"

    def __init__(self) -> None:
        self.stored = 0
        self.duplicates = 0

    def handle(
        self, conn: duckdb.DuckDBPyConnection, items: Sequence[tuple[ConsumedMessage, dict[str, Any]]]
    ) -> int:
        """Insert the batch's new (id, version)s and their annotations; returns how many were new."""
        rows = announcement_rows(items)
        versions = pa.Table.from_pylist(rows["versions"], schema=_VERSION_SCHEMA)
        conn.register("batch_versions", versions)
        try:
            new_keys = conn.execute(
                "SELECT b.id, b.version FROM batch_versions b "
                "ANTI JOIN announcement_versions a ON a.id = b.id AND a.version = b.version"
            ).fetchall()
            if not new_keys:
                self.duplicates += len(rows["versions"])
                return 0
            new = pa.Table.from_pylist(
                [{"id": i, "version": v} for i, v in new_keys],
                schema=pa.schema([("id", pa.string()), ("version", pa.int32())]),
            )
            conn.register("batch_new", new)
            conn.execute(
                f"INSERT INTO announcement_versions SELECT {_VERSION_COLUMNS}, schema_version, now(), "
                "kafka_topic, kafka_partition, kafka_offset FROM batch_versions SEMI JOIN batch_new USING (id, version)"
            )
            for table, schema, target in (
                ("partnerships", _PARTNERSHIP_SCHEMA, "partnership_rows"),
                ("figures", _FIGURE_SCHEMA, "figure_rows"),
                ("entities", _ENTITY_SCHEMA, "entity_rows"),
                ("topics", _TOPIC_SCHEMA, "topic_rows"),
            ):
                if not rows[table]:
                    continue
                conn.register(f"batch_{table}", pa.Table.from_pylist(rows[table], schema=schema))
                conn.execute(
                    f"INSERT INTO {target} SELECT b.* FROM batch_{table} b "
                    "SEMI JOIN batch_new n ON n.id = b.announcement_id AND n.version = b.version"
                )
                conn.unregister(f"batch_{table}")
            conn.unregister("batch_new")
        finally:
            conn.unregister("batch_versions")
        self.stored += len(new_keys)
        self.duplicates += len(rows["versions"]) - len(new_keys)
        return len(new_keys)
