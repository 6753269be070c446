"""Export a query result to Parquet, batch by batch, so large results never sit in memory at once."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

BATCH_ROWS = 10_000


def write_parquet(columns: list[str], rows: Iterator[list[Any]], path: Path) -> int:
    """Write rows to a Parquet file (types inferred from the first batch); returns the row count."""
    writer: pq.ParquetWriter | None = None
    count = 0
    tmp = path.with_suffix(path.suffix + ".tmp")
    try:
        while True:
            chunk = list(islice(rows, BATCH_ROWS))
            if not chunk:
                break
            table = pa.Table.from_pylist([dict(zip(columns, row, strict=True)) for row in chunk])
            if writer is None:
                writer = pq.ParquetWriter(tmp, table.schema)
            else:
                table = table.cast(writer.schema)
            writer.write_table(table)
            count += len(chunk)
        if writer is None:
            pq.write_table(pa.table({c: pa.array([], pa.string()) for c in columns}), tmp)
    finally:
        if writer is not None:
            writer.close()
    tmp.replace(path)
    return count
