"""A separate process that owns a DuckDB file for writing and serves queries, like `govwatch run` does.

Usage: python -m tests.support.writer_process DB_PATH   (prints "ready", then exits when stdin closes)
"""

from __future__ import annotations

import sys
from pathlib import Path

from govwatch.db import connect_writer
from govwatch.loader import AnnouncementLoader
from govwatch.query import QueryServer
from tests.support.announcements import as_consumed, make_announcement


def main() -> None:
    path = Path(sys.argv[1])
    conn = connect_writer(path)
    conn.execute("BEGIN TRANSACTION")
    AnnouncementLoader().handle(conn, as_consumed([make_announcement(f"doc-{i}") for i in range(3)]))
    conn.execute("COMMIT")
    with QueryServer(conn, path):
        print("ready", flush=True)
        sys.stdin.read()
    conn.close()


if __name__ == "__main__":
    main()
