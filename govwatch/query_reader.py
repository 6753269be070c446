"""A read-only connection a long-lived reader (the web page) keeps open while no writer wants the file.

Opening a DuckDB file costs ~20 ms, and a freshly opened database starts with empty caches: on a store of
100k announcements a page read through a new connection costs several times what the same read costs on
one that stays open. But an open read-only connection holds DuckDB's shared lock on the file, and no writer
can take the file while any reader holds it. So a `SharedReader` keeps its connection only while that
keeps nobody out:

- a govwatch writer publishes its query endpoint before it takes the file (`govwatch.query_endpoint`); a
  watcher thread sees it within `WATCH_INTERVAL_S` and lets go (reads under way finish first, within their
  time limit, as the writer expects). A writer in this same process lets go at once
  (`release_for_writer`);
- after `idle_s` without a read it lets go too, so a program that announces nothing (DuckDB's own CLI
  opening the file to write) waits at most that long after the last read;
- while it holds the file no other process can write it (the lock), so nothing it reads is stale. A file
  replaced under it (another inode, size or modification time) is opened afresh at the next read.

Each read runs on a cursor of its own (its own DuckDB connection to the shared database), so the time limit
interrupts that read only. Reads of processes that keep nothing open (`govwatch query`) do not use this.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import duckdb

from govwatch.query_endpoint import on_writer_starting, pid_alive, read_endpoint
from govwatch.sandbox import QueryLimits, connect_read_only

log = logging.getLogger(__name__)

#: How often the watcher looks for a writer's endpoint (and for idleness).
WATCH_INTERVAL_S: Final = 0.05
#: Seconds without a read after which the file is let go.
IDLE_RELEASE_S: Final = 2.0

_FileIdentity = tuple[int, int, int, int]
_current: ContextVar[SharedReader | None] = ContextVar("govwatch_shared_reader", default=None)
_readers: weakref.WeakSet[SharedReader] = weakref.WeakSet()
_readers_lock = threading.Lock()
_exiting = threading.Event()


def _identity(path: Path) -> _FileIdentity | None:
    """What tells one state of the file from another: device, inode, size, modification time."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)


def _writer_announced(path: Path) -> bool:
    """True when a live govwatch has published its query endpoint for `path` (it wants, or has, the file)."""
    endpoint = read_endpoint(path)
    return endpoint is not None and pid_alive(endpoint.pid)


@dataclass(slots=True, kw_only=True)
class _Held:
    """The open connection, what the file looked like when it was opened, and who is reading on it."""

    conn: duckdb.DuckDBPyConnection
    identity: _FileIdentity | None
    memory_limit: str
    users: int = 0
    last_used: float = field(default_factory=time.monotonic)


class SharedReader:
    """Keeps one read-only connection to `path` open between reads, and lets go when a writer wants it.

    Args:
        path: the database file.
        idle_s: let go after this many seconds without a read; 0 lets go after every read (each read
            opens the file, as a process that keeps nothing open does).
    """

    def __init__(self, path: Path, *, idle_s: float = IDLE_RELEASE_S) -> None:
        self.path = Path(path)
        self.idle_s = idle_s
        self._lock = threading.Condition()
        self._held: _Held | None = None
        self._retired: list[_Held] = []
        self._watcher: threading.Thread | None = None
        self.opened = 0  # connections opened so far (what reuse saves is visible in tests and benches)
        with _readers_lock:
            _readers.add(self)

    @property
    def holding(self) -> bool:
        """True while a connection is open (the file's shared lock is held)."""
        with self._lock:
            return self._held is not None or bool(self._retired)

    @contextmanager
    def cursor(self, limits: QueryLimits) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on the kept connection (opened now when none is kept, or the file changed).

        Raises:
            duckdb.Error: the file cannot be opened (locked by a writer, missing, not a database).
        """
        with self._lock:
            held = self._held
            if held is not None and (
                held.identity != _identity(self.path) or held.memory_limit != limits.memory_limit
            ):
                self._retire()
                held = None
            if held is None:
                conn = connect_read_only(self.path, limits)
                # While a let-go connection still serves a read, DuckDB hands this process that same
                # database again: keep this one for no longer than the next read (no identity matches).
                identity = None if self._retired else _identity(self.path)
                held = _Held(conn=conn, identity=identity, memory_limit=limits.memory_limit)
                self._held = held
                self.opened += 1
                self._watch()
            held.users += 1
            try:
                cursor = held.conn.cursor()
            except duckdb.Error:
                self._finish(held)
                raise
        try:
            yield cursor
        finally:
            with contextlib.suppress(duckdb.Error):
                cursor.close()
            with self._lock:
                self._finish(held)

    def release(self, wait_s: float = 0.0) -> bool:
        """Let go of the file: close the connection once the reads under way end (waiting up to `wait_s`).

        Returns:
            True when no connection is open any more.
        """
        deadline = time.monotonic() + wait_s
        with self._lock:
            self._retire()
            while self._retired and time.monotonic() < deadline:
                self._lock.wait(timeout=min(0.05, max(0.0, deadline - time.monotonic())))
            return not self._retired

    def close(self) -> None:
        """Let go of the file now; later reads open it again."""
        self.release()

    # --- under self._lock ---------------------------------------------------------------------------

    def _finish(self, held: _Held) -> None:
        held.users -= 1
        held.last_used = time.monotonic()
        if held.users == 0 and held is self._held and self.idle_s <= 0:
            self._retire()
        elif held.users == 0 and held is not self._held:
            self._close(held)

    def _retire(self) -> None:
        held, self._held = self._held, None
        if held is None:
            return
        if held.users == 0:
            self._close(held)
        else:
            self._retired.append(held)  # closed by the last read on it

    def _close(self, held: _Held) -> None:
        with contextlib.suppress(duckdb.Error):
            held.conn.close()
        if held in self._retired:
            self._retired.remove(held)
        log.debug("let go of %s", self.path)
        self._lock.notify_all()

    def _watch(self) -> None:
        if self._watcher is None or not self._watcher.is_alive():
            self._watcher = threading.Thread(target=self._run_watcher, name="govwatch-reader", daemon=True)
            self._watcher.start()

    def _run_watcher(self) -> None:
        """Let go when a writer announces itself, the file changes or nobody read for `idle_s`; end then."""
        while not _exiting.wait(WATCH_INTERVAL_S):
            announced = _writer_announced(self.path)
            identity = _identity(self.path)
            with self._lock:
                held = self._held
                if held is None:
                    if not self._retired:
                        self._watcher = None
                        return
                    continue
                idle = held.users == 0 and time.monotonic() - held.last_used >= self.idle_s
                if announced or idle or identity != held.identity:
                    log.debug(
                        "letting go of %s (%s)",
                        self.path,
                        "a writer announced itself" if announced else "idle" if idle else "file changed",
                    )
                    self._retire()


def release_for_writer(path: Path, wait_s: float) -> None:
    """Let every reader of this process go of `path` before this process opens it for writing.

    DuckDB refuses to open a file for writing in a process that has it open read-only, so the writer's
    start waits (up to `wait_s`) for the reads under way to end. Called by `QueryServer.start`.
    """
    with _readers_lock:
        readers = [reader for reader in _readers if reader.path.resolve() == Path(path).resolve()]
    for reader in readers:
        if not reader.release(wait_s):
            log.warning("a read of %s still runs after %.0fs", path, wait_s)


def current_reader() -> SharedReader | None:
    """The SharedReader the reads of the current request go through, if the caller set one."""
    return _current.get()


@contextmanager
def reading_through(reader: SharedReader | None) -> Iterator[None]:
    """Make the direct reads in this context go through `reader` (a context variable: threads that copy
    the context, as Starlette's thread pool does, inherit it)."""
    token = _current.set(reader)
    try:
        yield
    finally:
        _current.reset(token)


def _release_all() -> None:
    """At exit, close every kept connection while the interpreter still runs: a DuckDB connection left to
    the interpreter's teardown (its watcher thread stopped mid-call) aborts the process."""
    _exiting.set()
    with _readers_lock:
        readers = list(_readers)
    for reader in readers:
        reader.release()
        watcher = reader._watcher
        if watcher is not None:
            watcher.join(timeout=1.0)


on_writer_starting(release_for_writer)
atexit.register(_release_all)
