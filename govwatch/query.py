"""Read-only SQL over the DuckDB file, whether or not a `govwatch run` is writing to it: the one read path.

`govwatch query`, the web page and `govwatch alerts` all read through `open_query`. It opens the file
read-only when no writer owns it, and otherwise asks the writer's query endpoint (`govwatch.query_endpoint`).
A writer that is starting, handing over or stopping is waited for, up to `[query] wait_s`: the answer
comes from whichever state follows. Only a writer that is gone (its pid no longer runs) or a wait that runs
out ends in an error, which says which. Every query runs behind the guards of `govwatch.sandbox`, on either
path. A long-lived reader (the web page) keeps its direct connection open between reads while no writer
wants the file (`govwatch.query_reader`); every other read opens the file and closes it again.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any, Final

import duckdb
import httpx

from govwatch.config import Settings
from govwatch.errors import QueryError
from govwatch.query_endpoint import RELEASED, Endpoint, endpoint_path, pid_alive, read_endpoint
from govwatch.query_reader import current_reader
from govwatch.query_result import ARROW_STREAM, BATCH_ROWS, QueryResult, read_arrow_answer
from govwatch.sandbox import QueryLimits, check_read_only, connect_read_only, time_limit

log = logging.getLogger(__name__)

RETRY_PAUSE_S: Final = 0.05
UNREACHABLE: Final = "unreachable"
CONNECT_TIMEOUT_S: Final = 2.0

__all__ = ["QueryResult", "check_read_only", "endpoint_path", "open_query", "query_limits", "read_rows"]


class _Transition(Exception):
    """The writer is between states; try again after a pause (the message says what was met)."""


def query_limits(settings: Settings) -> QueryLimits:
    return QueryLimits(memory_limit=settings.query.memory_limit, time_limit_s=settings.query.time_limit_s)


@contextmanager
def open_query(settings: Settings, sql: str, params: Sequence[Any] = ()) -> Iterator[QueryResult]:
    """Run a read-only query and yield its streamed result; works beside a writer in any state.

    Raises:
        QueryError: the SQL is refused or fails, the database does not exist, the writer that locked it
            is gone, or it did not reach a state that answers within `[query] wait_s`.
    """
    sql = check_read_only(sql)
    path = settings.db_path
    wait_s = settings.query.wait_s
    deadline = time.monotonic() + wait_s
    while True:
        with ExitStack() as stack:
            try:
                result = _attempt(stack, settings, sql, params)
            except _Transition as exc:
                if time.monotonic() >= deadline:
                    raise QueryError(
                        f"{path} did not become readable within {wait_s:g}s: {exc}; wait for it, or "
                        "raise --wait / [query] wait_s"
                    ) from None
                log.debug("waiting: %s", exc)
                stack.close()
                time.sleep(RETRY_PAUSE_S)
                continue
            yield result
            return


def _attempt(stack: ExitStack, settings: Settings, sql: str, params: Sequence[Any]) -> QueryResult:
    """One try: the writer's endpoint when a live writer announces one, else the file itself."""
    path = settings.db_path
    endpoint = read_endpoint(path)
    stale: Endpoint | None = None
    if endpoint is not None and not pid_alive(endpoint.pid):
        stale, endpoint = endpoint, None
    if endpoint is not None:
        state = _ask_endpoint(stack, endpoint, sql, params, settings)
        if isinstance(state, QueryResult):
            return state
        if state not in (RELEASED, UNREACHABLE):  # an endpoint that is gone may have freed the file
            raise _Transition(f"the govwatch that owns it (pid {endpoint.pid}) is {state}")
    if not path.exists():
        if endpoint is not None:
            raise _Transition(f"the govwatch that owns it (pid {endpoint.pid}) is creating it")
        raise QueryError(
            f"no database at {path}; run `govwatch demo` or `govwatch run --once` first, or pass --db"
        )
    limits = query_limits(settings)
    shared = current_reader()
    try:
        if shared is not None and shared.path.resolve() == path.resolve():
            conn = stack.enter_context(shared.cursor(limits))
        else:
            conn = connect_read_only(path, limits)
            stack.callback(conn.close)
    except duckdb.Error as exc:
        if not _is_lock_conflict(exc):
            raise QueryError(f"cannot open {path}: {str(exc).splitlines()[0]}") from exc
        now = read_endpoint(path)
        if now is not None and now != stale and pid_alive(now.pid):
            raise _Transition(f"the govwatch that owns it (pid {now.pid}) did not answer") from exc
        if stale is not None:
            raise QueryError(
                f"{path} is locked, but the govwatch that served its queries (pid {stale.pid}) is gone; "
                f"another process holds the lock: stop it, or if none does, delete {endpoint_path(path)} "
                "and retry"
            ) from exc
        raise _Transition(
            f"it is locked by a process that publishes no query endpoint ({str(exc).splitlines()[0]})"
        ) from exc
    stack.enter_context(time_limit(conn, limits.time_limit_s))  # also turns DuckDB's errors into QueryError
    reader = conn.sql(sql, params=list(params) or None).to_arrow_reader(BATCH_ROWS)
    return QueryResult(reader.schema, iter(reader))


def _is_lock_conflict(exc: duckdb.Error) -> bool:
    """DuckDB's "Could not set lock on file ...: Conflicting lock is held" (another process has it)."""
    return "Could not set lock" in str(exc) or "Conflicting lock" in str(exc)


def _ask_endpoint(
    stack: ExitStack, endpoint: Endpoint, sql: str, params: Sequence[Any], settings: Settings
) -> QueryResult | str:
    """The endpoint's result, or the state it is in when it serves none (UNREACHABLE when no answer came:
    a writer that has just stopped, so the caller tries the file itself)."""
    limits = query_limits(settings)
    client = stack.enter_context(
        httpx.Client(timeout=httpx.Timeout(limits.time_limit_s + 30.0, connect=CONNECT_TIMEOUT_S))
    )
    try:
        response = stack.enter_context(
            client.stream(
                "POST",
                f"http://127.0.0.1:{endpoint.port}/query",
                json={"sql": sql, "params": list(params)},
                headers={"Authorization": f"Bearer {endpoint.token}"},
            )
        )
        if response.status_code == 200 and response.headers.get("Content-Type") == ARROW_STREAM:
            return read_arrow_answer(response.iter_bytes())
        first = json.loads(response.read() or b"{}")
    except (httpx.HTTPError, ValueError, QueryError) as exc:
        log.debug("endpoint of pid %d did not answer: %s", endpoint.pid, exc or type(exc).__name__)
        return UNREACHABLE
    if response.status_code == 503:
        return str(first.get("state", "busy"))
    if response.status_code == 403:
        raise _Transition("its endpoint was just replaced")
    if response.status_code != 200:
        raise QueryError(f"the running govwatch refused the query (HTTP {response.status_code})")
    if "error" in first:
        raise QueryError(str(first["error"]))
    return UNREACHABLE  # an answer cut short before its result began: look again


def read_rows(
    settings: Settings, sql: str, params: Sequence[Any] = ()
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run a small read-only query and return (columns, rows) in memory."""
    with open_query(settings, sql, params) as result:
        return result.columns, [tuple(row) for row in result.rows]
