"""`govwatch query` throughput: 3M rows as CSV, read directly and through a running writer's endpoint.

The endpoint is what every query meets while `govwatch run` owns the database; the direct read is its
baseline, measured in the same run on the same file.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

from govwatch.cli_support import OutputFormat, write_rows
from govwatch.config import Settings, load_settings
from govwatch.db import connect_writer
from govwatch.query import open_query

ROWS = 3_000_000
SQL = "select * from bench_rows"
_WRITER = """
import sys
from pathlib import Path
from govwatch.db import connect_writer
from govwatch.query_endpoint import QueryServer

path = Path(sys.argv[1])
server = QueryServer(path).start()
conn = connect_writer(path)
server.attach(conn)
print("ready", flush=True)
sys.stdin.read()
server.detach()
conn.close()
server.released()
server.stop()
"""


def _make_database(path: Path) -> None:
    conn = connect_writer(path)
    conn.execute(
        "CREATE TABLE bench_rows AS SELECT range AS id, 'announcement number ' || range AS title, "
        "TIMESTAMPTZ '2025-01-01 00:00:00+00' + to_seconds(range) AS published_at, range * 1.5 AS amount, "
        "['ai', 'compute'] AS topics FROM range(?)",
        [ROWS],
    )
    conn.close()


def _csv_seconds(settings: Settings) -> tuple[float, int]:
    with open(os.devnull, "w") as sink, redirect_stdout(sink):
        started = time.perf_counter()
        with open_query(settings, SQL) as result:
            count = write_rows(result.columns, result.rows, OutputFormat.csv)
        return time.perf_counter() - started, count


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.duckdb"
        _make_database(path)
        settings = load_settings(None, env={}, db_path=path)
        direct_s, direct_rows = _csv_seconds(settings)
        writer = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
            remote_s, remote_rows = _csv_seconds(settings)
        finally:
            assert writer.stdin is not None
            writer.stdin.close()
            writer.wait(timeout=60)
    assert direct_rows == remote_rows == ROWS
    print(f"query {ROWS:,} rows (5 columns) as CSV:")
    print(f"  directly (baseline)        {direct_s:6.1f}s  {ROWS / direct_s:10,.0f} rows/s")
    print(f"  through the query endpoint {remote_s:6.1f}s  {ROWS / remote_s:10,.0f} rows/s")
    print(f"  endpoint / direct          {remote_s / direct_s:6.2f}x")


if __name__ == "__main__":
    main()
