"""The alert tables through `store`: batch writes are idempotent, and states are read per document."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from govwatch.alerts.store import (
    MatchState,
    due_alerts,
    finish,
    read_states,
    record_evaluated,
    retry_later,
    write_batch,
)

AT = datetime(2025, 7, 22, 9, 0, tzinfo=UTC)


def alert(ident: str, version: int = 1) -> dict[str, object]:
    return {
        "id": ident, "subscription": "s", "announcement_id": "doc", "version": version, "channel": "stdout",
        "change": "match", "frequency": "immediate", "created_at": AT, "due_at": AT, "title": "t",
        "payload": "{}",
    }  # fmt: skip


def test_writing_the_same_batch_twice_inserts_once(db: duckdb.DuckDBPyConnection) -> None:
    states = {("s", "doc"): MatchState(version=1, matched=True, facts="{}", rule="r")}
    assert write_batch(db, states, [alert("a1")]) == 1
    assert write_batch(db, states, [alert("a1"), alert("a2", version=2)]) == 1
    assert db.execute("SELECT id FROM alerts ORDER BY id").fetchall() == [("a1",), ("a2",)]


def test_states_are_upserted_and_read_back_by_document(db: duckdb.DuckDBPyConnection) -> None:
    first = MatchState(version=1, matched=True, facts='{"kinds": []}', rule="r")
    write_batch(db, {("s", "doc"): first, ("t", "other"): MatchState(version=1, matched=False, rule="r")}, [])
    later = MatchState(version=2, matched=False, rule="r2")
    write_batch(db, {("s", "doc"): later}, [])
    assert read_states(db, ["doc", "unknown"]) == {"doc": {"s": later}, "unknown": {}}


def test_due_alerts_skip_those_waiting_for_a_retry(db: duckdb.DuckDBPyConnection) -> None:
    write_batch(db, {}, [alert("a1"), alert("a2", version=2)])
    retry_later(db, ["a1"], attempt_at=AT, retry_at=AT.replace(hour=10), error="503")
    assert [a.id for a in due_alerts(db, AT)] == ["a2"]
    assert [a.id for a in due_alerts(db, AT.replace(hour=10))] == ["a1", "a2"]


def test_finish_records_status_and_returns_the_rows(db: duckdb.DuckDBPyConnection) -> None:
    write_batch(db, {}, [alert("a1")])
    [row] = finish(db, ["a1"], delivered=True, at=AT, delivery="a1", error=None)
    assert (row["status"], row["attempts"], row["delivered_at"]) == ("delivered", 1, AT)
    assert due_alerts(db, AT) == []


def test_batch_tables_come_from_the_system_allocator_not_arrows_own(db: duckdb.DuckDBPyConnection) -> None:
    """Arrow's default allocator kept the pages of every dropped table for the thread's next one."""
    default_before = pa.default_memory_pool().max_memory()
    system_before = pa.system_memory_pool().bytes_allocated()
    states = {("s", f"doc{i}"): MatchState(version=1, matched=True, facts="{}", rule="r") for i in range(500)}
    assert write_batch(db, states, [alert(f"a{i}", version=i + 1) for i in range(500)]) == 500
    record_evaluated(db, [(f"doc{i}", 1) for i in range(500)])
    assert pa.default_memory_pool().max_memory() == default_before
    assert pa.system_memory_pool().bytes_allocated() == system_before
    assert db.execute("SELECT count(*) FROM alert_evaluations").fetchone() == (500,)
