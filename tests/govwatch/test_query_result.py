"""Results as Arrow batches: the endpoint's stream reads back as the rows a direct read gives, and an
answer cut short or ending in an error is an error, never a silently shorter result."""

from __future__ import annotations

import io

import duckdb
import pytest

from govwatch.errors import QueryError
from govwatch.query_result import QueryResult, end_line, error_line, read_arrow_answer, write_arrow_stream

SQL = (
    "select range as id, 'x' || range as title, TIMESTAMPTZ '2025-07-21 10:00:00+00' as at, "
    "['ai', 'compute'] as topics, 1.5::decimal(5, 2) as amount, {'a': 1} as facts, "
    "'a3bb189e-8bf9-3888-9912-ace4e6543002'::uuid as u, 'ab'::blob as raw from range(5000)"
)


def _answer(trailer: bytes) -> bytes:
    sink = io.BytesIO()
    write_arrow_stream(sink, duckdb.connect().sql(SQL).to_arrow_reader(2_000))
    return sink.getvalue() + trailer


def _chunks(data: bytes, size: int = 7000) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def test_endpoint_stream_reads_back_as_the_direct_rows() -> None:
    reader = duckdb.connect().sql(SQL).to_arrow_reader(2_000)
    direct = QueryResult(reader.schema, iter(reader))
    remote = read_arrow_answer(iter(_chunks(_answer(end_line()))))
    assert remote.columns == direct.columns == ["id", "title", "at", "topics", "amount", "facts", "u", "raw"]
    rows = list(remote.rows)
    assert rows == list(direct.rows)
    assert len(rows) == 5000
    assert rows[1] == [
        1,
        "x1",
        "2025-07-21T10:00:00+00:00",
        ["ai", "compute"],
        1.5,
        {"a": 1},
        "a3bb189e-8bf9-3888-9912-ace4e6543002",
        "6162",
    ]


def test_answer_ending_in_an_error_raises_it() -> None:
    result = read_arrow_answer(iter(_chunks(_answer(error_line("the query was stopped after 1s")))))
    with pytest.raises(QueryError, match="stopped after 1s"):
        list(result.rows)


@pytest.mark.parametrize("cut", [0.5, 1.0])
def test_answer_cut_short_is_an_error(cut: float) -> None:
    data = _answer(end_line())
    data = data[: int(len(data) * cut) - (0 if cut < 1 else len(end_line()))]
    result = read_arrow_answer(iter(_chunks(data)))
    with pytest.raises(QueryError, match="before the end of the result"):
        list(result.rows)
