"""Export a query result to Parquet, batch by batch, so large results never sit in memory at once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from govwatch.errors import QueryError


def write_parquet(schema: pa.Schema, batches: Iterator[pa.RecordBatch], path: Path) -> int:
    """Write a result's Arrow batches to a Parquet file with DuckDB's own types; returns the row count.

    The schema is the result's, as DuckDB typed it (timestamps stay timestamps, integers integers, a
    column NULL for its first rows keeps its type), never guessed from the values. The file appears
    under its name only once complete: it is written beside it as `<name>.tmp`, removed if anything fails.

    Raises:
        QueryError: the query failed part way, or the file cannot be written.
    """
    tmp = path.with_suffix(path.suffix + ".tmp")
    count = 0
    try:
        with pq.ParquetWriter(tmp, schema) as writer:
            for batch in batches:
                writer.write_batch(batch)
                count += batch.num_rows
    except QueryError:
        tmp.unlink(missing_ok=True)
        raise
    except (pa.ArrowException, duckdb.Error, OSError) as exc:
        tmp.unlink(missing_ok=True)
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise QueryError(f"cannot write {path} after {count} rows: {reason}") from exc
    tmp.replace(path)
    return count
