"""kill -9 of the store side of a run (loader, dead letters, alert matching and delivery) at ten seeded
points, on one broker and one receiver: after each kill and a restart that catches up, DuckDB holds
exactly the versions published so far, each once, and every alert is recorded once, written once to a
file and posted to a webhook under one id each.

Cheaper than killing whole runs (tests/test_kills.py): no pipeline starts, so ten kills fit in the suite.
Each round publishes new documents, new versions of earlier ones and replays of earlier messages, so a
restart meets all three. `GOVWATCH_SOAK=1` kills forty times.
"""

from __future__ import annotations

import json
import os
import random
import signal
import time
from pathlib import Path
from typing import Any

from kafka import KafkaProducer

from govwatch.config import Settings, load_settings
from govwatch.kafka import ANNOUNCEMENTS, ensure_topics, producer_options, topic_name
from govwatch.runner import Stack
from tests.alerts.conftest import Answer, Receiver
from tests.support.announcements import make_announcement
from tests.support.kills import check_store, kill, reap, start, subscriptions_toml

SEED = 1616
KILLS = 40 if os.environ.get("GOVWATCH_SOAK") else 10
NEW_PER_ROUND = 40
KILL_WAIT_S = 60.0


def _write_config(kafka_settings: Settings, folder: Path, receiver: Receiver, alerts_file: Path) -> Path:
    kafka = kafka_settings.kafka
    path = folder / "govwatch.toml"
    path.write_text(
        f"""
[duckdb]
path = "{folder / "govwatch.duckdb"}"

[kafka]
bootstrap_servers = "{kafka.bootstrap_servers}"
topic_prefix = "{kafka.topic_prefix}"
partitions = 2
{subscriptions_toml(receiver, alerts_file)}"""
    )
    return path


def _publish_round(
    producer: KafkaProducer, topic: str, rng: random.Random, round_no: int, published: dict[str, int]
) -> None:
    """New documents, a new version of some earlier ones, and exact replays of others."""
    messages: list[dict[str, Any]] = [make_announcement(f"doc-{round_no}-{i}") for i in range(NEW_PER_ROUND)]
    earlier = sorted(published)
    for doc in rng.sample(earlier, min(len(earlier), 8)):
        messages.append(make_announcement(doc, published[doc] + 1))
    for doc in rng.sample(earlier, min(len(earlier), 8)):
        messages.append(make_announcement(doc, published[doc]))  # a replay: stored already
    rng.shuffle(messages)
    for message in messages:
        doc, version = message["id"], message["version"]
        published[doc] = max(published.get(doc, 0), version)
        producer.send(topic, key=doc.encode(), value=json.dumps(message).encode())
    producer.flush(timeout=30)


def _start_and_kill(
    config: Path, log_path: Path, receiver: Receiver, rng: random.Random, kill_no: int
) -> None:
    """Start the store and kill it: mid-load (a seeded moment after it is ready) on even rounds, mid-delivery
    (as the webhook receives the round's n-th alert, before it answers) on odd ones."""
    process = start(["tests.support.stack_process", str(config)], log_path, piped=True)
    try:
        if kill_no % 2:
            target = len(receiver.received) + rng.randint(1, NEW_PER_ROUND)

            def answer(count: int) -> Answer:
                if count == target:
                    kill(process.pid)
                return Answer()

            receiver.answer = answer
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.strip() == "ready", log_path.read_text()[-2000:]
        if kill_no % 2:
            process.wait(timeout=KILL_WAIT_S)  # killed by the receiver
        else:
            time.sleep(rng.uniform(0.0, 0.8))
            kill(process.pid)
    finally:
        receiver.answer = lambda _n: Answer()
        reap(process)
    assert process.returncode == -signal.SIGKILL, log_path.read_text()[-2000:]


def _catch_up(config: Path) -> None:
    """Restart the store in-process and let it consume, store and deliver everything published."""
    stack = Stack.open(load_settings(config, env={}))
    try:
        stack.drain()
        stack.deliver()
    finally:
        stack.close()


def test_seeded_kills_of_the_store_lose_and_double_nothing(kafka_settings: Settings, tmp_path: Path) -> None:
    rng = random.Random(SEED)
    receiver = Receiver()
    alerts_file = tmp_path / "alerts.jsonl"
    config = _write_config(kafka_settings, tmp_path, receiver, alerts_file)
    ensure_topics(kafka_settings.kafka)
    producer = KafkaProducer(**producer_options(kafka_settings.kafka))
    topic = topic_name(kafka_settings.kafka, ANNOUNCEMENTS)
    published: dict[str, int] = {}
    versions: set[tuple[str, int]] = set()
    db = tmp_path / "govwatch.duckdb"
    try:
        for kill_no in range(KILLS):
            _publish_round(producer, topic, rng, kill_no, published)
            versions |= {(doc, v) for doc, last in published.items() for v in range(1, last + 1)}
            _start_and_kill(config, tmp_path / f"store-{kill_no}.log", receiver, rng, kill_no)
            check_store(db, alerts_file, receiver, complete=False, published=versions)
            _catch_up(config)
            check_store(db, alerts_file, receiver, complete=True, published=versions)
    finally:
        producer.close(timeout=10)
        receiver.stop()
