"""The DuckDB writer thread: commits decoded batches in order while the consumers poll the next ones."""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Callable
from typing import Any

from govwatch.store.batches import DecodedBatch, commit_batch
from govwatch.store.database import RunDatabase
from govwatch.store.records import BatchHandler

WRITER_QUEUE_DEPTH = 2
IDLE_CHECK_S = 1.0  # how often an idle writer sees whether its database is due to be reopened
#: Python's thread switch interval while a `BatchWriter` runs (the default is 5 ms). DuckDB's Python API
#: takes the GIL back now and then while a statement runs (to check for Ctrl-C); each time, the writer
#: waits for the polling thread to yield it, up to a whole interval. Measured with `make bench`: ~10%
#: more messages/s through the loader; the interval is process-wide and harmless elsewhere.
WRITER_SWITCH_INTERVAL_S = 0.0005


class BatchWriter:
    """Commits decoded batches in order on a thread of its own, while the caller polls the next batch.

    DuckDB releases the GIL while it inserts, so polling and decoding (Python) overlap with storing
    (C++). Batches are committed strictly in submission order on one connection; the first error
    stops the writer and is raised to the caller on its next `submit` or `wait`. Between two batches the
    writer reopens the database when it is due (`RunDatabase.reopen_if_due`).
    """

    def __init__(self, db: RunDatabase, *, depth: int = WRITER_QUEUE_DEPTH) -> None:
        self.db = db
        sys.setswitchinterval(min(sys.getswitchinterval(), WRITER_SWITCH_INTERVAL_S))
        self._queue: queue.Queue[
            tuple[BatchHandler, DecodedBatch, Callable[..., None] | None, Callable[[int, int], None]] | None
        ] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="govwatch-duckdb-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            try:
                job = self._queue.get(timeout=IDLE_CHECK_S)
            except queue.Empty:
                # An idle run still answers queries and delivers alerts, and their statements hold memory
                # too: the reopen is due whether or not batches come.
                if self._error is None:
                    try:
                        self.db.reopen_if_due()
                    except BaseException as exc:
                        self._error = exc
                continue
            try:
                if job is None:
                    return
                if self._error is None:
                    handler, decoded, on_deadletter, done = job
                    try:
                        done(*commit_batch(self.db.conn, handler, decoded, on_deadletter=on_deadletter))
                        self.db.reopen_if_due()  # between two batches: nothing of this thread is open
                    except BaseException as exc:  # handed to the polling thread, which stops the run
                        self._error = exc
            finally:
                self._queue.task_done()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def submit(
        self,
        handler: BatchHandler,
        decoded: DecodedBatch,
        *,
        on_deadletter: Callable[[dict[str, Any]], None] | None = None,
        done: Callable[[int, int], None] = lambda _handled, _new_dead: None,
    ) -> None:
        self._raise()
        self._queue.put((handler, decoded, on_deadletter, done))

    def wait(self) -> None:
        """Block until every submitted batch is committed (or raise the writer's error)."""
        self._queue.join()
        self._raise()

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=60)
