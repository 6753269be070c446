"""A separate process that owns a DuckDB file for writing and serves queries, like `govwatch run` does.

Usage: python -m tests.support.writer_process DB_PATH [--hold] [--time-limit S]
It publishes its endpoint, then (with --hold: once it reads "open" on stdin, printing "published" before)
takes the file, stores 3 announcements and prints "ready" once it serves queries. Then it obeys one command
per stdin line: "store N" stores N more announcements (and prints "stored"), "quit" (or the end of stdin)
stops it in the order a run stops.

Tests start it with `start_writer`, talk to it with `tell` and stop it with `stop_writer`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb

from govwatch.db import connect_writer
from govwatch.query_endpoint import QueryServer
from govwatch.sandbox import QueryLimits
from govwatch.store.loader import AnnouncementLoader
from tests.support.announcements import as_consumed, make_announcement

ROOT = Path(__file__).resolve().parents[2]
STOP_TIMEOUT_S = 30.0


def start_writer(db_path: Path, *args: str) -> subprocess.Popen[str]:
    """This module as a writer process on `db_path` (`args`: --hold, --time-limit S), spoken to by lines."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.writer_process", str(db_path), *args],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def tell(process: subprocess.Popen[str], command: str, answer: str) -> None:
    """Send the writer one command and check the line it answers."""
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(command + "\n")
    process.stdin.flush()
    assert process.stdout.readline().strip() == answer


def stop_writer(process: subprocess.Popen[Any]) -> None:
    """The writer (or any process reading stdin to its end) exits when its stdin closes; safe twice."""
    assert process.stdin is not None
    if not process.stdin.closed:
        process.stdin.close()
    process.wait(timeout=STOP_TIMEOUT_S)


def _store(conn: duckdb.DuckDBPyConnection, loader: AnnouncementLoader, first: int, count: int) -> None:
    cursor = conn.cursor()
    cursor.execute("BEGIN TRANSACTION")
    loader.handle(cursor, as_consumed([make_announcement(f"doc-{i}") for i in range(first, first + count)]))
    cursor.execute("COMMIT")
    cursor.close()


def main() -> None:
    path = Path(sys.argv[1])
    time_limit_s = float(sys.argv[sys.argv.index("--time-limit") + 1]) if "--time-limit" in sys.argv else 60.0
    server = QueryServer(path, QueryLimits(time_limit_s=time_limit_s)).start()
    if "--hold" in sys.argv:
        print("published", flush=True)
        while sys.stdin.readline().strip() != "open":
            pass
    conn = connect_writer(path, wait_s=30.0)
    loader = AnnouncementLoader()
    row = conn.execute("select count(*) from announcement_versions").fetchone()
    stored = int(row[0]) if row else 0
    _store(conn, loader, stored, 3)
    stored += 3
    server.attach(conn)
    print("ready", flush=True)
    for line in sys.stdin:
        command = line.split()
        if command[:1] == ["store"]:
            _store(conn, loader, stored, int(command[1]))
            stored += int(command[1])
            print("stored", flush=True)
        elif command[:1] == ["quit"]:
            break
    server.detach()
    conn.close()
    server.released()
    server.stop()


if __name__ == "__main__":
    main()
