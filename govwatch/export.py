"""Export a query result to Parquet, batch by batch, so large results never sit in memory at once."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from govwatch.errors import QueryError

BATCH_ROWS = 10_000


def write_parquet(columns: list[str], rows: Iterator[list[Any]], path: Path) -> int:
    """Write rows to a Parquet file (types inferred from the first batch); returns the row count.

    The file appears under its name only once complete: it is written beside it as `<name>.tmp`, which
    is removed if anything fails.

    Raises:
        QueryError: a later batch does not fit the types of the first (a column NULL throughout the
            first batch, or of mixed types), or the file cannot be written.
    """
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
    except (pa.ArrowException, OSError) as exc:
        if writer is not None:
            writer.close()
            writer = None
        tmp.unlink(missing_ok=True)
        raise QueryError(
            f"cannot write {path} after {count} rows: {exc}; give the column a type in the SQL "
            "(e.g. CAST(col AS VARCHAR)) or export with --format csv"
        ) from exc
    finally:
        if writer is not None:
            writer.close()
    tmp.replace(path)
    return count
