"""The alert tables through `store`: batch writes are idempotent, and states are read per document."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb

from govwatch.alerts.store import MatchState, due_alerts, finish, read_states, retry_later, write_batch

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
