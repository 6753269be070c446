"""What every `govwatch` command shares: the --config/--db/--format options, error handling, output.

Commands live in `govwatch.cli` and `govwatch.alerts.commands`; both take these from here so that errors,
exit codes and output formats behave the same everywhere.
"""

from __future__ import annotations

import csv
import functools
import json
import logging
import sys
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from govwatch.config import Settings, load_settings
from govwatch.errors import GovwatchError

P = ParamSpec("P")
R = TypeVar("R")

stderr = Console(stderr=True)
PIPED_TABLE_WIDTH = 400
INTERRUPTED_EXIT_CODE = 130  # Ctrl-C or SIGTERM: stopped cleanly (systemd: SuccessExitStatus=130)
MIN_COLUMN_WIDTH = 12
debug_state: dict[str, bool] = {"debug": False, "json_logs": False}

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help="TOML config file (default: $GOVWATCH_CONFIG or ./govwatch.toml)."),
]
DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="DuckDB file (default: $GOVWATCH_DB, [duckdb] path, ./govwatch.duckdb)."),
]


class LogFormat(StrEnum):
    text = "text"
    json = "json"


LogFormatOption = Annotated[
    LogFormat,
    typer.Option("--log-format", help="text, or json: one JSON object per log line (logs at INFO and up)."),
]


class JsonLogFormatter(logging.Formatter):
    """One JSON object per record: time (UTC, ISO 8601), level, logger, message (and error, if any)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def use_log_format(fmt: LogFormat) -> None:
    """Switch every log handler to JSON lines (progress messages then become log records too)."""
    if fmt is not LogFormat.json:
        return
    debug_state["json_logs"] = True
    root = logging.getLogger()
    for handler in root.handlers:
        handler.setFormatter(JsonLogFormatter())
    if root.level > logging.INFO:
        logging.getLogger("govwatch").setLevel(logging.INFO)


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    jsonl = "jsonl"


FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn GovwatchError into `error: ...` on stderr and exit code 1 (traceback only with --debug)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except GovwatchError as exc:
            if debug_state["debug"]:
                stderr.print_exception()
            for line in str(exc).splitlines() or [type(exc).__name__]:
                typer.echo(f"error: {line}", err=True)
            raise typer.Exit(1) from exc
        except KeyboardInterrupt:
            typer.echo("interrupted; stopped cleanly", err=True)
            raise typer.Exit(INTERRUPTED_EXIT_CODE) from None

    return wrapper


def settings_from(config: Path | None, db: Path | None) -> Settings:
    return load_settings(config, db_path=db)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def write_rows(columns: list[str], rows: Iterable[Iterable[Any]], fmt: OutputFormat) -> int:
    """Write JSON-ready rows to stdout; csv/json/jsonl stream row by row. Returns the row count."""
    out = sys.stdout
    count = 0
    if fmt is OutputFormat.csv:
        writer = csv.writer(out, lineterminator="\n")  # Unix lines, as every other format writes
        writer.writerow(columns)
        for row in rows:
            writer.writerow(
                json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v for v in row
            )
            count += 1
    elif fmt is OutputFormat.json:
        out.write("[")
        for row in rows:
            record = json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False, default=str)
            out.write(("," if count else "") + "\n" + record)
            count += 1
        out.write("\n]\n" if count else "]\n")
    elif fmt is OutputFormat.jsonl:
        for row in rows:
            out.write(
                json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False, default=str) + "\n"
            )
            count += 1
    else:
        table = Table()
        for column in columns:  # a cell too wide for the terminal wraps: it is never cut short
            table.add_column(column, overflow="fold", min_width=min(len(column), MIN_COLUMN_WIDTH))
        for row in rows:
            table.add_row(*(_cell(v) for v in row))
            count += 1
        console = Console()
        if not console.is_terminal:  # a file or a pipe: one line per row, however wide
            console = Console(width=PIPED_TABLE_WIDTH)
        console.print(table, soft_wrap=False)
    out.flush()
    return count


def print_table(columns: list[str], rows: list[list[str]], *, out: Any = None) -> None:
    """A table for people, on stderr unless `out` says otherwise (stdout carries data only)."""
    console = out or stderr
    if not console.is_terminal:  # a log file or a pipe: whole cells beat fitting 80 columns
        console = Console(file=console.file, width=PIPED_TABLE_WIDTH)
    table = Table(*columns, box=None, pad_edge=False)
    for row in rows:
        table.add_row(*row)
    console.print(table, soft_wrap=False)
