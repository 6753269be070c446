"""A query's result as it travels: Arrow record batches, turned into JSON-ready rows only at the edge.

Both read paths yield the same thing: DuckDB's record batches, read straight from the file or streamed in
Arrow's IPC format from the writer's endpoint (a stream of batches, then one JSON line: `{"end": true}` or
`{"error": ...}`). Rows are built from the batches column by column, converting only the types JSON lacks.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Final

import pyarrow as pa

from govwatch.errors import QueryError

#: Rows per record batch: big enough to amortise per-batch costs, small enough to stream.
BATCH_ROWS: Final = 20_000
ARROW_STREAM: Final = "application/vnd.apache.arrow.stream"


def json_value(value: Any) -> Any:
    """A DuckDB value as JSON: timestamps as ISO 8601, decimals as numbers, JSON columns parsed."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    return value


def _plain(arrow_type: pa.DataType) -> bool:
    """True when Arrow's Python values of this type are JSON-ready already."""
    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type):
        return _plain(arrow_type.value_type)
    return bool(
        pa.types.is_null(arrow_type)
        or pa.types.is_boolean(arrow_type)
        or pa.types.is_integer(arrow_type)
        or pa.types.is_floating(arrow_type)
        or pa.types.is_string(arrow_type)
        or pa.types.is_large_string(arrow_type)
        or pa.types.is_string_view(arrow_type)
    )


def _column_values(column: pa.Array) -> list[Any]:
    values: list[Any] = column.to_pylist()
    if _plain(column.type):
        return values
    return [json_value(v) for v in values]


def rows_from_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[list[Any]]:
    """JSON-ready rows of record batches, one batch in memory at a time."""
    for batch in batches:
        columns = [_column_values(column) for column in batch.columns]
        for row in zip(*columns, strict=True):
            yield list(row)


@dataclass(slots=True)
class QueryResult:
    """Column names and a lazy stream of the result, as Arrow batches or as JSON-ready rows.

    Read one of `batches` and `rows`, once: they share the stream, so large results never sit in memory.
    """

    schema: pa.Schema
    batches: Iterator[pa.RecordBatch]
    rows: Iterator[list[Any]] = field(init=False)

    def __post_init__(self) -> None:
        self.rows = rows_from_batches(self.batches)

    @property
    def columns(self) -> list[str]:
        return list(self.schema.names)


def write_arrow_stream(sink: io.BufferedIOBase | BinaryIO, reader: pa.RecordBatchReader) -> None:
    """Write a result as an Arrow IPC stream, closed (end-of-stream marker) even when the reader fails.

    The endpoint follows it with one JSON line: `end_line()`, or `error_line(...)` when the reader failed.
    """
    writer = pa.ipc.new_stream(sink, reader.schema)
    try:
        for batch in reader:
            writer.write_batch(batch)
    finally:
        writer.close()


def end_line() -> bytes:
    return b'{"end": true}\n'


def error_line(message: str) -> bytes:
    return json.dumps({"error": message}).encode("utf-8") + b"\n"


class _ByteStream(io.RawIOBase):
    """A readable file over an iterator of byte chunks (an HTTP body), reading no further than asked."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        while not self._buffer:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._buffer = chunk
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


def read_arrow_answer(chunks: Iterator[bytes]) -> QueryResult:
    """The result in an endpoint's answer (see `write_arrow_stream`).

    Raises:
        QueryError: the stream is not Arrow, or the answer ends with an error or before its closing line.
    """
    body = io.BufferedReader(_ByteStream(chunks), buffer_size=1 << 16)  # read(n) returns n bytes, or EOF
    try:
        reader = pa.ipc.open_stream(body)
    except pa.ArrowInvalid as exc:
        raise QueryError(f"the query endpoint sent no readable result ({exc})") from exc

    def batches() -> Iterator[pa.RecordBatch]:
        try:
            yield from reader
        except (pa.ArrowInvalid, OSError) as exc:
            raise QueryError("the query endpoint closed the connection before the end of the result") from exc
        closing = body.read().decode("utf-8", "replace").strip()
        try:
            status = json.loads(closing) if closing else {}
        except ValueError:
            status = {}
        if "error" in status:
            raise QueryError(str(status["error"]))
        if not status.get("end"):
            raise QueryError("the query endpoint closed the connection before the end of the result")

    return QueryResult(reader.schema, batches())
