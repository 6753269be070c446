"""Open the DuckDB file and bring its schema up to date with the numbered migrations in `sql/migrations/`."""

from __future__ import annotations

import logging
import os
import re
import time
from importlib import resources
from pathlib import Path

import duckdb

from govwatch.errors import SinkError

log = logging.getLogger(__name__)

CHECKPOINT_THRESHOLD = "16MB"
#: Files govwatch creates (the database, its WAL, checkpoints, spools, progress) are its owner's only.
PRIVATE_UMASK = 0o077
PRIVATE_FILE_MODE = 0o600
#: Files a database or SQLite state file brings along.
_COMPANION_SUFFIXES = ("", ".wal", "-wal", "-shm", "-journal")
_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


def migrations() -> list[tuple[int, str, str]]:
    """The bundled migrations as (number, file name, SQL), in order."""
    folder = resources.files("govwatch.sql").joinpath("migrations")
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def apply_migrations(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply every migration not yet recorded in `schema_migrations`; returns the names applied."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
    )
    done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for number, name, sql in migrations():
        if number in done:
            continue
        conn.execute("BEGIN TRANSACTION")
        try:
            conn.execute(sql)
            conn.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [number, name])
            conn.execute("COMMIT")
        except duckdb.Error as exc:
            conn.execute("ROLLBACK")
            raise SinkError(f"migration {name} failed: {exc}") from exc
        applied.append(name)
        log.info("applied migration %s", name)
    return applied


def keep_files_private(*paths: Path) -> None:
    """Create every later file of this process owner-only (0600), and make these existing ones so too.

    The database, its WAL and the state files hold everything govwatch read, and the WAL is written
    long after the file is opened, so a mode given at creation is not enough: the process's umask is
    narrowed (it only ever loses bits). Existing files, and their WAL and journal companions, are
    narrowed to 0600.
    """
    current = os.umask(PRIVATE_UMASK)
    os.umask(current | PRIVATE_UMASK)
    for path in paths:
        for suffix in _COMPANION_SUFFIXES:
            companion = path.with_name(path.name + suffix)
            try:
                if companion.is_file():
                    companion.chmod(PRIVATE_FILE_MODE)
            except OSError as exc:
                log.warning("cannot make %s private (%s); check who owns it", companion, exc)


LOCK_RETRY_S = 0.05
LOCK_WARN_AFTER_S = 1.0  # a query finishing its read is a moment's wait: say so only when it lasts


def connect_writer(
    path: str | Path, *, wait_s: float = 0.0, memory_limit: str | None = None
) -> duckdb.DuckDBPyConnection:
    """Open the database for writing (creating it) and apply pending migrations.

    Args:
        wait_s: how long to wait for queries that read the file directly to finish (they hold a shared
            lock, and a writer that has published its query endpoint sees no new ones start).
        memory_limit: DuckDB's memory for this database (`[duckdb] memory_limit`); None keeps DuckDB's
            default, 80% of the machine's memory. A long run needs the bound: DuckDB keeps rows loaded
            since the last checkpoint, and every block it read, in memory until it reaches its limit.

    Raises:
        SinkError: the file is still locked by another process after `wait_s`, or cannot be created.
    """
    path = Path(path)
    keep_files_private(path)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    deadline = started + wait_s
    warned = False
    while True:
        try:
            conn = duckdb.connect(str(path))
            break
        except duckdb.IOException as exc:
            if not warned and wait_s > 0 and time.monotonic() - started >= min(LOCK_WARN_AFTER_S, wait_s):
                log.warning(
                    "waiting up to %.0fs for %s (%s): queries reading it finish within their time limit",
                    wait_s,
                    path,
                    str(exc).splitlines()[0],
                )
                warned = True
            if time.monotonic() >= deadline:
                raise SinkError(
                    f"cannot open {path} for writing: {exc}. Another govwatch run may own it; "
                    "stop it, or point --db at another file"
                ) from exc
            time.sleep(LOCK_RETRY_S)
    # Checkpoint (fold the WAL into the file) every 16 MB: DuckDB holds the rows loaded since the last
    # checkpoint in memory up to `memory_limit`, then writes them to temporary files as well. At 256 MB a
    # run's DuckDB sat at its limit after ~6,000 announcements; at 16 MB it stays near 35 MB, and a run
    # loading 10,000 peaks ~22 MB lower. Storing batches of 500 in a row costs ~13% more time.
    conn.execute(f"SET checkpoint_threshold = '{CHECKPOINT_THRESHOLD}'")
    if memory_limit is not None:
        try:
            conn.execute(f"SET memory_limit = '{memory_limit}'")
        except duckdb.Error as exc:
            conn.close()
            raise SinkError(
                f"DuckDB does not take memory_limit {memory_limit!r} ({exc}); set [duckdb] memory_limit "
                "to a size such as '64MB'"
            ) from exc
    apply_migrations(conn)
    return conn


def rfc3339_sql(expression: str) -> str:
    """SQL reading an ISO 8601 / RFC 3339 text as TIMESTAMPTZ, NULL when it is none.

    RFC 3339 allows a lower-case "t" and "z" and a leap second, which DuckDB's cast refuses: upper-cased,
    and the leap second read as the second before it.

    >>> import duckdb
    >>> duckdb.connect().execute(f"SELECT {rfc3339_sql(repr('2016-12-31t23:59:60z'))} = TIMESTAMPTZ '2016-12-31 23:59:59+00'").fetchone()
    (True,)
    """
    return f"TRY_CAST(regexp_replace(upper({expression}), '(T\\d\\d:\\d\\d:)60', '\\159') AS TIMESTAMPTZ)"
