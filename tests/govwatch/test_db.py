"""The database file: created owner-only, with its WAL, and existing files narrowed; opening it for
writing waits for readers that hold it, and says what it waits for."""

from __future__ import annotations

import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from govwatch.db import connect_writer
from govwatch.errors import SinkError
from tests.support.announcements import fill_database


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_database_and_its_wal_are_created_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "govwatch.duckdb"
    conn = connect_writer(db)
    try:
        conn.execute("CREATE TABLE secrets AS SELECT 'token' AS value")
        wal = tmp_path / "govwatch.duckdb.wal"
        assert wal.exists(), "the write is in the WAL while the database is open"
        assert (_mode(db), _mode(wal)) == (0o600, 0o600)
    finally:
        conn.close()


def test_an_existing_world_readable_database_is_made_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    connect_writer(db).close()
    db.chmod(0o644)
    connect_writer(db).close()
    assert _mode(db) == 0o600


_HOLDER = (
    "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); print('holding', flush=True); "
    "sys.stdin.readline(); c.close(); print('released', flush=True); sys.stdin.readline()"
)


@pytest.fixture
def reader(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process reading the database directly (a query that began before a writer started)."""
    path = tmp_path / "db.duckdb"
    fill_database(path, 1)
    process = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "holding"
    yield process
    assert process.stdin is not None
    process.stdin.close()
    process.wait(timeout=30)


def test_writer_waits_for_a_reader_to_finish(
    tmp_path: Path, reader: subprocess.Popen[str], caplog: pytest.LogCaptureFixture
) -> None:
    opened: list[duckdb.DuckDBPyConnection] = []
    writer = threading.Thread(target=lambda: opened.append(connect_writer(tmp_path / "db.duckdb", wait_s=60)))
    writer.start()
    for _ in range(600):  # until the writer has met the reader's lock
        if "waiting up to" in caplog.text:
            break
        time.sleep(0.05)
    assert "waiting up to 60s" in caplog.text
    assert reader.stdin is not None and reader.stdout is not None
    reader.stdin.write("release\n")
    reader.stdin.flush()
    assert reader.stdout.readline().strip() == "released"
    writer.join(timeout=60)
    assert len(opened) == 1
    assert opened[0].execute("select count(*) from announcements").fetchall() == [(1,)]
    opened[0].close()


def test_writer_gives_up_after_its_wait_and_says_why(
    tmp_path: Path, reader: subprocess.Popen[str], caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(SinkError, match=r"cannot open .* for writing"):
        connect_writer(tmp_path / "db.duckdb", wait_s=1.5)
    assert "waiting up to 2s for" in caplog.text and "lock" in caplog.text


def test_a_writer_keeps_its_memory_within_its_limit_while_it_loads_more(tmp_path: Path) -> None:
    """Rows loaded since the last checkpoint stay in memory (~10 MB per 1,000 announcements, up to the
    checkpoint threshold); with a limit, DuckDB moves them to temporary files instead."""

    limit_mb = 24
    conn = connect_writer(tmp_path / "govwatch.duckdb", memory_limit=f"{limit_mb}MiB")
    try:
        assert _load_4000_announcements(conn) == 4000  # ~28 MB of body text alone
        row = conn.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchone()
        assert row is not None and row[0] <= limit_mb * 2**20
    finally:
        conn.close()


def _load_4000_announcements(conn: duckdb.DuckDBPyConnection) -> int:
    """Store 4,000 announcements of ~7 KB of poorly compressing text in 8 batches; return how many stored."""
    from govwatch.store.loader import AnnouncementLoader
    from tests.support.announcements import as_consumed, make_announcement

    loader = AnnouncementLoader()
    words = " ".join(f"w{i:05d}" for i in range(1000))
    for batch in range(8):
        conn.execute("BEGIN TRANSACTION")
        loader.handle(
            conn, as_consumed([make_announcement(f"d{batch}-{i}", body_text=words) for i in range(500)])
        )
        conn.execute("COMMIT")
    return loader.stored


def test_a_writer_folds_what_it_loaded_into_the_file_every_16_mb(tmp_path: Path) -> None:
    """With a 256 MB threshold nothing was checkpointed in a day's loading, and a run's DuckDB held every
    row since it started, up to its memory limit."""

    path = tmp_path / "govwatch.duckdb"
    conn = connect_writer(path, memory_limit="64MB")
    try:
        assert _load_4000_announcements(conn) == 4000
        row = conn.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchone()
        assert path.with_name(path.name + ".wal").stat().st_size < 16 * 2**20
        assert row is not None and row[0] < 40 * 2**20
    finally:
        conn.close()


def test_a_memory_limit_duckdb_cannot_read_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SinkError, match=r"set \[duckdb\] memory_limit to a size such as '64MB'"):
        connect_writer(tmp_path / "govwatch.duckdb", memory_limit="0")
