"""The run's one DuckDB database: shared by the run's threads, and reopened now and then to give memory back.

A DuckDB database keeps some of its memory for as long as it is open. Every temporary buffer a join or an
aggregation uses leaves a record in DuckDB's eviction queues, and a queue is cleared only once it holds
32,768 of them; the blocks it read stay cached up to `memory_limit`. A long `govwatch run` grew by 1–2 MB a
minute that way (`python -m bench.bench_memory`), and closing the database gives all of it back (after
`malloc_trim`, since glibc keeps freed pages otherwise).

So the writer thread, between two batches, closes the database and opens it again every
`[duckdb] reopen_every_s`. Every other thread uses the database only through `cursor()`, a cursor for the
length of one `with` block, during which it is never reopened. The query endpoint is paused meanwhile: its
queries wait, as they do while a run starts, rather than reading the file the writer has let go of.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import threading
import time
from collections.abc import Callable, Iterator

import duckdb

log = logging.getLogger(__name__)

#: How long the writer waits for the other threads' cursors before it puts a due reopen off to its next
#: batch. Loading stops while it waits, so the wait is short; a reopen that does not happen costs nothing.
REOPEN_WAIT_S = 1.0


class SharedLock:
    """Many holders in shared mode, or one in exclusive mode; a waiting exclusive holder goes first.

    Exclusive acquisition has a deadline, so a thread that takes a shared hold twice (and would wait
    behind a waiting exclusive holder) delays it by that deadline at most, and never deadlocks.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._shared = 0
        self._exclusive = False
        self._waiting = 0

    @contextlib.contextmanager
    def shared(self) -> Iterator[None]:
        with self._cond:
            while self._exclusive or self._waiting:
                self._cond.wait()
            self._shared += 1
        try:
            yield
        finally:
            with self._cond:
                self._shared -= 1
                self._cond.notify_all()

    def acquire_exclusive(self, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        with self._cond:
            self._waiting += 1
            try:
                while self._shared or self._exclusive:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return False
                    self._cond.wait(remaining)
                self._exclusive = True
                return True
            finally:
                self._waiting -= 1
                self._cond.notify_all()

    def release_exclusive(self) -> None:
        with self._cond:
            self._exclusive = False
            self._cond.notify_all()


def _load_malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None  # type: ignore[no-any-return]
    except (OSError, AttributeError):  # a C library that is not glibc
        return None


_MALLOC_TRIM = _load_malloc_trim()


def give_back_freed_memory() -> None:
    """Return the C heap's free pages to the system (glibc keeps them for reuse otherwise)."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


class RunDatabase:
    """The DuckDB database of a run: `conn` for the writer thread, `cursor()` for every other one.

    Args:
        conn: the open connection (from `connect_writer`).
        reopen: opens the database again; None keeps `conn` for the database's whole life.
        reopen_every_s: how long the database stays open before the writer reopens it.
    """

    def __init__(
        self,
        conn: duckdb.DuckDBPyConnection,
        *,
        reopen: Callable[[], duckdb.DuckDBPyConnection] | None = None,
        reopen_every_s: float = 0.0,
    ) -> None:
        self.conn = conn
        self._reopen = reopen
        self._reopen_every_s = reopen_every_s
        self._opened_at = time.monotonic()
        self._lock = SharedLock()
        self._closing: list[Callable[[], bool]] = []
        self._opened: list[Callable[[duckdb.DuckDBPyConnection], None]] = []
        self.reopened = 0

    def around_reopen(
        self, closing: Callable[[], bool], opened: Callable[[duckdb.DuckDBPyConnection], None]
    ) -> None:
        """Call `closing()` before the database closes for a reopen (False puts the reopen off) and
        `opened(conn)` once it is open again."""
        self._closing.append(closing)
        self._opened.append(opened)

    @contextlib.contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own for one thread, good until the block ends (no reopen happens meanwhile)."""
        with self._lock.shared():
            cursor = self.conn.cursor()
            try:
                yield cursor
            finally:
                cursor.close()

    def reopen_if_due(self) -> bool:
        """Close and open the database again if it has been open `reopen_every_s`; writer thread only.

        Returns True when it was reopened. Put off (False) while another thread holds a cursor for longer
        than `REOPEN_WAIT_S`, or a `closing` callback says not now.
        """
        if (
            self._reopen is None
            or self._reopen_every_s <= 0
            or time.monotonic() - self._opened_at < self._reopen_every_s
        ):
            return False
        if not self._lock.acquire_exclusive(REOPEN_WAIT_S):
            log.debug("database reopen put off: a cursor is in use")
            return False
        try:
            started = time.monotonic()
            if not self._closing_all():
                return False
            self.conn.close()
            give_back_freed_memory()
            self.conn = self._reopen()
            for opened in self._opened:
                opened(self.conn)
            self._opened_at = time.monotonic()
            self.reopened += 1
            log.info("database reopened to give memory back (%.2fs)", self._opened_at - started)
            return True
        finally:
            self._lock.release_exclusive()

    def _closing_all(self) -> bool:
        for done, closing in enumerate(self._closing):
            if not closing():
                for opened in self._opened[:done]:
                    opened(self.conn)  # serve again on the database as it is
                log.debug("database reopen put off: a query is under way")
                return False
        return True

    def close(self) -> None:
        self.conn.close()
