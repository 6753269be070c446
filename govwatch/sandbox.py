"""The guards every read-only query runs behind: the statement check and DuckDB's own limits.

A query is checked twice over. First its text: it must parse as one SELECT (or an EXPLAIN of one; DESCRIBE,
SHOW and SUMMARIZE parse as SELECTs), and it may not build a single value of a size it chooses
(`repeat('x', 3000000000)`), which DuckDB computes outside its memory limit and cannot interrupt. Then
the connection it runs on: external access (files, URLs, `COPY`, `INSTALL`) is off, extensions are neither
installed nor loaded on demand, the configuration is locked (a query cannot `SET` anything), memory is
bounded and a timer interrupts the query when its time is up (DuckDB has no statement timeout).
"""

from __future__ import annotations

import functools
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import duckdb
import pyarrow as pa

from govwatch.errors import QueryError

#: Accepted statements whose check is remembered (by their exact text), and the longest remembered.
CHECKED_STATEMENTS: Final = 512
CHECKED_MAX_CHARS: Final = 20_000
#: The largest value (characters or list elements) a query may build with the functions below.
MAX_BUILT_VALUE: Final = 1_000_000
#: Functions whose result size is set by an argument, as {name: indexes of the arguments that set it}.
#: `repeat` multiplies its first argument by its second, so both must be small constants.
VALUE_BUILDERS: Final[dict[str, tuple[int, ...]]] = {
    "repeat": (0, 1),
    "lpad": (1,),
    "rpad": (1,),
    "range": (0, 1, 2),
    "generate_series": (0, 1, 2),
    "list_resize": (1,),
    "array_resize": (1,),
    "bar": (3,),
    "printf": (0,),
    "format": (0,),
}
_HELP = "govwatch query runs read-only queries (SELECT, WITH, EXPLAIN, DESCRIBE, SHOW, SUMMARIZE)"
_EXPLAIN_PREFIX = re.compile(r"^\s*explain\s+(?:analy[sz]e\s+)?(?:\([^)]*\)\s*)?", re.IGNORECASE)
_FORMAT_WIDTH = re.compile(r"\d{7,}")
_parser_lock = threading.Lock()
_connect_lock = threading.Lock()
_parser: duckdb.DuckDBPyConnection | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class QueryLimits:
    """What one query may use: memory (a DuckDB size such as '2GB') and seconds before it is interrupted."""

    memory_limit: str = "2GB"
    time_limit_s: float = 300.0


def guard_config(memory_limit: str) -> dict[str, Any]:
    """The DuckDB settings of a database that runs untrusted SQL (its configuration is locked after)."""
    return {
        "enable_external_access": False,
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "memory_limit": memory_limit,
    }


def _lock(conn: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Lock the configuration, unless this process opened the database before and locked it already
    (DuckDB shares one database between the connections of a process)."""
    if conn.execute("SELECT current_setting('lock_configuration')").fetchall() != [(True,)]:
        # DuckDB would draw its progress bar on the terminal of whoever runs a long query.
        conn.execute("SET enable_progress_bar = false")
        conn.execute("SET lock_configuration = true")
    return conn


def connect_read_only(path: Path, limits: QueryLimits) -> duckdb.DuckDBPyConnection:
    """Open the database read-only behind every guard (raises duckdb.Error, e.g. when it is locked)."""
    with _connect_lock:  # threads of one process share the database: one of them locks it
        conn = duckdb.connect(str(path), read_only=True, config=guard_config(limits.memory_limit))
        try:
            return _lock(conn)
        except duckdb.Error:
            conn.close()
            raise


def connect_in_memory(limits: QueryLimits, *, setup: str = "") -> duckdb.DuckDBPyConnection:
    """An in-memory database behind every guard, with `setup` SQL run before the configuration locks."""
    conn = duckdb.connect(":memory:", config=guard_config(limits.memory_limit))
    if setup:
        conn.execute(setup)
    return _lock(conn)


def lock_down(conn: duckdb.DuckDBPyConnection) -> None:
    """Put a writer's database behind the guards that do not hinder it, then lock its configuration.

    The query endpoint runs queries on the writer's own database, whose settings are global: locked, no
    query can change them (`SET memory_limit = '2MB'` would otherwise make the next batch fail).
    """
    for setting in ("enable_external_access", "autoinstall_known_extensions", "autoload_known_extensions"):
        conn.execute(f"SET {setting} = false")
    conn.execute("SET lock_configuration = true")


def check_read_only(sql: str) -> str:
    """Return the single statement in `sql`, refusing anything that is not a query.

    The verdict depends on the text alone, so accepted statements are remembered (a page asks the same
    few statements again and again; parsing one costs a few milliseconds under a process-wide lock).

    >>> check_read_only("select 1;")
    'select 1'
    >>> check_read_only("delete from announcements")
    Traceback (most recent call last):
    ...
    govwatch.errors.QueryError: refused: DELETE statements change data; govwatch query runs read-only queries (SELECT, WITH, EXPLAIN, DESCRIBE, SHOW, SUMMARIZE)
    >>> check_read_only("explain analyze set memory_limit = '2MB'")
    Traceback (most recent call last):
    ...
    govwatch.errors.QueryError: refused: EXPLAIN runs the statement it explains, and SET statements change data; govwatch query runs read-only queries (SELECT, WITH, EXPLAIN, DESCRIBE, SHOW, SUMMARIZE)
    """
    return _check_remembered(sql) if len(sql) <= CHECKED_MAX_CHARS else _check(sql)


def _check(sql: str) -> str:
    statement = _one_statement(sql)
    body = sql.strip().rstrip(";").strip()
    if statement.type == duckdb.StatementType.EXPLAIN:
        inner = _EXPLAIN_PREFIX.sub("", body, count=1)
        inner_statement = _one_statement(inner)
        if inner_statement.type != duckdb.StatementType.SELECT:
            raise QueryError(
                f"refused: EXPLAIN runs the statement it explains, and {_kind(inner_statement)} "
                f"statements change data; {_HELP}"
            )
        check_value_builders(inner)
    elif statement.type == duckdb.StatementType.SELECT:
        check_value_builders(body)
    else:
        raise QueryError(f"refused: {_kind(statement)} statements change data; {_HELP}")
    return body


#: `_check` remembering what it accepted (a refusal raises, and is not remembered).
_check_remembered = functools.lru_cache(maxsize=CHECKED_STATEMENTS)(_check)


def check_value_builders(sql: str) -> None:
    """Refuse a SELECT that builds one value of a size it chooses, which no DuckDB limit would stop.

    `repeat`, `lpad`, `range` and the like are fine with small constant sizes (`lpad(title, 80, ' ')`);
    with a size from a column or a large constant they are refused.

    >>> check_value_builders("select lpad(title, 80, ' '), range(10) from announcements")
    >>> check_value_builders("select length(repeat('x', 3000000000))")
    Traceback (most recent call last):
    ...
    govwatch.errors.QueryError: refused: repeat() would build a value of up to 3,000,000,000 characters or elements; govwatch query allows at most 1,000,000 (give it small constant sizes)
    """
    tree = _syntax_tree(sql)
    if tree is not None:
        _check_node(tree, in_table_function=False)


def _check_node(node: Any, *, in_table_function: bool) -> None:
    if isinstance(node, list):
        for item in node:
            _check_node(item, in_table_function=False)
        return
    if not isinstance(node, dict):
        return
    if node.get("type") == "TABLE_FUNCTION" and isinstance(node.get("function"), dict):
        # A table function (`FROM range(10)`) streams rows, which the time limit bounds; its arguments
        # are still expressions to check.
        _check_node(node["function"], in_table_function=True)
        for key, value in node.items():
            if key != "function":
                _check_node(value, in_table_function=False)
        return
    if node.get("class") == "FUNCTION" and not in_table_function:
        _check_call(node)
    for value in node.values():
        _check_node(value, in_table_function=False)


def _check_call(node: dict[str, Any]) -> None:
    name = str(node.get("function_name", "")).lower()
    positions = VALUE_BUILDERS.get(name)
    if positions is None:
        return
    arguments = [a.get("expression") for a in node.get("arguments") or () if isinstance(a, dict)]
    size = 1
    for position in positions:
        if position >= len(arguments):
            continue
        literal = _literal(arguments[position])
        if literal is None:
            raise QueryError(
                f"refused: {name}() with a size that is not a constant could build a value larger than "
                "memory; give it small constant sizes"
            )
        kind, text = literal
        if name in {"printf", "format"}:
            if _FORMAT_WIDTH.search(text):
                raise QueryError(f"refused: {name}() with a field width of a million or more")
            continue
        factor = len(text) if kind in {"STRING", "VARCHAR"} else _integer(text)
        size = max(size, factor) if name in {"range", "generate_series"} else size * max(factor, 1)
    if size > MAX_BUILT_VALUE:
        raise QueryError(
            f"refused: {name}() would build a value of up to {size:,} characters or elements; govwatch "
            f"query allows at most {MAX_BUILT_VALUE:,} (give it small constant sizes)"
        )


def _literal(expression: Any) -> tuple[str, str] | None:
    """The kind and text of a constant (also cast or negated), else None."""
    if not isinstance(expression, dict):
        return None
    if expression.get("class") == "CONSTANT":
        literal = expression.get("literal") or {}
        return str(literal.get("kind", "")), str(literal.get("text", ""))
    if expression.get("class") == "CAST":
        return _literal(expression.get("child"))
    if expression.get("class") == "FUNCTION" and expression.get("function_name") == "-":
        arguments = expression.get("arguments") or []
        if len(arguments) == 1 and isinstance(arguments[0], dict):
            return _literal(arguments[0].get("expression"))
    return None


def _integer(text: str) -> int:
    try:
        return abs(int(float(text)))
    except ValueError:
        return 1


def _syntax_tree(sql: str) -> Any:
    """DuckDB's parse of a SELECT as JSON (parsing only: nothing runs), or None when it cannot give one."""
    global _parser
    with _parser_lock:
        if _parser is None:
            _parser = connect_in_memory(QueryLimits(memory_limit="64MB"))
        try:
            rows = _parser.execute("SELECT json_serialize_sql(?::VARCHAR)", [sql]).fetchall()
        except duckdb.Error as exc:
            raise QueryError(f"SQL does not parse: {_first_line(exc)}") from exc
    parsed = json.loads(rows[0][0]) if rows else {}
    if parsed.get("error"):
        message = str(parsed.get("error_message", ""))
        if "Only SELECT" in message:
            return None  # a DESCRIBE/SHOW/SUMMARIZE form the serializer does not cover: no values built
        raise QueryError(f"SQL does not parse: {message.splitlines()[0] if message else 'unknown error'}")
    return parsed.get("statements")


def _one_statement(sql: str) -> duckdb.Statement:
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(f"SQL does not parse: {_first_line(exc)}") from exc
    if not statements:
        raise QueryError("no SQL statement given")
    if len(statements) > 1:
        raise QueryError(f"one statement at a time, please (found {len(statements)})")
    return statements[0]


def _kind(statement: duckdb.Statement) -> str:
    return str(statement.type).rsplit(".", 1)[-1]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@contextmanager
def time_limit(conn: duckdb.DuckDBPyConnection, seconds: float) -> Iterator[None]:
    """Interrupt what `conn` runs once `seconds` have passed; the interruption becomes a QueryError.

    Raises:
        QueryError: the query ran out of time (or failed, with DuckDB's first line).
    """
    expired = threading.Event()

    def interrupt() -> None:
        expired.set()
        conn.interrupt()

    timer = threading.Timer(seconds, interrupt)
    timer.daemon = True
    timer.start()
    try:
        yield
    except (duckdb.Error, pa.ArrowException, OSError) as exc:
        if isinstance(exc, OSError) and exc.errno is not None:
            raise  # a real I/O error (a closed pipe), not DuckDB's error passed on by Arrow
        if expired.is_set():
            raise QueryError(
                f"the query was stopped after {seconds:g}s (its time limit); narrow it, or raise "
                "[query] time_limit_s"
            ) from exc
        raise QueryError(describe_error(exc)) from exc
    finally:
        timer.cancel()


def describe_error(exc: BaseException) -> str:
    """DuckDB's first line, with what to do when a guard refused the query."""
    line = _first_line(exc)
    if isinstance(exc, duckdb.PermissionException) or line.startswith("Permission Error"):
        return f"refused: {line} (queries read the database only: no files, URLs or extensions)"
    if isinstance(exc, duckdb.OutOfMemoryException) or line.startswith("Out of Memory Error"):
        return f"{line}; the query needs more memory than [query] memory_limit allows: narrow it, or raise it"
    return line
