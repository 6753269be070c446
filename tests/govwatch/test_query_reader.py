"""A kept read connection speeds reads up but never keeps a writer out, and never serves a replaced file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from govwatch.config import Settings
from govwatch.db import connect_writer
from govwatch.errors import QueryError
from govwatch.query import open_query, read_rows
from govwatch.query_endpoint import MEMORY_RETRY_WAITS_S, QueryServer
from govwatch.query_reader import SharedReader, reading_through
from tests.support.announcements import fill_database
from tests.support.writer_process import start_writer, stop_writer, tell

GENEROUS_S = 30.0
COUNT = "select count(*) from announcements"


@pytest.fixture
def reader(settings: Settings) -> Iterator[SharedReader]:
    fill_database(settings.db_path, 3)
    shared = SharedReader(settings.db_path, idle_s=600)  # only a writer (or a test) makes it let go
    yield shared
    shared.close()


def _count(settings: Settings, reader: SharedReader | None) -> int:
    with reading_through(reader):
        return int(read_rows(settings, COUNT)[1][0][0])


def test_reads_share_one_connection_while_no_writer_wants_the_file(
    settings: Settings, reader: SharedReader
) -> None:
    assert [_count(settings, reader) for _ in range(5)] == [3] * 5
    assert reader.opened == 1 and reader.holding


def test_reads_without_a_reader_keep_nothing_open(settings: Settings, reader: SharedReader) -> None:
    assert _count(settings, None) == 3
    assert reader.opened == 0 and not reader.holding


def test_a_writer_that_announces_itself_gets_the_file_and_later_reads_see_its_rows(
    settings: Settings, reader: SharedReader
) -> None:
    assert _count(settings, reader) == 3  # the reader now holds the file
    writer = start_writer(settings.db_path)
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready"  # it took the file from the kept reader
        assert _count(settings, reader) == 6  # answered by the writer, through its endpoint
        tell(writer, "store 2", "stored")
        assert _count(settings, reader) == 8
    finally:
        stop_writer(writer)
    assert _count(settings, reader) == 8  # the file again, opened afresh
    assert reader.opened == 2


def test_a_writer_in_the_same_process_gets_the_file(settings: Settings, reader: SharedReader) -> None:
    """`govwatch run --serve`: DuckDB refuses a writer in a process that has the file open read-only."""
    assert _count(settings, reader) == 3
    endpoint = QueryServer(settings.db_path).start()  # lets the process's readers go
    try:
        assert not reader.holding
        conn = connect_writer(settings.db_path)
        endpoint.attach(conn)
        assert _count(settings, reader) == 3  # through the endpoint
        endpoint.detach()
        conn.close()
        endpoint.released()
    finally:
        endpoint.stop()
    assert _count(settings, reader) == 3 and reader.opened == 2


def test_a_reopen_waits_for_queries_under_way_and_later_ones_wait_for_it(settings: Settings) -> None:
    """The writer reopens its database (to give memory back) only between queries; one asked meanwhile
    waits, as for a starting writer, and is answered on the reopened database."""
    fill_database(settings.db_path, 3)
    endpoint = QueryServer(settings.db_path).start()
    try:
        conn = connect_writer(settings.db_path)
        endpoint.attach(conn)
        # ~40 MB, more than the sockets buffer: the endpoint is still sending it when the answer opens.
        with open_query(settings, "select md5(range::varchar) from range(1000000)") as result:
            assert not endpoint.pause_if_idle()  # a query under way is never cut short
            assert sum(1 for _ in result.rows) == 1_000_000
        assert endpoint.pause_if_idle()
        counted: list[int] = []
        waiting = threading.Thread(target=lambda: counted.append(_count(settings, None)))
        waiting.start()
        waiting.join(0.5)
        assert counted == []  # held back while the database is closed
        conn.close()
        conn = connect_writer(settings.db_path)
        endpoint.attach(conn)
        waiting.join(GENEROUS_S)
        assert counted == [3]
        endpoint.detach()
        conn.close()
        endpoint.released()
    finally:
        endpoint.stop()


def test_an_idle_reader_lets_a_program_that_announces_nothing_write(settings: Settings) -> None:
    fill_database(settings.db_path, 3)
    reader = SharedReader(settings.db_path, idle_s=0.2)
    assert _count(settings, reader) == 3
    # DuckDB's own client, say: it opens the file for writing, retrying while a reader holds it.
    code = (
        "import duckdb, sys, time\n"
        "deadline = time.monotonic() + float(sys.argv[2])\n"
        "while True:\n"
        "    try:\n"
        "        duckdb.connect(sys.argv[1]).execute('create table other (a int)').close(); break\n"
        "    except duckdb.IOException:\n"
        "        if time.monotonic() > deadline: sys.exit('still locked')\n"
        "        time.sleep(0.05)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(settings.db_path), str(GENEROUS_S)],
        capture_output=True,
        text=True,
        timeout=GENEROUS_S * 2,
    )
    assert done.returncode == 0, done.stderr
    assert not reader.holding


def test_a_reader_that_lets_go_after_every_read_keeps_nothing_open(settings: Settings) -> None:
    fill_database(settings.db_path, 3)
    reader = SharedReader(settings.db_path, idle_s=0)
    assert [_count(settings, reader) for _ in range(3)] == [3] * 3
    assert reader.opened == 3 and not reader.holding


def test_a_replaced_file_is_opened_afresh(settings: Settings, reader: SharedReader, tmp_path: Path) -> None:
    assert _count(settings, reader) == 3
    other = tmp_path / "other.duckdb"
    fill_database(other, 5)
    replacement = settings.db_path.with_name("replacement.duckdb")
    shutil.copy(other, replacement)
    os.replace(replacement, settings.db_path)
    assert _count(settings, reader) == 5 and reader.opened == 2


def test_a_read_past_its_time_limit_stops_only_itself(settings: Settings, reader: SharedReader) -> None:
    quick = replace(settings, query=replace(settings.query, time_limit_s=0.3))
    with reading_through(reader), pytest.raises(QueryError, match="time limit"):
        read_rows(quick, "select count(*) from range(1000000000000) where range % 7 = 3")
    assert _count(settings, reader) == 3 and reader.opened == 1


def test_reads_under_way_finish_before_the_file_is_let_go(settings: Settings, reader: SharedReader) -> None:
    with reading_through(reader), open_query(settings, "select range from range(100000)") as result:
        rows = iter(result.rows)
        next(rows)
        assert not reader.release(wait_s=0.0)  # the read under way keeps the file open ...
        assert sum(1 for _ in rows) == 99_999  # ... and ends whole
    assert not reader.holding  # the last read on it closed it


def test_a_query_short_of_the_runs_memory_is_tried_again_then_names_the_setting_to_raise(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """A running govwatch answers queries within its [duckdb] memory_limit, shared with the batch it is
    loading: a query that runs short before its first row is tried again, and one that never fits says
    which setting to raise."""
    fill_database(settings.db_path, 3)
    endpoint = QueryServer(settings.db_path).start()
    try:
        conn = connect_writer(settings.db_path)
        conn.execute("SET memory_limit = '16MB'")
        endpoint.attach(conn)
        with caplog.at_level("INFO", logger="govwatch.query_endpoint"):
            with pytest.raises(QueryError, match=r"\[duckdb\] memory_limit"):
                read_rows(settings, "select string_agg(md5(range::varchar), ',') from range(3000000)")
            assert _count(settings, None) == 3  # the endpoint answers the next query as before
        retries = [r for r in caplog.records if "ran out of the run's memory" in r.getMessage()]
        assert len(retries) == len(MEMORY_RETRY_WAITS_S)
        endpoint.detach()
        conn.close()
        endpoint.released()
    finally:
        endpoint.stop()
