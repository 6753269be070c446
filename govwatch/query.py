"""Read-only SQL over the DuckDB file, whether or not a `govwatch run` is writing to it.

DuckDB lets one process open a file for writing, and while it does no other process can open it at all
(not even read-only). So the process that writes — `govwatch run` — also serves reads: it publishes a small
endpoint file beside the database (`<db>.query.json`: loopback port, random token, pid) and answers queries
on its own connection. `govwatch query` opens the file read-only when it can, and otherwise sends the
statement to that endpoint. The user never sees a lock error, and no retry loop hopes for a gap between
batches. Every statement is checked to be a query (SELECT/EXPLAIN) before it runs, and on the direct path
DuckDB's own read-only mode enforces it again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import json
import logging
import os
import secrets
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import duckdb
import httpx

from govwatch.config import Settings
from govwatch.errors import QueryError

log = logging.getLogger(__name__)

FETCH_ROWS = 2000
QUERY_TIMEOUT_S = 300.0
_ALLOWED = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}


def endpoint_path(db_path: Path) -> Path:
    return Path(str(db_path) + ".query.json")


def check_read_only(sql: str) -> str:
    """Return the single statement in `sql`, refusing anything that is not a query.

    >>> check_read_only("select 1")
    'select 1'
    >>> check_read_only("delete from announcements")
    Traceback (most recent call last):
    ...
    govwatch.errors.QueryError: refused: DELETE statements change data; govwatch query runs read-only queries (SELECT, WITH, EXPLAIN, DESCRIBE, SHOW, SUMMARIZE)
    """
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(f"SQL does not parse: {str(exc).splitlines()[0]}") from exc
    if not statements:
        raise QueryError("no SQL statement given")
    if len(statements) > 1:
        raise QueryError(f"one statement at a time, please (found {len(statements)})")
    statement = statements[0]
    if statement.type not in _ALLOWED:
        kind = str(statement.type).rsplit(".", 1)[-1]
        raise QueryError(
            f"refused: {kind} statements change data; govwatch query runs read-only queries "
            "(SELECT, WITH, EXPLAIN, DESCRIBE, SHOW, SUMMARIZE)"
        )
    return sql.strip().rstrip(";")


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


@dataclass(slots=True)
class QueryResult:
    """Column names and a lazy stream of rows (so large results never sit in memory at once)."""

    columns: list[str]
    rows: Iterator[list[Any]]


def _stream_cursor(cursor: duckdb.DuckDBPyConnection) -> Iterator[list[Any]]:
    while True:
        chunk = cursor.fetchmany(FETCH_ROWS)
        if not chunk:
            return
        for row in chunk:
            yield [json_value(v) for v in row]


def _execute(conn: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any]) -> QueryResult:
    try:
        cursor = conn.execute(sql, list(params))
    except duckdb.Error as exc:
        raise QueryError(str(exc).splitlines()[0]) from exc
    columns = [d[0] for d in cursor.description or []]
    return QueryResult(columns, _stream_cursor(cursor))


def _is_lock_error(exc: duckdb.Error) -> bool:
    return "lock" in str(exc).lower()


@contextmanager
def open_query(settings: Settings, sql: str, params: Sequence[Any] = ()) -> Iterator[QueryResult]:
    """Run a read-only query and yield its streamed result; works beside a running writer.

    Raises:
        QueryError: the SQL is refused or fails, the database does not exist, or its owner is unreachable.
    """
    sql = check_read_only(sql)
    path = settings.db_path
    if not path.exists():
        raise QueryError(
            f"no database at {path}; run `govwatch demo` or `govwatch run --once` first, or pass --db"
        )
    try:
        conn = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        if not _is_lock_error(exc):
            raise QueryError(f"cannot open {path}: {exc}") from exc
        with _remote_query(path, sql, params) as result:
            yield result
        return
    try:
        yield _execute(conn, sql, params)
    finally:
        conn.close()


def read_rows(
    settings: Settings, sql: str, params: Sequence[Any] = ()
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run a small read-only query and return (columns, rows) in memory."""
    with open_query(settings, sql, params) as result:
        return result.columns, [tuple(row) for row in result.rows]


# --- the writer's side: serve queries on the connection that holds the lock ---------------------------


class QueryServer:
    """Serves read-only queries from the process that owns the DuckDB file, on 127.0.0.1.

    Each request runs on its own cursor inside a transaction that is rolled back, after the statement was
    checked to be a query; the token in the endpoint file (readable by the file's owner only) keeps other
    local users out.
    """

    def __init__(self, conn: duckdb.DuckDBPyConnection, db_path: Path) -> None:
        self._conn = conn
        self._cursor_lock = threading.Lock()
        self._endpoint = endpoint_path(db_path)
        self._token = secrets.token_urlsafe(24)
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> QueryServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                log.debug("query server: " + format, *args)

            def do_POST(self) -> None:
                if self.headers.get("Authorization") != f"Bearer {server._token}":
                    self.send_error(403, "bad token")
                    return
                length = int(self.headers.get("Content-Length", "0"))
                try:
                    request = json.loads(self.rfile.read(length))
                    sql = check_read_only(str(request["sql"]))
                    params = list(request.get("params", []))
                except (QueryError, ValueError, KeyError) as exc:
                    self._reply_error(str(exc))
                    return
                server._answer(self, sql, params)

            def _reply_error(self, message: str) -> None:
                body = json.dumps({"error": message}).encode("utf-8") + b"\n"
                self.send_response(200)
                self.send_header("Content-Type", "application/x-ndjson")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="govwatch-query", daemon=True)
        self._thread.start()
        port = self._httpd.server_address[1]
        tmp = self._endpoint.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump({"port": port, "token": self._token, "pid": os.getpid()}, handle)
        os.replace(tmp, self._endpoint)
        log.info("serving read-only queries on 127.0.0.1:%d", port)
        return self

    def _answer(self, handler: BaseHTTPRequestHandler, sql: str, params: list[Any]) -> None:
        with self._cursor_lock:  # request threads share the base connection only to open their cursors
            cursor = self._conn.cursor()
        try:
            cursor.execute("BEGIN TRANSACTION")
            try:
                result = _execute(cursor, sql, params)
            except QueryError as exc:
                body = json.dumps({"error": str(exc)}).encode("utf-8") + b"\n"
                handler.send_response(200)
                handler.send_header("Content-Type", "application/x-ndjson")
                handler.send_header("Content-Length", str(len(body)))
                handler.end_headers()
                handler.wfile.write(body)
                return
            handler.send_response(200)
            handler.send_header("Content-Type", "application/x-ndjson")
            handler.end_headers()
            write = handler.wfile.write
            write(json.dumps({"columns": result.columns}).encode("utf-8") + b"\n")
            try:
                for row in result.rows:
                    write(json.dumps(row, ensure_ascii=False, default=str).encode("utf-8") + b"\n")
                write(b'{"end":true}\n')
            except duckdb.Error as exc:
                write(json.dumps({"error": str(exc).splitlines()[0]}).encode("utf-8") + b"\n")
        except (BrokenPipeError, ConnectionResetError):
            log.debug("query client went away")
        finally:
            with contextlib.suppress(duckdb.Error):  # nothing to undo: the transaction never began
                cursor.execute("ROLLBACK")
            cursor.close()

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        try:
            if json.loads(self._endpoint.read_text()).get("pid") == os.getpid():
                self._endpoint.unlink()
        except (OSError, ValueError):
            pass

    def __enter__(self) -> QueryServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextmanager
def _remote_query(db_path: Path, sql: str, params: Sequence[Any]) -> Iterator[QueryResult]:
    endpoint = endpoint_path(db_path)
    try:
        info = json.loads(endpoint.read_text())
        port, token = int(info["port"]), str(info["token"])
    except (OSError, ValueError, KeyError) as exc:
        raise QueryError(
            f"{db_path} is locked by another process that serves no queries (no {endpoint.name}); "
            "if it is not a govwatch run, stop it, or query a copy of the file"
        ) from exc
    client = httpx.Client(timeout=httpx.Timeout(QUERY_TIMEOUT_S, connect=5.0))
    try:
        with client.stream(
            "POST",
            f"http://127.0.0.1:{port}/query",
            json={"sql": sql, "params": list(params)},
            headers={"Authorization": f"Bearer {token}"},
        ) as response:
            if response.status_code != 200:
                raise QueryError(f"the running govwatch refused the query (HTTP {response.status_code})")
            lines = response.iter_lines()
            first = json.loads(next(lines, '{"error": "empty answer"}'))
            if "error" in first:
                raise QueryError(first["error"])
            yield QueryResult(list(first["columns"]), _remote_rows(lines))
    except httpx.HTTPError as exc:
        raise QueryError(
            f"{db_path} is locked by govwatch (pid {info.get('pid')}) but its query endpoint did not answer "
            f"({exc}); if that process is gone, delete {endpoint} and retry"
        ) from exc
    finally:
        client.close()


def _remote_rows(lines: Iterator[str]) -> Iterator[list[Any]]:
    for line in lines:
        if not line:
            continue
        item = json.loads(line)
        if isinstance(item, list):
            yield item
        elif item.get("end"):
            return
        elif "error" in item:
            raise QueryError(item["error"])
    raise QueryError("the query endpoint closed the connection before the end of the result")
