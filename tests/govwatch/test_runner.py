"""The run's DuckDB side: a dead embedded broker stops the run with a clear message, nothing half-stored."""

from __future__ import annotations

import json
import os
import signal
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from govwatch.config import Settings
from govwatch.errors import SinkError
from govwatch.kafka import configured_broker, kafka_stack
from govwatch.publication import MarkPublished, SpoolPublished
from govwatch.runner import Stack, publication_callback
from tests.support.processes import wait_gone


def test_embedded_broker_dying_mid_run_is_a_clear_error(settings: Settings) -> None:
    with kafka_stack(settings) as (ready, described):
        broker = described.embedded
        assert broker is not None and broker.pid is not None
        stack = Stack.open(ready, with_alerts=False, broker=described)
        try:
            stack.poll_once()
            os.kill(broker.pid, signal.SIGKILL)
            with pytest.raises(SinkError, match="embedded broker exited unexpectedly"):
                for _ in range(100):
                    stack.poll_once(timeout_ms=50)
        finally:
            stack.close()


def test_embedded_broker_dying_while_the_stack_opens_is_reported_as_such(settings: Settings) -> None:
    """Killed before the consumers start, the broker was reported as a consumer that could not
    bootstrap (or a topic that could not be set up), not as the dead broker it was."""
    with kafka_stack(settings) as (ready, described):
        broker = described.embedded
        assert broker is not None and broker.pid is not None
        os.kill(broker.pid, signal.SIGKILL)
        assert wait_gone([broker.pid])
        with pytest.raises(SinkError, match=r"^the embedded broker exited unexpectedly \(code -9\)"):
            Stack.open(ready, with_alerts=False, broker=described)


def test_settings_point_at_the_embedded_broker_only_inside_the_stack(settings: Settings) -> None:
    assert settings.embedded_broker
    with kafka_stack(settings) as (ready, described):
        broker = described.embedded
        assert broker is not None
        assert ready.kafka.bootstrap_servers == broker.bootstrap_servers
        pid = broker.pid
    assert pid is not None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_a_new_database_beside_an_old_checkpoint_is_reported(settings: Settings) -> None:
    from govwatch.runner import warn_if_checkpoint_outlives_database

    said: list[str] = []
    warn_if_checkpoint_outlives_database(settings, said.append)
    assert said == []
    settings.checkpoint_path.write_bytes(b"")
    warn_if_checkpoint_outlives_database(settings, said.append)
    assert len(said) == 1 and "delete the checkpoint" in said[0]


def test_consumers_that_cannot_catch_up_in_time_are_a_clear_error(kafka_settings: Settings) -> None:
    stack = Stack.open(kafka_settings, with_alerts=False)
    try:
        with pytest.raises(SinkError, match="did not catch up with Kafka within 0s"):
            stack.drain(timeout_s=0)
    finally:
        stack.close()


def test_the_embedded_broker_stays_memory_only_once_its_address_is_filled_in(settings: Settings) -> None:
    with kafka_stack(settings) as (ready, broker):
        assert ready.kafka.bootstrap_servers == broker.bootstrap_servers != ""
        assert not broker.durable
        assert isinstance(publication_callback(broker, ready.checkpoint_path), SpoolPublished)
    external = configured_broker(replace(settings.kafka, bootstrap_servers="kafka.example:9092"))
    assert external.durable and external.embedded is None and external.death() == []
    assert isinstance(publication_callback(external, settings.checkpoint_path), MarkPublished)


def test_an_announcement_the_record_refuses_is_dead_lettered_and_the_rest_alerted(tmp_path: Path) -> None:
    """A message the schema let through but the typed record does not fit costs that message only."""
    from govwatch.db import connect_writer
    from govwatch.runner import DispatcherAdapter
    from govwatch.store.records import ConsumedMessage
    from tests.support.announcements import _EMPTY_MEMBERS

    good = {**_EMPTY_MEMBERS, "id": "good", "version": 1, "title": "Fine"}
    bad = {**good, "id": "bad", "partnerships": [{"kind": "mou"}]}  # a partnership with no parties

    class Recorder:
        def __init__(self) -> None:
            self.seen: list[str] = []

        def handle(self, conn: object, records: list[Any]) -> int:
            self.seen += [record.id for record in records]
            return len(records)

    recorder = Recorder()
    conn = connect_writer(tmp_path / "g.duckdb")
    items = [
        (
            ConsumedMessage(
                topic="govwatch.announcements",
                partition=0,
                offset=offset,
                key=None,
                value=json.dumps(message).encode(),
            ),
            message,
        )
        for offset, message in enumerate((bad, good))
    ]
    assert DispatcherAdapter(recorder).handle(conn, items) == 1
    assert recorder.seen == ["good"]
    rows = conn.execute('SELECT stage, "offset" FROM deadletter_rows').fetchall()
    assert rows == [("alerts", 0)]
