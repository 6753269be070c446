"""Dead letters in DuckDB: one row per failure, whoever reports it and however often it is read.

Every stage refuses things: connectors (a source that fails), the pipeline (a page that cannot be
processed), consumers (a message that breaks its schema, a batch that cannot be decoded), alerts (a
delivery that failed for good). Each becomes a dead-letter record (`govwatch.messages.deadletter_record`)
stored here, by the consumer that refused it or by the keeper of the dead-letter topic, once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import duckdb

from govwatch.db import rfc3339_sql
from govwatch.metrics import DEADLETTERS
from govwatch.store.records import ConsumedMessage


def deadletter_fingerprint(record: dict[str, Any]) -> str:
    """The identity of a failure: a replay of the same failure is stored once, a new failure always.

    What failed, where and why (stage, reason, source, URL, topic position and the payload's hash) name a
    failure. A record with no topic position (a source or a document that failed before reaching Kafka)
    is also told apart by when it failed, so a source that fails again later is a new row, while the
    same record read twice from the dead-letter topic (a replay) stays one row.

    >>> a = {"stage": "connector", "reason": "HTTP 503", "source": "dsit", "at": "2026-01-01T00:00:00+00:00"}
    >>> deadletter_fingerprint(a) == deadletter_fingerprint(dict(a))
    True
    >>> deadletter_fingerprint(a) == deadletter_fingerprint({**a, "reason": "HTTP 500"})
    False
    >>> deadletter_fingerprint(a) == deadletter_fingerprint({**a, "at": "2026-01-01T00:05:00+00:00"})
    False
    """
    fields = ["stage", "reason", "source", "url", "topic", "partition", "offset", "last_offset"]
    if record.get("offset") is None:
        fields.append("at")
    identity = [str(record.get(k)) for k in fields]
    identity.append(str(record.get("payload_sha256") or record.get("payload_base64")))
    return hashlib.sha256("\x1f".join(identity).encode("utf-8")).hexdigest()[:32]


def store_deadletter(conn: duckdb.DuckDBPyConnection, record: dict[str, Any]) -> bool:
    """Keep a dead-letter record in DuckDB once (see `deadletter_fingerprint`); True when it is new."""
    row = conn.execute(f"SELECT {rfc3339_sql('?')}", [record["at"]]).fetchone()
    failed_at = row[0] if row else None
    inserted = conn.execute(
        "INSERT INTO deadletter_rows (fingerprint, stage, reason, failed_at, source, url, topic, "
        '"partition", "offset", key, payload_base64, retryable, payload_size, payload_sha256, '
        "payload_truncated, last_offset) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING RETURNING fingerprint",
        [
            deadletter_fingerprint(record),
            record["stage"],
            record["reason"] if failed_at is not None else f"{record['reason']} (failed at {record['at']})",
            failed_at or datetime.now(UTC),
            record.get("source"),
            record.get("url"),
            record.get("topic"),
            record.get("partition"),
            record.get("offset"),
            record.get("key"),
            record["payload_base64"],
            record.get("retryable", False),
            record.get("payload_bytes"),
            record.get("payload_sha256"),
            record.get("payload_truncated", False),
            record.get("last_offset"),
        ],
    ).fetchall()
    if inserted:
        DEADLETTERS.labels(str(record.get("stage") or "unknown")).inc()
    return bool(inserted)


class DeadletterKeeper:
    """Stores dead-letter records from the topic in DuckDB, so `deadletters` shows every failure."""

    consumer_name = "deadletters"

    def handle(
        self, conn: duckdb.DuckDBPyConnection, items: Sequence[tuple[ConsumedMessage, dict[str, Any]]]
    ) -> int:
        """Store the batch's records; returns how many were new (a consumer's own dead letters, which it
        stored itself before publishing them, and replays are not)."""
        return sum(store_deadletter(conn, record) for _message, record in items)
