"""Poison messages of every size and codec against the real embedded broker: dead letters, never a stop."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from kafka import KafkaProducer

from govwatch.config import Settings
from govwatch.db import connect_writer
from govwatch.kafka import ANNOUNCEMENTS, MAX_MESSAGE_BYTES, ensure_topics, producer_options, topic_name
from govwatch.messages import DEADLETTER_PAYLOAD_MAX_BYTES, deadletter_record
from govwatch.runner import Stack
from govwatch.store.batches import process_batch
from govwatch.store.consumer import DuckdbOffsetConsumer
from govwatch.store.loader import AnnouncementLoader
from tests.support.announcements import make_announcement


def _encoded(doc_id: str) -> bytes:
    return json.dumps(make_announcement(doc_id)).encode()


def _send(settings: Settings, messages: list[tuple[bytes | None, bytes | None]], **options: Any) -> None:
    producer = KafkaProducer(**{**producer_options(settings.kafka), **options})
    topic = topic_name(settings.kafka, ANNOUNCEMENTS)
    for key, value in messages:
        producer.send(topic, key=key, value=value, partition=0)
    producer.flush(timeout=30)
    producer.close(timeout=10)


@pytest.fixture
def stack(kafka_settings: Settings) -> Iterator[Stack]:
    ensure_topics(kafka_settings.kafka)
    stack = Stack.open(kafka_settings, with_alerts=True)
    try:
        yield stack
    finally:
        stack.close()


def test_oversized_poison_message_is_dead_lettered_once_with_an_excerpt_and_a_hash(
    kafka_settings: Settings, stack: Stack
) -> None:
    # 7.5 MB of garbage fits a Kafka message; as a base64 dead letter it would not (MessageSizeTooLarge).
    garbage = bytes(range(256)) * (7_500_000 // 256)
    _send(kafka_settings, [(b"junk", garbage), (b"doc-good", _encoded("doc-good"))])
    stack.drain(timeout_s=60)
    stack.drain(timeout_s=60)  # the dead letter's round trip through the dead-letter topic is stored too
    rows = stack.db.conn.execute(
        "select stage, payload_size, payload_sha256, payload_truncated, payload_base64 from deadletter_rows"
    ).fetchall()
    assert len(rows) == 1, rows  # the loader's, not a second one from the alert dispatcher
    stage, size, sha256, truncated, excerpt = rows[0]
    assert (stage, size, sha256, truncated) == (
        "loader",
        len(garbage),
        hashlib.sha256(garbage).hexdigest(),
        True,
    )
    assert base64.b64decode(excerpt) == garbage[:DEADLETTER_PAYLOAD_MAX_BYTES]
    assert stack.db.conn.execute("select id from announcements").fetchall() == [("doc-good",)]
    assert stack.summary.deadlettered == 1


def test_source_failures_are_each_stored_once_and_counted_in_the_summary(
    kafka_settings: Settings, stack: Stack
) -> None:
    from datetime import UTC, datetime

    from govwatch.kafka import DEADLETTER
    from govwatch.messages import encode

    def failure(minute: int) -> bytes:
        at = datetime(2026, 1, 1, 0, minute, tzinfo=UTC)
        record = deadletter_record(
            stage="connector", reason="HTTP 503", payload=b"", source="dsit", url="https://x.test/f", at=at
        )
        return encode("deadletter", record)

    producer = KafkaProducer(**producer_options(kafka_settings.kafka))
    topic = topic_name(kafka_settings.kafka, DEADLETTER)
    for value in (failure(0), failure(1), failure(2), failure(0)):  # the last one a replay of the first
        producer.send(topic, value=value)
    producer.flush(timeout=30)
    producer.close(timeout=10)
    stack.drain(timeout_s=60)
    assert stack.db.conn.execute("select count(*) from deadletters").fetchone() == (3,)
    assert stack.summary.deadlettered == 3


def test_every_dead_letter_fits_on_the_dead_letter_topic() -> None:
    record = deadletter_record(
        stage="loader",
        reason="x" * 10_000,
        payload=b"\x00" * MAX_MESSAGE_BYTES,
        key="k" * 1_000_000,
        url="https://example.org/" + "a" * 1_000_000,
    )
    assert len(json.dumps(record)) < MAX_MESSAGE_BYTES // 2
    assert record["payload_bytes"] == MAX_MESSAGE_BYTES and record["payload_truncated"] is True


def test_a_small_payload_is_kept_whole() -> None:
    record = deadletter_record(stage="loader", reason="bad", payload=b"{not json")
    assert base64.b64decode(record["payload_base64"]) == b"{not json"
    assert record["payload_truncated"] is False and record["payload_bytes"] == 9


@pytest.mark.parametrize("codec", ["lz4", "snappy", "zstd", "gzip"])
def test_messages_compressed_by_another_producer_are_stored(kafka_settings: Settings, codec: str) -> None:
    ensure_topics(kafka_settings.kafka)
    _send(
        kafka_settings,
        [(f"doc-{i}".encode(), _encoded(f"doc-{i}")) for i in range(3)],
        compression_type=codec,
    )
    conn, dead = _consume_all(kafka_settings)
    assert dead == 0
    assert conn.execute("select count(*) from announcements").fetchone() == (3,)


def test_a_batch_that_cannot_be_decoded_is_one_dead_letter_naming_its_offsets(
    kafka_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kafka.record.default_records as default_records

    ensure_topics(kafka_settings.kafka)
    _send(kafka_settings, [(b"doc-before", _encoded("doc-before"))])
    # A producer whose lz4 frames are corrupt: the batch header is fine, its records cannot be read.
    with monkeypatch.context() as patch:
        patch.setattr(default_records, "lz4_encode", lambda data: b"\x04\x22\x4d\x18 corrupt" + data[:64])
        _send(
            kafka_settings,
            [(f"lost-{i}".encode(), _encoded(f"lost-{i}")) for i in range(3)],
            compression_type="lz4",
            linger_ms=200,
            enable_idempotence=False,
        )
    _send(kafka_settings, [(b"doc-after", _encoded("doc-after"))])
    conn, dead = _consume_all(kafka_settings)
    assert dead == 1
    ids = {row[0] for row in conn.execute("select id from announcements").fetchall()}
    assert ids == {"doc-before", "doc-after"}
    [(reason, first, last)] = conn.execute('select reason, "offset", last_offset from deadletters').fetchall()
    assert (first, last) == (1, 3)
    assert "offsets 1-3 cannot be decoded" in reason
    assert conn.execute("select next_offset from consumer_offsets").fetchall() == [(5,)]


def test_a_tombstone_on_the_compacted_topic_is_not_a_dead_letter(kafka_settings: Settings) -> None:
    ensure_topics(kafka_settings.kafka)
    _send(kafka_settings, [(b"doc-1", _encoded("doc-1")), (b"doc-gone", None), (b"doc-2", _encoded("doc-2"))])
    conn, dead = _consume_all(kafka_settings)
    assert dead == 0
    assert conn.execute("select count(*) from announcements").fetchone() == (2,)
    assert conn.execute("select next_offset from consumer_offsets").fetchall() == [(3,)]


def _consume_all(settings: Settings) -> tuple[Any, int]:
    """Consume the announcements topic to its end into a new writer; the connection and dead letters."""
    conn = connect_writer(settings.db_path)
    consumer = _consumer(settings, conn)
    try:
        return conn, _drain(consumer, conn)
    finally:
        consumer.close()


def _consumer(settings: Settings, conn: Any) -> DuckdbOffsetConsumer:
    info = ensure_topics(settings.kafka)
    topic = topic_name(settings.kafka, ANNOUNCEMENTS)
    consumer = DuckdbOffsetConsumer(
        settings.kafka, conn, consumer_name="loader", topic=topic, topic_id=info[topic].topic_id
    )
    consumer.start()
    return consumer


def _drain(consumer: DuckdbOffsetConsumer, conn: Any, rounds: int = 60) -> int:
    """Consume until caught up; returns how many messages were dead-lettered."""
    dead = 0
    for _ in range(rounds):
        batch = consumer.poll(timeout_ms=100)
        if batch:
            dead += process_batch(consumer, conn, AnnouncementLoader(), batch)[1]
        elif consumer.lag() == 0:
            break
    return dead
