"""The query guards: statements that write, read files, change settings or build huge values are refused,
and the connections they would run on refuse them again."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from govwatch.errors import QueryError
from govwatch.sandbox import (
    QueryLimits,
    _check_remembered,
    check_read_only,
    check_value_builders,
    connect_read_only,
    lock_down,
    time_limit,
)
from tests.support.announcements import fill_database

HOSTILE = [
    "EXPLAIN ANALYZE COPY (select * from read_text('/etc/passwd')) TO 'x.txt'",
    "EXPLAIN ANALYZE SET memory_limit='2MB'",
    "explain analyze (format json) set threads = 1",
    "EXPLAIN ANALYZE INSTALL httpfs",
    "select length(repeat('x', 3000000000))",
    "select len(range(300000000))",
    "select repeat(body_text, 1000) from announcements",
    "select list_resize([1], 1e9::bigint)",
    "select printf('%3000000000d', 1)",
]
GUARDED = [
    "select * from read_text('/etc/passwd')",
    "select * from read_csv('/etc/passwd')",
    "select * from glob('/*')",
    "COPY (select 1) TO 'x.csv'",
    "INSTALL httpfs",
    "SET memory_limit = '2MB'",
    "SET enable_external_access = true",
]


@pytest.mark.parametrize("sql", HOSTILE)
def test_hostile_statements_are_refused_before_they_run(sql: str) -> None:
    with pytest.raises(QueryError, match="refused"):
        check_read_only(sql)


@pytest.mark.parametrize(
    "sql",
    [
        "select lpad(title, 80, ' '), repeat('-', 40) from announcements",
        "select * from range(3000000000)",
        "select range(10), generate_series(1, 5)",
        "explain analyze select count(*) from announcements",
        "describe announcements",
        "summarize announcements",
    ],
)
def test_ordinary_queries_pass(sql: str) -> None:
    assert check_read_only(sql) == sql


@pytest.mark.parametrize("sql", GUARDED)
def test_read_only_connection_refuses_files_extensions_and_settings_on_its_own(
    tmp_path: Path, sql: str
) -> None:
    path = tmp_path / "g.duckdb"
    fill_database(path, 1)
    conn = connect_read_only(path, QueryLimits(memory_limit="256MB"))
    try:
        with pytest.raises(duckdb.Error):
            conn.execute(sql).fetchall()
        assert conn.execute("select current_setting('memory_limit')").fetchone() == ("244.1 MiB",)
        assert conn.execute("select count(*) from announcements").fetchone() == (1,)
    finally:
        conn.close()
    assert not (tmp_path / "x.csv").exists()


def test_locked_down_writer_keeps_writing_but_refuses_settings_and_files(tmp_path: Path) -> None:
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    conn.execute("create table t (id varchar)")
    lock_down(conn)
    query = conn.cursor()
    for sql in GUARDED:
        with pytest.raises(duckdb.Error):
            query.execute(sql).fetchall()
    conn.register("batch", pa.table({"id": ["a", "b"]}))  # what the loader does
    conn.execute("insert into t select id from batch")
    assert conn.execute("select count(*) from t").fetchone() == (2,)
    conn.close()


def test_time_limit_interrupts_a_long_query() -> None:
    conn = duckdb.connect()
    with pytest.raises(QueryError, match="time limit"), time_limit(conn, 0.2):
        conn.execute("select count(*) from range(1000000000000) where range % 7 = 3").fetchall()
    assert conn.execute("select 1").fetchone() == (1,)  # the connection answers the next query


def test_value_builders_with_small_constant_sizes_pass() -> None:
    check_value_builders("select bar(3, 0, 10, 20), rpad('x', 5, '.')")


def test_an_accepted_statement_is_checked_once_and_a_refused_one_every_time() -> None:
    sql = "select id from announcements where id = ? -- checked once"
    before = _check_remembered.cache_info()
    assert check_read_only(sql) == check_read_only(sql) == sql
    after = _check_remembered.cache_info()
    assert after.misses == before.misses + 1 and after.hits == before.hits + 1
    for _ in range(2):
        with pytest.raises(QueryError, match="refused"):
            check_read_only("delete from announcements")
