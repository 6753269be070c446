"""DuckDB-offset consumers against the real embedded broker: exactly-once, incarnations, poison messages."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import UTC, datetime

import duckdb
import pytest
from kafka import KafkaProducer

from govwatch.config import Settings
from govwatch.db import connect_writer
from govwatch.kafka import ANNOUNCEMENTS, ensure_topics, producer_options, topic_name
from govwatch.store.batches import process_batch
from govwatch.store.consumer import DuckdbOffsetConsumer
from govwatch.store.database import RunDatabase
from govwatch.store.loader import AnnouncementLoader
from govwatch.store.offsets import choose_start_offset
from tests.support.announcements import make_announcement


def _produce(settings: Settings, values: list[bytes], key: bytes = b"k") -> None:
    producer = KafkaProducer(**producer_options(settings.kafka))
    topic = topic_name(settings.kafka, ANNOUNCEMENTS)
    for value in values:
        producer.send(topic, key=key, value=value)
    producer.flush()
    producer.close()


def _consumer(settings: Settings, conn, topic_id: str | None = "use-real") -> DuckdbOffsetConsumer:
    info = ensure_topics(settings.kafka)
    topic = topic_name(settings.kafka, ANNOUNCEMENTS)
    real_id = info[topic].topic_id
    consumer = DuckdbOffsetConsumer(
        settings.kafka,
        RunDatabase(conn),
        consumer_name="loader",
        topic=topic,
        topic_id=real_id if topic_id == "use-real" else topic_id,
    )
    consumer.start()
    return consumer


def _drain(consumer: DuckdbOffsetConsumer, conn, handler, rounds: int = 40) -> tuple[int, int]:
    handled = dead = 0
    for _ in range(rounds):
        batch = consumer.poll(timeout_ms=100)
        if batch:
            _handled, d = process_batch(consumer, conn, handler, batch)
            handled += len(batch) - d
            dead += d
        elif consumer.lag() == 0:
            break
    return handled, dead


def _with_old_offsets(
    settings: Settings, *, next_offset: int, topic_id: str | None
) -> duckdb.DuckDBPyConnection:
    """The topics, and a database holding the loader's offsets of every partition as an earlier broker
    left them: `next_offset` under `topic_id`."""
    ensure_topics(settings.kafka)
    conn = connect_writer(settings.db_path)
    topic = topic_name(settings.kafka, ANNOUNCEMENTS)
    for partition in range(settings.kafka.partitions):
        conn.execute(
            "insert into consumer_offsets values ('loader', ?, ?, ?, ?, now())",
            [topic, partition, next_offset, topic_id],
        )
    return conn


def _encoded(doc_id: str, version: int = 1) -> bytes:
    return json.dumps(make_announcement(doc_id, version)).encode()


def test_restart_resumes_from_stored_offsets_without_duplicates(kafka_settings: Settings) -> None:
    ensure_topics(kafka_settings.kafka)
    _produce(kafka_settings, [_encoded(f"doc-{i}") for i in range(5)])
    conn = connect_writer(kafka_settings.db_path)
    first = _consumer(kafka_settings, conn)
    assert _drain(first, conn, AnnouncementLoader()) == (5, 0)
    first.close()
    _produce(kafka_settings, [_encoded(f"doc-{i}") for i in range(5, 8)])
    second = _consumer(kafka_settings, conn)
    assert _drain(second, conn, AnnouncementLoader()) == (3, 0)
    second.close()
    assert conn.execute("select count(*) from announcement_versions").fetchone() == (8,)


def test_failed_batch_rolls_back_rows_and_offsets_together(kafka_settings: Settings) -> None:
    ensure_topics(kafka_settings.kafka)
    _produce(kafka_settings, [_encoded(f"doc-{i}") for i in range(4)])
    conn = connect_writer(kafka_settings.db_path)

    class Crashing(AnnouncementLoader):
        def handle(self, conn, items):  # type: ignore[no-untyped-def]
            super().handle(conn, items)
            raise RuntimeError("killed mid-batch")

    consumer = _consumer(kafka_settings, conn)
    with pytest.raises(RuntimeError):
        _drain(consumer, conn, Crashing())
    consumer.close()
    assert conn.execute("select count(*) from announcement_versions").fetchone() == (0,)
    assert conn.execute("select count(*) from consumer_offsets").fetchone() == (0,)
    again = _consumer(kafka_settings, conn)
    assert _drain(again, conn, AnnouncementLoader()) == (4, 0)
    assert conn.execute("select count(*) from announcement_versions").fetchone() == (4,)


def test_new_topic_incarnation_is_read_from_the_start(kafka_settings: Settings) -> None:
    """Offsets stored for an earlier broker (other topic id, offsets far beyond the end) never skip."""
    conn = _with_old_offsets(kafka_settings, next_offset=500, topic_id="old-broker-topic-id")
    _produce(kafka_settings, [_encoded(f"doc-{i}") for i in range(3)])
    consumer = _consumer(kafka_settings, conn)
    assert _drain(consumer, conn, AnnouncementLoader()) == (3, 0)


def test_a_batch_of_several_messages_is_not_read_again_on_restart(kafka_settings: Settings) -> None:
    """The bundled broker reports the end of a partition as its last batch's base offset + 1; stored
    offsets beyond that end, under the same topic id, are no new incarnation."""
    ensure_topics(kafka_settings.kafka)
    producer = KafkaProducer(**{**producer_options(kafka_settings.kafka), "linger_ms": 200})
    topic = topic_name(kafka_settings.kafka, ANNOUNCEMENTS)
    for i in range(5):
        producer.send(topic, key=b"k", value=_encoded(f"doc-{i}"), partition=0)
    producer.flush()
    producer.close()
    conn = connect_writer(kafka_settings.db_path)
    first = _consumer(kafka_settings, conn)
    assert _drain(first, conn, AnnouncementLoader()) == (5, 0)
    first.close()
    second = _consumer(kafka_settings, conn)
    positions = second._position()
    again = AnnouncementLoader()
    _drain(second, conn, again)
    second.close()
    assert [p.reason for p in positions if p.partition == 0] == ["resume"]
    assert (again.stored, again.duplicates) == (0, 0)


@pytest.mark.parametrize(("memory_only", "level"), [(True, logging.INFO), (False, logging.WARNING)])
def test_a_new_incarnation_at_start_is_info_on_a_memory_only_broker(
    kafka_settings: Settings, caplog: pytest.LogCaptureFixture, memory_only: bool, level: int
) -> None:
    info = ensure_topics(kafka_settings.kafka)
    conn = connect_writer(kafka_settings.db_path)
    topic = topic_name(kafka_settings.kafka, ANNOUNCEMENTS)
    conn.execute(
        "insert into consumer_offsets values ('loader', ?, 0, 7, 'old-broker-topic-id', now())", [topic]
    )
    consumer = DuckdbOffsetConsumer(
        kafka_settings.kafka,
        RunDatabase(conn),
        consumer_name="loader",
        topic=topic,
        topic_id=info[topic].topic_id,
        memory_only_broker=memory_only,
    )
    with caplog.at_level(logging.INFO, logger="govwatch.store.consumer"):
        consumer.start()
    consumer.close()
    said = [r for r in caplog.records if "reading from offset" in r.getMessage()]
    assert said and {r.levelno for r in said} == {level}


def test_offsets_beyond_the_end_without_topic_id_mean_a_new_incarnation(kafka_settings: Settings) -> None:
    conn = _with_old_offsets(kafka_settings, next_offset=500, topic_id=None)
    _produce(kafka_settings, [_encoded("doc-x")])
    consumer = _consumer(kafka_settings, conn, topic_id=None)
    assert _drain(consumer, conn, AnnouncementLoader()) == (1, 0)


def test_poison_messages_are_dead_lettered_and_the_rest_stored(kafka_settings: Settings) -> None:
    ensure_topics(kafka_settings.kafka)
    future = make_announcement("doc-future")
    future["schema_version"] = "2.0"
    broken = make_announcement("doc-broken")
    del broken["title"]
    _produce(
        kafka_settings,
        [
            b"\xff\xfe not utf8",
            b"{not json",
            json.dumps(broken).encode(),
            json.dumps(future).encode(),
            _encoded("doc-good"),
            b"[1,2]",
        ],
    )
    conn = connect_writer(kafka_settings.db_path)
    consumer = _consumer(kafka_settings, conn)
    assert _drain(consumer, conn, AnnouncementLoader()) == (1, 5)
    reasons = [r[0] for r in conn.execute('select reason from deadletters order by "offset"').fetchall()]
    assert len(reasons) == 5
    assert "not UTF-8" in reasons[0] and "not JSON" in reasons[1] and "title" in reasons[2]
    assert "schema_version 2.0" in reasons[3] and "not an object" in reasons[4]
    assert conn.execute("select id from announcements").fetchall() == [("doc-good",)]
    # Replaying the whole topic stores nothing twice, dead letters included.
    conn.execute("delete from consumer_offsets")
    replay = _consumer(kafka_settings, conn)
    _drain(replay, conn, AnnouncementLoader())
    assert conn.execute("select count(*) from deadletters").fetchone() == (5,)
    assert conn.execute("select count(*) from announcement_versions").fetchone() == (1,)


def test_a_key_given_twice_is_stored_with_the_value_that_was_validated(kafka_settings: Settings) -> None:
    ensure_topics(kafka_settings.kafka)
    text = json.dumps(make_announcement("doc-twice"))
    # The validator keeps the last of two values; storing the raw text kept the first.
    twice = text.replace('"title": ', '"title": "never validated", "title": ', 1)
    _produce(kafka_settings, [twice.encode()])
    conn = connect_writer(kafka_settings.db_path)
    consumer = _consumer(kafka_settings, conn)
    assert _drain(consumer, conn, AnnouncementLoader()) == (1, 0)
    [(title,)] = conn.execute("select title from announcements").fetchall()
    assert title == make_announcement("doc-twice")["title"]


def test_five_megabyte_message_is_stored(kafka_settings: Settings) -> None:
    ensure_topics(kafka_settings.kafka)
    big = make_announcement("doc-big", body_text="word " * (5 * 1024 * 1024 // 5), partnerships=[])
    _produce(kafka_settings, [json.dumps(big).encode()])
    conn = connect_writer(kafka_settings.db_path)
    consumer = _consumer(kafka_settings, conn)
    assert _drain(consumer, conn, AnnouncementLoader()) == (1, 0)
    assert conn.execute("select length(body_text) > 5000000 from announcements").fetchone() == (True,)


def test_missing_topic_is_a_clear_error(kafka_settings: Settings) -> None:
    from govwatch.errors import SinkError

    conn = connect_writer(kafka_settings.db_path)
    consumer = DuckdbOffsetConsumer(
        kafka_settings.kafka,
        RunDatabase(conn),
        consumer_name="loader",
        topic="no.such.topic." + kafka_settings.kafka.topic_prefix,
        topic_id=None,
    )
    with pytest.raises(SinkError, match="does not exist"):
        consumer.start()


@pytest.mark.parametrize(
    ("stored", "stored_id", "topic_id", "end", "expected"),
    [
        (None, None, "a", 10, 0),
        (4, "a", "a", 10, 4),
        (10, "a", "a", 10, 10),
        (4, "a", "b", 10, 0),
        (11, None, None, 10, 0),
        (11, "a", "a", 10, 11),  # the same topic id: the same log, whatever end the broker reports
        (4, None, "b", 10, 4),
    ],
)
def test_choose_start_offset(stored, stored_id, topic_id, end, expected) -> None:
    position = choose_start_offset(
        partition=0, stored_offset=stored, stored_topic_id=stored_id, topic_id=topic_id, beginning=0, end=end
    )
    assert position.offset == expected


def test_external_settings_are_used_verbatim(kafka_settings: Settings) -> None:
    from govwatch.kafka import client_options

    sasl = replace(
        kafka_settings.kafka,
        security_protocol="SASL_SSL",
        sasl_mechanism="PLAIN",
        sasl_username="u",
        sasl_password="p",
        ssl_cafile="/ca.pem",
    )
    options = client_options(sasl)
    assert options["security_protocol"] == "SASL_SSL"
    assert options["sasl_plain_username"] == "u" and options["ssl_cafile"] == "/ca.pem"


def test_broker_restarted_under_a_running_consumer_is_read_from_the_start(settings: Settings) -> None:
    """The embedded broker goes away mid-run and comes back empty on the same port: the running consumer
    must read the new incarnation from offset 0, even when it already holds more than the old position."""
    import time

    from govwatch.broker import EmbeddedBroker

    port = None
    with EmbeddedBroker() as first:
        port = first.port
        local = replace(
            settings, kafka=replace(settings.kafka, bootstrap_servers=first.bootstrap_servers, partitions=1)
        )
        ensure_topics(local.kafka)
        _produce(local, [_encoded(f"old-{i}") for i in range(3)])
        conn = connect_writer(local.db_path)
        consumer = _consumer(local, conn)
        assert _drain(consumer, conn, AnnouncementLoader()) == (3, 0)
    with EmbeddedBroker(port=port):
        ensure_topics(local.kafka)
        _produce(local, [_encoded(f"new-{i}") for i in range(6)])
        deadline = time.monotonic() + 30
        loader = AnnouncementLoader()
        while time.monotonic() < deadline and loader.stored < 6:
            batch = consumer.poll(timeout_ms=200)
            if batch:
                process_batch(consumer, conn, loader, batch)
        consumer.close()
    assert loader.stored == 6
    ids = {row[0] for row in conn.execute("select id from announcements").fetchall()}
    assert {f"new-{i}" for i in range(6)} <= ids


def test_values_the_database_could_not_store_are_dead_lettered_not_a_crash_loop(
    kafka_settings: Settings,
) -> None:
    # Each of these once passed validation and then failed the whole batch, again after every restart.
    ensure_topics(kafka_settings.kafka)
    huge_version = make_announcement("doc-huge")
    huge_version["version"] = 2**40
    huge_offset = make_announcement("doc-offset")
    huge_offset["notes_offset"] = 2**31
    lone_surrogate = json.dumps(make_announcement("doc-surrogate")).replace(
        '"title": "', '"title": "\\ud800', 1
    )
    _produce(
        kafka_settings,
        [
            json.dumps(huge_version).encode(),
            json.dumps(huge_offset).encode(),
            lone_surrogate.encode(),
            _encoded("doc-ok"),
        ],
    )
    conn = connect_writer(kafka_settings.db_path)
    consumer = _consumer(kafka_settings, conn)
    assert _drain(consumer, conn, AnnouncementLoader()) == (1, 3)
    reasons = [r[0] for r in conn.execute('select reason from deadletters order by "offset"').fetchall()]
    assert "version" in reasons[0] and "notes_offset" in reasons[1] and "surrogate" in reasons[2]
    assert conn.execute("select id from announcements").fetchall() == [("doc-ok",)]


def test_dead_letter_records_the_database_could_not_store_are_kept_not_a_crash_loop(
    kafka_settings: Settings,
) -> None:
    from govwatch.kafka import DEADLETTER
    from govwatch.store.deadletters import DeadletterKeeper

    ensure_topics(kafka_settings.kafka)
    base = {"schema_version": "1.0", "stage": "loader", "reason": "bad", "payload_base64": "eA=="}
    records = [
        {**base, "at": "2025-07-23T07:00:00Z", "partition": 0, "offset": 7},
        {**base, "at": "2025-07-23T07:00:00Z", "partition": 2**40, "offset": 8},  # no such partition
        {**base, "at": "2016-12-31T23:59:60Z", "partition": 0, "offset": 9},  # a leap second
        {**base, "at": "2025-07-23t07:00:00z", "partition": 0, "offset": 10},  # lower case: RFC 3339 too
    ]
    producer = KafkaProducer(**producer_options(kafka_settings.kafka))
    topic = topic_name(kafka_settings.kafka, DEADLETTER)
    for record in records:
        producer.send(topic, value=json.dumps(record).encode())
    producer.flush()
    producer.close()
    conn = connect_writer(kafka_settings.db_path)
    info = ensure_topics(kafka_settings.kafka)
    consumer = DuckdbOffsetConsumer(
        kafka_settings.kafka,
        RunDatabase(conn),
        consumer_name="deadletters",
        topic=topic,
        topic_id=info[topic].topic_id,
        message_type="deadletter",
    )
    consumer.start()
    assert _drain(consumer, conn, DeadletterKeeper()) == (3, 1)
    rows = conn.execute(
        'select "offset", epoch(failed_at) from deadletters where stage = \'loader\' order by "offset"'
    ).fetchall()
    assert rows == [
        (7, datetime(2025, 7, 23, 7, tzinfo=UTC).timestamp()),
        (9, datetime(2016, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp()),
        (10, datetime(2025, 7, 23, 7, tzinfo=UTC).timestamp()),
    ]
    [kept] = conn.execute("select reason from deadletters where stage = 'deadletters'").fetchall()
    assert "partition" in kept[0]
