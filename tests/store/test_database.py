"""The run's database is reopened between batches, never under a cursor in use or a query under way."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from govwatch.db import connect_writer
from govwatch.store import database
from govwatch.store.database import RunDatabase, SharedLock
from govwatch.store.writer import BatchWriter


def _run_database(path: Path, every_s: float = 0.01) -> RunDatabase:
    def opener() -> duckdb.DuckDBPyConnection:
        return connect_writer(path, memory_limit="32MB")

    return RunDatabase(opener(), reopen=opener, reopen_every_s=every_s)


def test_a_due_reopen_keeps_the_data_and_the_settings(tmp_path: Path) -> None:
    db = _run_database(tmp_path / "g.duckdb")
    first = db.conn
    db.conn.execute("CREATE TABLE kept AS SELECT 42 AS answer")
    time.sleep(0.02)
    assert db.reopen_if_due()
    assert db.conn is not first and db.reopened == 1
    with db.cursor() as cursor:
        assert cursor.execute("SELECT answer FROM kept").fetchall() == [(42,)]
        assert cursor.execute("SELECT current_setting('memory_limit')").fetchone() == ("30.5 MiB",)
    with pytest.raises(duckdb.ConnectionException):
        first.execute("SELECT 1")
    db.close()


def test_no_reopen_before_it_is_due_or_when_it_is_off(tmp_path: Path) -> None:
    db = _run_database(tmp_path / "g.duckdb", every_s=3600)
    assert not db.reopen_if_due()
    db.close()
    never = RunDatabase(duckdb.connect(str(tmp_path / "h.duckdb")))
    assert not never.reopen_if_due()
    never.close()


def test_a_cursor_in_use_puts_the_reopen_off_and_is_never_closed_under_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "REOPEN_WAIT_S", 0.05)
    db = _run_database(tmp_path / "g.duckdb")
    time.sleep(0.02)
    with db.cursor() as cursor:
        assert not db.reopen_if_due()
        assert cursor.execute("SELECT 1").fetchone() == (1,)
    assert db.reopen_if_due()
    db.close()


def test_a_cursor_asked_for_during_a_reopen_waits_for_the_new_database(tmp_path: Path) -> None:
    db = _run_database(tmp_path / "g.duckdb")
    db.conn.execute("CREATE TABLE t AS SELECT 1 AS x")
    time.sleep(0.02)
    entered = threading.Event()
    answers: list[object] = []

    def closing() -> bool:
        entered.set()
        time.sleep(0.2)  # a cursor asked for now must wait until the database is open again
        return True

    db.around_reopen(closing, lambda _conn: None)

    def reader() -> None:
        entered.wait(5)
        with db.cursor() as cursor:
            answers.append(cursor.execute("SELECT x FROM t").fetchone())

    thread = threading.Thread(target=reader)
    thread.start()
    assert db.reopen_if_due()
    thread.join(5)
    assert answers == [(1,)]
    db.close()


def test_a_callback_that_says_not_now_puts_the_reopen_off_and_serving_goes_on(tmp_path: Path) -> None:
    db = _run_database(tmp_path / "g.duckdb")
    calls: list[str] = []

    def pausing(name: str, answer: bool) -> Callable[[], bool]:
        def pause() -> bool:
            calls.append(f"pause {name}")
            return answer

        return pause

    db.around_reopen(pausing("a", True), lambda _c: calls.append("serve a"))
    db.around_reopen(pausing("b", False), lambda _c: calls.append("serve b"))
    time.sleep(0.02)
    before = db.conn
    assert not db.reopen_if_due()
    assert calls == ["pause a", "pause b", "serve a"]  # a serves again on the same database
    assert db.conn is before
    assert db.conn.execute("SELECT 1").fetchone() == (1,)
    db.close()


def test_exclusive_waits_for_shared_holders_and_gives_up_at_its_deadline() -> None:
    lock = SharedLock()
    with lock.shared():
        assert not lock.acquire_exclusive(0.05)
    assert lock.acquire_exclusive(0.05)
    taken = threading.Event()

    def share() -> None:
        with lock.shared():
            taken.set()

    thread = threading.Thread(target=share)
    thread.start()
    assert not taken.wait(0.1)  # held back while exclusive
    lock.release_exclusive()
    assert taken.wait(5)
    thread.join(5)


def test_an_idle_writer_reopens_the_database_when_it_is_due(tmp_path: Path) -> None:
    db = _run_database(tmp_path / "g.duckdb")
    writer = BatchWriter(db)
    try:
        deadline = time.monotonic() + 30
        while db.reopened == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert db.reopened >= 1  # no batch came, and the database was reopened all the same
        writer.wait()
    finally:
        writer.close()
        db.close()
