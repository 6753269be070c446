"""DuckDB files in tests: one held open by another program, and statements the query path must refuse."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: Each must be refused by the read-only query path, without changing the connection it runs on.
HOSTILE_QUERIES = (
    "EXPLAIN ANALYZE COPY (select * from read_text('/etc/passwd')) TO 'x.txt'",
    "EXPLAIN ANALYZE SET memory_limit='2MB'",
    "EXPLAIN ANALYZE INSTALL httpfs",
    "select * from read_text('/etc/passwd')",
    "select * from read_csv('/etc/passwd')",
    "select * from glob('/*')",
    "select length(repeat('x', 3000000000))",
)

_HOLD = "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('locked', flush=True); sys.stdin.read()"


@contextmanager
def held_by_another_program(db: Path) -> Iterator[subprocess.Popen[str]]:
    """Another program (not govwatch) holding `db` open for writing, until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield holder
    finally:
        assert holder.stdin is not None
        if not holder.stdin.closed:
            holder.stdin.close()
        holder.wait(timeout=30)
