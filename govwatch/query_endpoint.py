"""The writer's query endpoint: how the process that owns the DuckDB file answers everyone else's queries.

DuckDB lets one process open a file for writing, and while it does no other process can open it at all. So
the writer serves reads on 127.0.0.1, announced in `<db>.query.json` (port, random token, pid; readable by
its owner only). The order of a writer's life closes every gap a query could fall into:

1. **starting** — the endpoint is published *before* the writer takes the lock. Queries that see it wait
   for the writer instead of opening the file, so they neither meet a lock nobody answers for nor keep the
   writer from taking it (a reader's shared lock would).
2. **serving** — the writer's connection is attached: queries run on cursors of their own, behind the
   guards of `govwatch.sandbox`, inside a transaction that is rolled back.
3. **stopping** — no new queries; those under way finish (within their time limit, at most
   `STOP_GRACE_S`) before the writer closes its connection.
4. **released** — the writer has closed the file: queries are told to read it directly. Only then does the
   endpoint go away.

A query that meets states 1 and 3 waits (bounded) for the next; one that finds the endpoint's pid gone knows
the writer is dead rather than busy.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Final

import duckdb

from govwatch.errors import QueryError, SinkError
from govwatch.query_result import ARROW_STREAM, BATCH_ROWS, end_line, error_line, write_arrow_stream
from govwatch.sandbox import QueryLimits, check_read_only, lock_down, time_limit

log = logging.getLogger(__name__)

STARTING: Final = "starting"
SERVING: Final = "serving"
STOPPING: Final = "stopping"
RELEASED: Final = "released"
#: Queries the endpoint runs at once (more wait for a cursor): the machine has few cores.
QUERY_CURSORS: Final = 4
#: How long a stopping writer lets queries under way finish (at most their time limit) before it
#: interrupts them: a service manager kills a process that takes much longer to stop.
STOP_GRACE_S: Final = 30.0
#: Waits before answering again a query that ran out of memory before its first row: the run's memory is
#: shared with the batch it is loading, so running short there is usually over within a batch.
MEMORY_RETRY_WAITS_S: Final = (0.2, 0.5, 1.0, 2.0)


_writer_starting: list[Callable[[Path, float], None]] = []


def on_writer_starting(callback: Callable[[Path, float], None]) -> None:
    """Have `callback(db_path, wait_s)` called once this process has published its endpoint, before it
    opens the file for writing: `govwatch.query_reader` lets go of the file there (DuckDB refuses a
    writer in a process that has the file open read-only)."""
    _writer_starting.append(callback)


@dataclass(frozen=True, slots=True)
class Endpoint:
    """What `<db>.query.json` says: where the writer answers, with which token, and its pid."""

    port: int
    token: str
    pid: int


def endpoint_path(db_path: Path) -> Path:
    return Path(str(db_path) + ".query.json")


def read_endpoint(db_path: Path) -> Endpoint | None:
    """The published endpoint, or None when there is none (or it is half written)."""
    try:
        info = json.loads(endpoint_path(db_path).read_text())
        return Endpoint(port=int(info["port"]), token=str(info["token"]), pid=int(info["pid"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def pid_alive(pid: int) -> bool:
    """True while process `pid` runs (a zombie, dead but not yet reaped, counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


class QueryServer:
    """Serves read-only queries from the process that owns (or is about to own) the DuckDB file.

    `start()` publishes the endpoint, `attach(conn)` begins serving on the writer's connection,
    `detach()` stops taking queries and waits for those under way, `released()` tells queries to read the
    file directly once the writer has closed it, and `stop()` removes the endpoint.
    """

    def __init__(self, db_path: Path, limits: QueryLimits | None = None) -> None:
        self._db_path = db_path
        self._limits = limits or QueryLimits()
        self._endpoint = endpoint_path(db_path)
        self._token = secrets.token_urlsafe(24)
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._state = STARTING
        self._state_lock = threading.Condition()
        self._in_flight = 0
        self._cursors: queue.Queue[duckdb.DuckDBPyConnection] = queue.Queue()
        self._all_cursors: list[duckdb.DuckDBPyConnection] = []

    @property
    def state(self) -> str:
        return self._state

    def start(self) -> QueryServer:
        """Listen on 127.0.0.1 and publish the endpoint (state: starting).

        Raises:
            SinkError: another live govwatch already serves this database.
        """
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="govwatch-query", daemon=True)
        self._thread.start()
        try:
            self._publish(self._httpd.server_address[1])
        except SinkError:
            self._shutdown_http()
            raise
        log.info("query endpoint on 127.0.0.1:%d (%s)", self._httpd.server_address[1], self._state)
        for callback in _writer_starting:
            callback(self._db_path, self._limits.time_limit_s)
        return self

    def _publish(self, port: int) -> None:
        """Claim `<db>.query.json` atomically (a link cannot replace a file), replacing only a dead writer's."""
        self._endpoint.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._endpoint.with_name(f"{self._endpoint.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump({"port": port, "token": self._token, "pid": os.getpid()}, handle)
        try:
            for _attempt in range(3):
                try:
                    os.link(tmp, self._endpoint)
                    return
                except FileExistsError:
                    other = read_endpoint(self._db_path)
                    if other is not None and other.pid != os.getpid() and pid_alive(other.pid):
                        raise SinkError(
                            f"{self._db_path} is in use by another govwatch (pid {other.pid}); stop it, "
                            "or point --db at another file"
                        ) from None
                    self._endpoint.unlink(missing_ok=True)  # a dead writer's, or half written
            raise SinkError(f"cannot publish {self._endpoint}; delete it if no govwatch is running")
        finally:
            tmp.unlink(missing_ok=True)

    def attach(self, conn: duckdb.DuckDBPyConnection) -> None:
        """Serve queries on cursors of the writer's connection, whose configuration is locked first.

        Each cursor gets its own memory bound for query operators before the lock; after it, no query
        can change a setting of the writer's database.
        """
        for _ in range(QUERY_CURSORS):
            cursor = conn.cursor()
            cursor.execute(f"SET operator_memory_limit = '{self._limits.memory_limit}'")
            cursor.execute("SET enable_progress_bar = false")
            self._all_cursors.append(cursor)
            self._cursors.put(cursor)
        lock_down(conn)
        self._set_state(SERVING)

    def detach(self) -> None:
        """Take no new queries and let those under way finish (up to STOP_GRACE_S, then interrupt them)."""
        self._set_state(STOPPING)
        self._close_cursors()

    def pause_if_idle(self) -> bool:
        """Hold new queries back, as while a writer starts, until `attach` serves again (the writer is
        reopening its database). Only when no query is under way: none is cut short for a reopen."""
        with self._state_lock:
            if self._state != SERVING or self._in_flight:
                return False
            self._state = STARTING
        log.debug("query endpoint: paused")
        self._close_cursors()
        return True

    def _close_cursors(self) -> None:
        deadline = time.monotonic() + min(self._limits.time_limit_s, STOP_GRACE_S)
        with self._state_lock:
            while self._in_flight and time.monotonic() < deadline:
                self._state_lock.wait(timeout=0.1)
        for cursor in self._all_cursors:
            cursor.interrupt()  # only when one outlived its time limit
            with contextlib.suppress(duckdb.Error):
                cursor.close()
        self._all_cursors.clear()
        while not self._cursors.empty():
            self._cursors.get_nowait()

    def released(self) -> None:
        """The writer has closed the file: tell queries to read it directly."""
        self._set_state(RELEASED)

    def stop(self) -> None:
        """Remove the endpoint (if still ours) and stop listening; safe to call twice."""
        if self._state == SERVING:
            self.detach()
        with contextlib.suppress(OSError):
            other = read_endpoint(self._db_path)
            if other is not None and other.pid == os.getpid() and other.token == self._token:
                self._endpoint.unlink()
        self._shutdown_http()

    def _shutdown_http(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> QueryServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _set_state(self, state: str) -> None:
        with self._state_lock:
            self._state = state
            self._state_lock.notify_all()
        log.debug("query endpoint: %s", state)

    def _take_cursor(self) -> duckdb.DuckDBPyConnection | None:
        """A cursor to answer on, or None when the endpoint is not serving (the caller says which state)."""
        with self._state_lock:
            if self._state != SERVING:
                return None
            self._in_flight += 1
        try:
            return self._cursors.get(timeout=self._limits.time_limit_s)
        except queue.Empty:
            self._done()
            return None

    def _done(self, cursor: duckdb.DuckDBPyConnection | None = None) -> None:
        if cursor is not None:
            self._cursors.put(cursor)
        with self._state_lock:
            self._in_flight -= 1
            self._state_lock.notify_all()

    def answer(self, handler: BaseHTTPRequestHandler, sql: str, params: list[Any]) -> None:
        cursor = self._take_cursor()
        if cursor is None:
            _reply(handler, 503, {"state": self._state})
            return
        try:
            for wait_s in (*MEMORY_RETRY_WAITS_S, None):
                if _stream_answer(handler, cursor, sql, params, self._limits, may_retry=wait_s is not None):
                    break
                # out of memory before a row was sent: the run's memory is shared with the batch it is
                # loading, which gives it back when done
                log.info("query endpoint: a query ran out of the run's memory; retrying in %gs", wait_s)
                with contextlib.suppress(duckdb.Error):
                    cursor.execute("ROLLBACK")
                time.sleep(wait_s or 0)
        finally:
            with contextlib.suppress(duckdb.Error):  # nothing to undo when the transaction never began
                cursor.execute("ROLLBACK")
            self._done(cursor)


def _stream_answer(
    handler: BaseHTTPRequestHandler,
    cursor: duckdb.DuckDBPyConnection,
    sql: str,
    params: list[Any],
    limits: QueryLimits,
    *,
    may_retry: bool = False,
) -> bool:
    """Answer with the result as an Arrow IPC stream and a closing JSON line (see `govwatch.query_result`).

    Returns False, having answered nothing, when `may_retry` and the query ran out of memory before its
    first row; True once it has answered, with rows or an error.
    """
    started = False
    try:
        with time_limit(cursor, limits.time_limit_s):
            cursor.execute("BEGIN TRANSACTION")
            reader = cursor.sql(sql, params=params or None).to_arrow_reader(BATCH_ROWS)
            handler.send_response(200)
            handler.send_header("Content-Type", ARROW_STREAM)
            handler.end_headers()
            started = True
            write_arrow_stream(handler.wfile, reader)
            handler.wfile.write(end_line())
    except QueryError as exc:
        out_of_memory = _out_of_memory(exc)
        if out_of_memory and not started and may_retry:
            return False
        message = str(exc)
        if out_of_memory:
            # the run answers within its own memory, not a query's: say which setting to raise
            message = (
                f"{message.split(';', 1)[0]}; a running govwatch answers queries within its [duckdb] "
                "memory_limit: narrow the query, or raise that limit"
            )
        if started:
            with contextlib.suppress(OSError):
                handler.wfile.write(error_line(message))
        else:
            _reply(handler, 200, {"error": message})
    except OSError:
        log.debug("query client went away")
    return True


def _out_of_memory(exc: QueryError) -> bool:
    cause = exc.__cause__
    return isinstance(cause, duckdb.OutOfMemoryException) or str(exc).startswith("Out of Memory Error")


def _reply(handler: BaseHTTPRequestHandler, status: int, payload: dict[str, Any]) -> None:
    body = json.dumps(payload).encode("utf-8") + b"\n"
    try:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/x-ndjson")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
    except (BrokenPipeError, ConnectionResetError):
        log.debug("query client went away")


def _handler_for(server: QueryServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("query endpoint: " + format, *args)

        def do_POST(self) -> None:
            if self.headers.get("Authorization") != f"Bearer {server._token}":
                _reply(self, 403, {"error": "bad token"})
                return
            try:
                length = int(self.headers.get("Content-Length", "0"))
                request = json.loads(self.rfile.read(length))
                sql = check_read_only(str(request["sql"]))
                params = list(request.get("params", []))
            except (QueryError, ValueError, KeyError, TypeError) as exc:
                _reply(self, 200, {"error": str(exc)})
                return
            server.answer(self, sql, params)

    return Handler
