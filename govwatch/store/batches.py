"""Batches from a consumer to DuckDB: decoded and validated (poison becomes dead letters), then stored
with their offsets in one transaction.

Decoding runs on the polling thread; `commit_batch` runs on the writer's (`govwatch.store.writer`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from govwatch.errors import SchemaError
from govwatch.messages import deadletter_record, decode
from govwatch.store.consumer import DuckdbOffsetConsumer
from govwatch.store.deadletters import store_deadletter
from govwatch.store.records import BatchHandler, ConsumedMessage

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DecodedBatch:
    """A polled batch split into valid messages (with their decoded form) and dead-letter records."""

    consumer: DuckdbOffsetConsumer
    messages: Sequence[ConsumedMessage]
    good: list[tuple[ConsumedMessage, dict[str, Any]]]
    dead: list[dict[str, Any]]


def decode_batch(
    consumer: DuckdbOffsetConsumer, batch: Sequence[ConsumedMessage], *, keep_dead: bool = True
) -> DecodedBatch:
    """Decode and validate every message; the invalid ones become dead-letter records.

    A tombstone (no value) deletes a key on a compacted topic: it is no message, so it is neither stored
    nor dead-lettered. With `keep_dead=False` invalid messages are skipped without a dead letter: a
    second consumer of a topic leaves them to the first, so each poison message is recorded once.
    """
    good: list[tuple[ConsumedMessage, dict[str, Any]]] = []
    dead: list[dict[str, Any]] = []
    for message in batch:
        if message.undecodable is not None:
            reason = (
                f"record batch at offsets {message.offset}-{message.last_offset} cannot be decoded: "
                f"{message.undecodable}"
            )
        elif message.value is None:
            log.debug("%s: tombstone for key %r skipped", consumer.consumer_name, message.key)
            continue
        else:
            try:
                good.append((message, decode(consumer.message_type, message.value)))
                continue
            except SchemaError as exc:
                reason = str(exc)
        if keep_dead:
            dead.append(consumed_deadletter(consumer.consumer_name, message, reason))
    return DecodedBatch(consumer, batch, good, dead)


def consumed_deadletter(stage: str, message: ConsumedMessage, reason: str) -> dict[str, Any]:
    """The dead-letter record of a consumed message (or undecodable range) that `stage` refused."""
    return deadletter_record(
        stage=stage,
        reason=reason,
        payload=message.value or b"",
        topic=message.topic,
        partition=message.partition,
        offset=message.offset,
        last_offset=message.last_offset,
        key=message.key,
    )


def commit_batch(
    conn: duckdb.DuckDBPyConnection,
    handler: BatchHandler,
    decoded: DecodedBatch,
    *,
    on_deadletter: Callable[[dict[str, Any]], None] | None = None,
) -> tuple[int, int]:
    """Hand a decoded batch to `handler` and store its dead letters and offsets, all in one transaction.

    Dead letters are passed to `on_deadletter` after the commit (to publish them on the dead-letter
    topic). Returns what the handler returned and how many dead letters were new.
    """
    conn.execute("BEGIN TRANSACTION")
    try:
        handled = handler.handle(conn, decoded.good) if decoded.good else 0
        new_dead = sum(store_deadletter(conn, record) for record in decoded.dead)
        decoded.consumer.store_offsets(conn, decoded.messages)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    for record in decoded.dead:
        log.warning(
            "%s: dead-lettered %s[%s]@%s: %s",
            decoded.consumer.consumer_name,
            record["topic"],
            record["partition"],
            record["offset"],
            record["reason"],
        )
        if on_deadletter is not None:
            on_deadletter(record)
    return handled, new_dead


def process_batch(
    consumer: DuckdbOffsetConsumer,
    conn: duckdb.DuckDBPyConnection,
    handler: BatchHandler,
    batch: Sequence[ConsumedMessage],
    *,
    on_deadletter: Callable[[dict[str, Any]], None] | None = None,
) -> tuple[int, int]:
    """Decode, validate and store one batch in one go; returns (handled, dead-lettered)."""
    decoded = decode_batch(consumer, batch)
    handled, _new_dead = commit_batch(conn, handler, decoded, on_deadletter=on_deadletter)
    return handled, len(decoded.dead)
