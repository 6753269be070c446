"""kill -9 the loader mid-run, restart it: every message is stored exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from kafka import KafkaProducer

from govwatch.config import Settings
from govwatch.db import connect_writer
from govwatch.kafka import ANNOUNCEMENTS, ensure_topics, producer_options, topic_name
from govwatch.store.batches import process_batch
from govwatch.store.consumer import DuckdbOffsetConsumer
from govwatch.store.database import RunDatabase
from govwatch.store.loader import AnnouncementLoader
from tests.support.announcements import make_announcement

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 120


def test_kill_minus_nine_mid_batch_then_restart_stores_each_message_once(kafka_settings: Settings) -> None:
    kafka = kafka_settings.kafka
    ensure_topics(kafka)
    producer = KafkaProducer(**producer_options(kafka))
    topic = topic_name(kafka, ANNOUNCEMENTS)
    for i in range(MESSAGES):
        producer.send(
            topic, key=f"doc-{i}".encode(), value=json.dumps(make_announcement(f"doc-{i}")).encode()
        )
    producer.flush()
    producer.close()

    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.support.loader_process",
            kafka.bootstrap_servers,
            kafka.topic_prefix,
            str(kafka_settings.db_path),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    committed = 0
    while committed < 30:
        line = process.stdout.readline()
        assert line, "loader process ended early"
        committed = int(line.split()[1])
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)

    conn = connect_writer(kafka_settings.db_path)
    stored_before = conn.execute("select count(*) from announcement_versions").fetchone()
    assert stored_before is not None and 30 <= stored_before[0] < MESSAGES
    info = ensure_topics(kafka)
    consumer = DuckdbOffsetConsumer(
        kafka, RunDatabase(conn), consumer_name="loader", topic=topic, topic_id=info[topic].topic_id
    )
    consumer.start()
    for _ in range(100):
        batch = consumer.poll(timeout_ms=100)
        if batch:
            process_batch(consumer, conn, AnnouncementLoader(), batch)
        elif consumer.lag() == 0:
            break
    rows = conn.execute("select id, count(*) from announcement_versions group by id").fetchall()
    assert len(rows) == MESSAGES
    assert all(count == 1 for _id, count in rows)
    offsets = conn.execute(
        "select sum(next_offset) from consumer_offsets where consumer = 'loader'"
    ).fetchone()
    assert offsets == (MESSAGES,)
