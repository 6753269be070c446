"""The database file: created owner-only, with its WAL, and existing files narrowed."""

from __future__ import annotations

import stat
from pathlib import Path

from govwatch.db import connect_writer


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
