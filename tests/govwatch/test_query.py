"""`govwatch query` is read-only, runs behind the guards, and works whatever state another process that
owns the database is in."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from govwatch.config import Settings
from govwatch.errors import QueryError
from govwatch.query import check_read_only, endpoint_path, open_query, read_rows
from tests.support.announcements import fill_database
from tests.support.database import HOSTILE_QUERIES, held_by_another_program
from tests.support.writer_process import start_writer, stop_writer, tell

ROOT = Path(__file__).resolve().parents[2]


def _fill(settings: Settings, n: int = 3) -> None:
    fill_database(settings.db_path, n)


@pytest.mark.parametrize(
    "sql",
    [
        "delete from announcements",
        "drop view announcements",
        "insert into topic_rows values ('a', 1, 'x')",
        "copy announcements to '/tmp/x.csv'",
        "attach 'other.db'",
        "set threads = 1",
        "create table x(a int)",
        "select 1; delete from announcements",
        "pragma version",
        "call pragma_version()",
    ],
)
def test_write_and_side_effect_statements_are_refused(sql: str) -> None:
    with pytest.raises(QueryError):
        check_read_only(sql)


def test_select_reads_rows_directly(settings: Settings) -> None:
    _fill(settings)
    columns, rows = read_rows(settings, "select id from announcements order by id")
    assert columns == ["id"]
    assert rows == [("doc-0",), ("doc-1",), ("doc-2",)]


def test_bad_sql_is_a_query_error(settings: Settings) -> None:
    _fill(settings)
    with pytest.raises(QueryError, match=r"no_such_table|does not exist"):
        read_rows(settings, "select * from no_such_table")


def test_missing_database_says_what_to_do(settings: Settings) -> None:
    with pytest.raises(QueryError, match="govwatch demo"):
        read_rows(settings, "select 1")


@pytest.fixture
def running_writer(settings: Settings) -> Iterator[subprocess.Popen[str]]:
    process = start_writer(settings.db_path)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    yield process
    stop_writer(process)


def test_query_while_another_process_writes_goes_through_its_endpoint(
    settings: Settings, running_writer: subprocess.Popen[str]
) -> None:
    assert endpoint_path(settings.db_path).exists()
    columns, rows = read_rows(settings, "select count(*) as n from announcements")
    assert columns == ["n"] and rows == [(3,)]


def test_query_endpoint_refuses_writes_too(settings: Settings, running_writer: subprocess.Popen[str]) -> None:
    with pytest.raises(QueryError, match="refused"):
        read_rows(settings, "delete from announcement_versions")
    assert read_rows(settings, "select count(*) from announcement_versions")[1] == [(3,)]


def test_query_endpoint_streams_large_results(
    settings: Settings, running_writer: subprocess.Popen[str]
) -> None:
    with open_query(settings, "select range as n from range(50000)") as result:
        total = sum(1 for _ in result.rows)
    assert total == 50000


def test_parquet_through_the_endpoint_keeps_duckdb_types(
    settings: Settings, running_writer: subprocess.Popen[str], tmp_path: Path
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from govwatch.export import write_parquet

    out = tmp_path / "through-endpoint.parquet"
    sql = "select id, version, published_at, case when version > 1 then 'x' end as later from announcements"
    with open_query(settings, sql) as result:
        assert write_parquet(result.schema, result.batches, out) == 3
    schema = pq.read_schema(out)
    assert schema.field("version").type == pa.int32()
    assert pa.types.is_timestamp(schema.field("published_at").type)
    assert schema.field("later").type == pa.string()


def test_endpoint_file_is_removed_when_the_writer_stops(
    settings: Settings, running_writer: subprocess.Popen[str]
) -> None:
    assert endpoint_path(settings.db_path).exists()
    stop_writer(running_writer)
    assert not endpoint_path(settings.db_path).exists()
    assert read_rows(settings, "select count(*) from announcements")[1] == [(3,)]


HOSTILE = HOSTILE_QUERIES


@pytest.mark.parametrize("sql", HOSTILE)
def test_hostile_queries_are_refused_directly(settings: Settings, sql: str) -> None:
    _fill(settings)
    with pytest.raises(QueryError, match="refused"):
        read_rows(settings, sql)


def test_hostile_queries_through_the_endpoint_leave_the_writer_storing(
    settings: Settings, running_writer: subprocess.Popen[str], tmp_path: Path
) -> None:
    setting = "select current_setting('memory_limit'), current_setting('enable_external_access')"
    before = read_rows(settings, setting)[1]
    for number, sql in enumerate(HOSTILE, start=1):
        with pytest.raises(QueryError, match="refused"):
            read_rows(settings, sql)
        tell(running_writer, "store 1", "stored")  # the writer's own connection still works
        assert read_rows(settings, "select count(*) from announcements")[1] == [(3 + number,)]
    assert read_rows(settings, setting)[1] == before == [(before[0][0], False)]
    per_query = read_rows(settings, "select current_setting('operator_memory_limit')")[1]
    assert per_query == [("1.8 GiB",)]  # the default [query] memory_limit of 2GB, for this query alone
    assert not (tmp_path / "x.txt").exists() and not (ROOT / "x.txt").exists()


def test_endpoint_interrupts_a_query_past_its_time_limit_and_answers_the_next(settings: Settings) -> None:
    process = start_writer(settings.db_path, "--time-limit", "0.3")
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        with pytest.raises(QueryError, match="time limit"):
            read_rows(settings, "select count(*) from range(1000000000000) where range % 7 = 3")
        assert read_rows(settings, "select count(*) from announcements")[1] == [(3,)]
    finally:
        stop_writer(process)


def test_direct_query_past_its_time_limit_is_interrupted(settings: Settings) -> None:
    _fill(settings)
    quick = replace(settings, query=replace(settings.query, time_limit_s=0.3))
    with pytest.raises(QueryError, match="time limit"):
        read_rows(quick, "select count(*) from range(1000000000000) where range % 7 = 3")


def test_query_meeting_a_starting_writer_waits_for_it_instead_of_reading_under_it(settings: Settings) -> None:
    _fill(settings, 1)
    process = start_writer(settings.db_path, "--hold")  # published its endpoint, has not taken the file yet
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "published"
        answers: list[object] = []
        client = threading.Thread(
            target=lambda: answers.append(read_rows(settings, "select count(*) from announcements")[1])
        )
        client.start()
        client.join(timeout=0.5)
        assert client.is_alive(), "the query did not read the file the writer is about to take"
        tell(process, "open", "ready")
        client.join(timeout=30)
        assert answers == [[(4,)]]  # answered by the writer, after it stored its 3
    finally:
        stop_writer(process)


def _dead_pid() -> int:
    probe = subprocess.Popen([sys.executable, "-c", "pass"])
    probe.wait()
    return probe.pid


def _stale_endpoint(settings: Settings) -> None:
    endpoint_path(settings.db_path).write_text(json.dumps({"port": 9, "token": "t", "pid": _dead_pid()}))


def test_stale_endpoint_of_a_dead_writer_is_ignored_when_the_file_is_free(settings: Settings) -> None:
    _fill(settings)
    _stale_endpoint(settings)
    assert read_rows(settings, "select count(*) from announcements")[1] == [(3,)]


@pytest.fixture
def foreign_lock(settings: Settings) -> Iterator[None]:
    """Another program (not govwatch) holding the database open for writing."""
    _fill(settings)
    with held_by_another_program(settings.db_path):
        yield


def test_locked_file_whose_writer_is_gone_says_so(settings: Settings, foreign_lock: None) -> None:
    _stale_endpoint(settings)
    with pytest.raises(QueryError, match=r"pid \d+\) is gone"):
        read_rows(settings, "select 1")


def test_lock_held_past_the_wait_says_the_wait_ran_out(settings: Settings, foreign_lock: None) -> None:
    brief = replace(settings, query=replace(settings.query, wait_s=0.5))
    with pytest.raises(QueryError, match=r"did not become readable within 0\.5s"):
        read_rows(brief, "select 1")


def test_endpoint_that_no_longer_answers_does_not_hide_a_free_file(settings: Settings) -> None:
    """A live pid behind an endpoint nobody listens on (a writer that has just stopped, or a reused pid)."""
    _fill(settings)
    bystander = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE
    )
    try:
        endpoint_path(settings.db_path).write_text(
            json.dumps({"port": 9, "token": "t", "pid": bystander.pid})
        )
        assert read_rows(settings, "select count(*) from announcements")[1] == [(3,)]
    finally:
        stop_writer(bystander)
