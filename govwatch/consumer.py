"""Kafka consumers whose offsets live in DuckDB, committed in the same transaction as their effects.

This is what makes the loader and the alert dispatcher exactly-once in effect: a batch's rows and the
offsets after it commit together or not at all, so a kill at any point replays at most the uncommitted
batch, which the handlers store idempotently.

The embedded broker is memory-only, so every start is a new incarnation of each topic with offsets from 0.
Stored offsets carry the topic id they were read from; a different topic id, or a stored offset beyond the
partition's end, means a new incarnation and the consumer starts from the beginning instead of skipping
the new broker's messages. With a durable external Kafka the topic id matches and consumption resumes
exactly where it stopped.
"""

from __future__ import annotations

import hashlib
import logging
import queue
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import duckdb

from govwatch.config import KafkaSettings
from govwatch.db import rfc3339_sql
from govwatch.errors import SchemaError, SinkError
from govwatch.kafka import client_options, consumer_options
from govwatch.messages import deadletter_record, decode

log = logging.getLogger(__name__)

POLL_TIMEOUT_MS = 200
MAX_BATCH_RECORDS = 2000
INCARNATION_CHECK_S = 2.0
WRITER_QUEUE_DEPTH = 2
#: Python's thread switch interval while a `BatchWriter` runs (the default is 5 ms). DuckDB's Python API
#: takes the GIL back now and then while a statement runs (to check for Ctrl-C); each time, the writer
#: waits for the polling thread to yield it, up to a whole interval. Measured with `make bench`: ~10%
#: more messages/s through the loader; the interval is process-wide and harmless elsewhere.
WRITER_SWITCH_INTERVAL_S = 0.0005


@dataclass(frozen=True, slots=True, kw_only=True)
class ConsumedMessage:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None


@dataclass(frozen=True, slots=True, kw_only=True)
class StartPosition:
    partition: int
    offset: int
    reason: str


def choose_start_offset(
    *,
    partition: int,
    stored_offset: int | None,
    stored_topic_id: str | None,
    topic_id: str | None,
    beginning: int,
    end: int,
) -> StartPosition:
    """Decide where to resume one partition, never skipping a new incarnation's messages.

    >>> choose_start_offset(partition=0, stored_offset=40, stored_topic_id="a", topic_id="b",
    ...                     beginning=0, end=12).reason
    'new topic incarnation (topic id changed)'
    >>> choose_start_offset(partition=0, stored_offset=7, stored_topic_id="a", topic_id="a",
    ...                     beginning=0, end=12).offset
    7
    """
    if stored_offset is None:
        return StartPosition(partition=partition, offset=beginning, reason="no stored offset")
    if topic_id and stored_topic_id and topic_id != stored_topic_id:
        return StartPosition(
            partition=partition, offset=beginning, reason="new topic incarnation (topic id changed)"
        )
    if stored_offset > end:
        return StartPosition(
            partition=partition, offset=beginning, reason="stored offset beyond the end: new incarnation"
        )
    if stored_offset < beginning:
        return StartPosition(
            partition=partition, offset=beginning, reason="stored offset before the log start (retention)"
        )
    return StartPosition(partition=partition, offset=stored_offset, reason="resume")


class BatchHandler(Protocol):
    """What a DuckDB-backed consumer does with a batch, inside the transaction that stores its offsets."""

    consumer_name: str

    def handle(
        self, conn: duckdb.DuckDBPyConnection, items: Sequence[tuple[ConsumedMessage, dict[str, Any]]]
    ) -> int: ...


class DuckdbOffsetConsumer:
    """A manually assigned consumer of one topic that reads and stores its offsets in DuckDB."""

    def __init__(
        self,
        kafka: KafkaSettings,
        conn: duckdb.DuckDBPyConnection,
        *,
        consumer_name: str,
        topic: str,
        topic_id: str | None,
        message_type: str = "announcement",
    ) -> None:
        self.kafka = kafka
        self.conn = conn
        self.consumer_name = consumer_name
        self.topic = topic
        self.topic_id = topic_id
        self.message_type = message_type
        self._consumer: Any = None
        self._admin: Any = None
        self._next_check = 0.0
        self._partitions: list[Any] = []

    def start(self) -> list[StartPosition]:
        """Connect, assign every partition of the topic and seek each to where it must resume.

        Raises:
            SinkError: the broker cannot be reached or the topic does not exist.
        """
        from kafka import KafkaAdminClient, KafkaConsumer
        from kafka.errors import KafkaError

        try:
            self._consumer = KafkaConsumer(**consumer_options(self.kafka))
            self._admin = KafkaAdminClient(**client_options(self.kafka))
        except KafkaError as exc:
            raise SinkError(f"{self.consumer_name}: cannot consume {self.topic}: {exc}") from exc
        self._next_check = time.monotonic() + INCARNATION_CHECK_S
        return self._position()

    def _position(self) -> list[StartPosition]:
        from kafka import TopicPartition
        from kafka.errors import KafkaError

        try:
            partitions = self._consumer.partitions_for_topic(self.topic)
        except KafkaError as exc:
            raise SinkError(f"{self.consumer_name}: cannot consume {self.topic}: {exc}") from exc
        if not partitions:
            raise SinkError(
                f"{self.consumer_name}: topic {self.topic} does not exist; run `govwatch run` to create it"
            )
        self._partitions = [TopicPartition(self.topic, p) for p in sorted(partitions)]
        self._consumer.assign(self._partitions)
        beginning = self._consumer.beginning_offsets(self._partitions)
        end = self._consumer.end_offsets(self._partitions)
        stored = {
            row[0]: (row[1], row[2])
            for row in self.conn.execute(
                'SELECT "partition", next_offset, topic_id FROM consumer_offsets WHERE consumer = ? AND topic = ?',
                [self.consumer_name, self.topic],
            ).fetchall()
        }
        positions = []
        for tp in self._partitions:
            stored_offset, stored_topic_id = stored.get(tp.partition, (None, None))
            position = choose_start_offset(
                partition=tp.partition,
                stored_offset=stored_offset,
                stored_topic_id=stored_topic_id,
                topic_id=self.topic_id,
                beginning=beginning[tp],
                end=end[tp],
            )
            if position.reason != "resume" and stored_offset is not None:
                log.warning(
                    "%s: %s partition %d: %s; reading from offset %d",
                    self.consumer_name,
                    self.topic,
                    tp.partition,
                    position.reason,
                    position.offset,
                )
            self._consumer.seek(tp, position.offset)
            positions.append(position)
        return positions

    def check_incarnation(self) -> bool:
        """Notice a topic recreated under a running consumer (an embedded broker restarted on the same port).

        Kafka clients only reset a position that lies beyond the new log's end, so without this check a new
        incarnation that already holds more messages would be read from the old offset, skipping its start.
        Returns True when the consumer was repositioned.
        """
        from kafka.errors import KafkaError

        if self.topic_id is None or time.monotonic() < self._next_check:
            return False
        self._next_check = time.monotonic() + INCARNATION_CHECK_S
        try:
            described = self._admin.describe_topics([self.topic])
        except (KafkaError, OSError) as exc:
            log.debug("%s: cannot describe %s now (%s); will retry", self.consumer_name, self.topic, exc)
            return False
        topic_id = str(described[0].get("topic_id") or "") if described else ""
        if not topic_id or topic_id == self.topic_id:
            return False
        log.warning(
            "%s: %s was recreated (topic id %s → %s); reading the new incarnation from the start",
            self.consumer_name,
            self.topic,
            self.topic_id,
            topic_id,
        )
        self.topic_id = topic_id
        self._position()
        return True

    def poll(
        self, timeout_ms: int = POLL_TIMEOUT_MS, max_records: int = MAX_BATCH_RECORDS
    ) -> list[ConsumedMessage]:
        self.check_incarnation()
        records = self._consumer.poll(timeout_ms=timeout_ms, max_records=max_records)
        batch = [
            ConsumedMessage(topic=r.topic, partition=r.partition, offset=r.offset, key=r.key, value=r.value)
            for tp_records in records.values()
            for r in tp_records
        ]
        batch.sort(key=lambda m: (m.partition, m.offset))
        return batch

    def lag(self) -> int:
        """Messages on the topic not yet consumed (0 when caught up)."""
        end = self._consumer.end_offsets(self._partitions)
        return sum(max(0, end[tp] - self._consumer.position(tp)) for tp in self._partitions)

    def store_offsets(self, conn: duckdb.DuckDBPyConnection, batch: Sequence[ConsumedMessage]) -> None:
        """Inside the caller's transaction: remember the offset after the last message of each partition."""
        last: dict[int, int] = {}
        for message in batch:
            last[message.partition] = max(last.get(message.partition, -1), message.offset)
        for partition, offset in last.items():
            conn.execute(
                "INSERT INTO consumer_offsets VALUES (?, ?, ?, ?, ?, now()) "
                'ON CONFLICT (consumer, topic, "partition") DO UPDATE SET next_offset = excluded.next_offset, '
                "topic_id = excluded.topic_id, updated_at = excluded.updated_at",
                [self.consumer_name, self.topic, partition, offset + 1, self.topic_id],
            )

    def close(self) -> None:
        if self._consumer is not None:
            self._consumer.close()
            self._consumer = None
        if self._admin is not None:
            self._admin.close()
            self._admin = None


@dataclass(frozen=True, slots=True)
class DecodedBatch:
    """A polled batch split into valid messages (with their decoded form) and dead-letter records."""

    consumer: DuckdbOffsetConsumer
    messages: Sequence[ConsumedMessage]
    good: list[tuple[ConsumedMessage, dict[str, Any]]]
    dead: list[dict[str, Any]]


def decode_batch(consumer: DuckdbOffsetConsumer, batch: Sequence[ConsumedMessage]) -> DecodedBatch:
    """Decode and validate every message; the invalid ones become dead-letter records."""
    good: list[tuple[ConsumedMessage, dict[str, Any]]] = []
    dead: list[dict[str, Any]] = []
    for message in batch:
        try:
            good.append((message, decode(consumer.message_type, message.value)))
        except SchemaError as exc:
            dead.append(
                deadletter_record(
                    stage=consumer.consumer_name,
                    reason=str(exc),
                    payload=message.value or b"",
                    topic=message.topic,
                    partition=message.partition,
                    offset=message.offset,
                    key=message.key,
                )
            )
    return DecodedBatch(consumer, batch, good, dead)


def commit_batch(
    conn: duckdb.DuckDBPyConnection,
    handler: BatchHandler,
    decoded: DecodedBatch,
    *,
    on_deadletter: Callable[[dict[str, Any]], None] | None = None,
) -> int:
    """Hand a decoded batch to `handler` and store its dead letters and offsets, all in one transaction.

    Dead letters are passed to `on_deadletter` after the commit (to publish them on the dead-letter
    topic). Returns what the handler returned.
    """
    conn.execute("BEGIN TRANSACTION")
    try:
        handled = handler.handle(conn, decoded.good) if decoded.good else 0
        for record in decoded.dead:
            store_deadletter(conn, record)
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
    return handled


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
    return commit_batch(conn, handler, decoded, on_deadletter=on_deadletter), len(decoded.dead)


class BatchWriter:
    """Commits decoded batches in order on a thread of its own, while the caller polls the next batch.

    DuckDB releases the GIL while it inserts, so polling and decoding (Python) overlap with storing
    (C++). Batches are committed strictly in submission order on one connection; the first error
    stops the writer and is raised to the caller on its next `submit` or `wait`.
    """

    def __init__(self, conn: duckdb.DuckDBPyConnection, *, depth: int = WRITER_QUEUE_DEPTH) -> None:
        self.conn = conn
        sys.setswitchinterval(min(sys.getswitchinterval(), WRITER_SWITCH_INTERVAL_S))
        self._queue: queue.Queue[
            tuple[BatchHandler, DecodedBatch, Callable[..., None] | None, Callable[[int], None]] | None
        ] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="govwatch-duckdb-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            try:
                if job is None:
                    return
                if self._error is None:
                    handler, decoded, on_deadletter, done = job
                    try:
                        done(commit_batch(self.conn, handler, decoded, on_deadletter=on_deadletter))
                    except BaseException as exc:  # handed to the polling thread, which stops the run
                        self._error = exc
            finally:
                self._queue.task_done()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def submit(
        self,
        handler: BatchHandler,
        decoded: DecodedBatch,
        *,
        on_deadletter: Callable[[dict[str, Any]], None] | None = None,
        done: Callable[[int], None] = lambda _handled: None,
    ) -> None:
        self._raise()
        self._queue.put((handler, decoded, on_deadletter, done))

    def wait(self) -> None:
        """Block until every submitted batch is committed (or raise the writer's error)."""
        self._queue.join()
        self._raise()

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=60)


def store_deadletter(conn: duckdb.DuckDBPyConnection, record: dict[str, Any]) -> None:
    """Keep a dead-letter record in DuckDB (idempotent per topic/partition/offset and stage)."""
    identity = "\x1f".join(
        str(record.get(k))
        for k in ("stage", "source", "url", "topic", "partition", "offset", "payload_base64")
    )
    fingerprint = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]
    row = conn.execute(f"SELECT {rfc3339_sql('?')}", [record["at"]]).fetchone()
    failed_at = row[0] if row else None
    conn.execute(
        "INSERT INTO deadletter_rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [
            fingerprint,
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
        ],
    )
