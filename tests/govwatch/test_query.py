"""`govwatch query` is read-only and works whether or not another process owns the database."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from govwatch.config import Settings
from govwatch.errors import QueryError
from govwatch.query import check_read_only, endpoint_path, open_query, read_rows
from tests.support.announcements import fill_database

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
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.writer_process", str(settings.db_path)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    yield process
    _stop_writer(process)


def _stop_writer(process: subprocess.Popen[str]) -> None:
    """The writer exits when its stdin closes (safe to call twice)."""
    assert process.stdin is not None
    if not process.stdin.closed:
        process.stdin.close()
    process.wait(timeout=30)


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


def test_endpoint_file_is_removed_when_the_writer_stops(
    settings: Settings, running_writer: subprocess.Popen[str]
) -> None:
    assert endpoint_path(settings.db_path).exists()
    _stop_writer(running_writer)
    assert not endpoint_path(settings.db_path).exists()
    assert read_rows(settings, "select count(*) from announcements")[1] == [(3,)]
