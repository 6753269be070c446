"""Kafka consumers whose offsets live in DuckDB, committed in the same transaction as their effects.

This is what makes the loader and the alert dispatcher exactly-once in effect: a batch's rows and the
offsets after it commit together or not at all, so a kill at any point replays at most the uncommitted
batch, which the handlers store idempotently.

The embedded broker is memory-only, so every start is a new incarnation of each topic with offsets from 0.
Stored offsets carry the topic id they were read from; a different topic id (or, when no topic id is known,
a stored offset beyond the partition's end) means a new incarnation and the consumer starts from the beginning instead of skipping
the new broker's messages. With a durable external Kafka the topic id matches and consumption resumes
exactly where it stopped.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

import duckdb

from govwatch.config import KafkaSettings
from govwatch.errors import SinkError
from govwatch.kafka import client_options, consumer_options
from govwatch.store.database import RunDatabase
from govwatch.store.offsets import (
    StartPosition,
    choose_start_offset,
    next_offsets,
    save_offsets,
    stored_offsets,
)
from govwatch.store.records import ConsumedMessage

log = logging.getLogger(__name__)

POLL_TIMEOUT_MS = 200
MAX_BATCH_RECORDS = 2000
INCARNATION_CHECK_S = 2.0
#: Bounds on calls that wait for the broker (kafka-python's default is its 30 s request timeout each).
LAG_TIMEOUT_MS = 5000
CLOSE_TIMEOUT_MS = 2000


def undecodable_batch(exc: BaseException, topic: str) -> ConsumedMessage | None:
    """The record batch kafka-python failed to decode when it raised `exc`, or None for other errors.

    kafka-python decodes (decompresses, checks) a fetched batch lazily while it hands out records, and
    an error there (a codec it lacks, a corrupt or truncated compressed payload, a failed CRC) escapes
    `poll()` naming neither the partition nor the offsets, leaving the position at the batch: every
    later poll fails the same way. The batch being decoded is a local of the decoding frame, which gives
    its partition, offsets and raw bytes, so the consumer can dead-letter exactly that batch and move on.
    """
    tb = exc.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_name == "_unpack_records" and "batch" in frame.f_locals:
            batch = frame.f_locals["batch"]
            tp = frame.f_locals.get("tp")
            first = getattr(batch, "base_offset", None)
            if batch is None or tp is None or getattr(tp, "topic", None) != topic or first is None:
                return None
            last = getattr(batch, "last_offset", first)
            return ConsumedMessage(
                topic=topic,
                partition=int(tp.partition),
                offset=int(first),
                key=None,
                value=bytes(getattr(batch, "_buffer", b"")),
                last_offset=int(last),
                undecodable=f"{type(exc).__name__}: {exc}",
            )
        tb = tb.tb_next
    return None


class DuckdbOffsetConsumer:
    """A manually assigned consumer of one topic that reads and stores its offsets in DuckDB."""

    def __init__(
        self,
        kafka: KafkaSettings,
        db: RunDatabase,
        *,
        consumer_name: str,
        topic: str,
        topic_id: str | None,
        message_type: str = "announcement",
        memory_only_broker: bool = False,
    ) -> None:
        self.kafka = kafka
        # A memory-only (embedded) broker starts every run with new topics: finding a new incarnation
        # at start is then the normal case, said at INFO; on a durable broker it is worth a WARNING.
        self.start_level = logging.INFO if memory_only_broker else logging.WARNING
        self.db = db
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
        with self.db.cursor() as conn:
            stored = stored_offsets(conn, self.consumer_name, self.topic)
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
                log.log(
                    self.start_level,
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
        try:
            records = self._consumer.poll(timeout_ms=timeout_ms, max_records=max_records)
        except Exception as exc:
            bad = undecodable_batch(exc, self.topic)
            if bad is None:
                raise
            from kafka import TopicPartition

            assert bad.last_offset is not None
            log.warning(
                "%s: %s[%d] offsets %d-%d cannot be decoded (%s); dead-lettering them and moving on",
                self.consumer_name,
                self.topic,
                bad.partition,
                bad.offset,
                bad.last_offset,
                bad.undecodable,
            )
            self._consumer.seek(TopicPartition(self.topic, bad.partition), bad.last_offset + 1)
            return [bad]
        batch = [
            ConsumedMessage(topic=r.topic, partition=r.partition, offset=r.offset, key=r.key, value=r.value)
            for tp_records in records.values()
            for r in tp_records
        ]
        batch.sort(key=lambda m: (m.partition, m.offset))
        return batch

    def lag(self) -> int:
        """Messages on the topic not yet consumed (0 when caught up).

        Raises:
            SinkError: the broker did not say where the topic ends within `LAG_TIMEOUT_MS`.
        """
        return sum(self.partition_lag().values())

    def partition_lag(self) -> dict[int, int]:
        """Messages not yet consumed, per partition (raises like `lag`)."""
        from kafka.errors import KafkaError

        try:
            end = self._consumer.end_offsets(self._partitions, timeout_ms=LAG_TIMEOUT_MS)
        except KafkaError as exc:
            raise SinkError(
                f"{self.consumer_name}: Kafka did not tell where {self.topic} ends ({exc}); "
                "check the broker, then run the command again"
            ) from exc
        return {tp.partition: max(0, end[tp] - self._consumer.position(tp)) for tp in self._partitions}

    def store_offsets(self, conn: duckdb.DuckDBPyConnection, batch: Sequence[ConsumedMessage]) -> None:
        """Inside the caller's transaction: remember the offset after the last message of each partition."""
        save_offsets(conn, self.consumer_name, self.topic, self.topic_id, next_offsets(batch))

    def close(self) -> None:
        if self._consumer is not None:
            self._consumer.close(autocommit=False, timeout_ms=CLOSE_TIMEOUT_MS)
            self._consumer = None
        if self._admin is not None:
            self._admin.close()
            self._admin = None
