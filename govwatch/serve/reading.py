"""Reading rows for the pages through `govwatch.query` (the one read path), and reading JSON columns."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from govwatch.config import Settings
from govwatch.query import read_rows
from govwatch.query_reader import SharedReader, reading_through


class ReadThrough:
    """ASGI middleware: every request's direct reads go through the app's SharedReader, which keeps the
    file open between requests while no writer wants it (see `govwatch.query_reader`)."""

    def __init__(self, app: ASGIApp, reader: SharedReader) -> None:
        self.app = app
        self.reader = reader

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        with reading_through(self.reader):
            await self.app(scope, receive, send)


def dicts(settings: Settings, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """A read-only query's rows as dicts (values JSON-ready, as the read path returns them)."""
    columns, rows = read_rows(settings, sql, params)
    return [dict(zip(columns, row, strict=True)) for row in rows]


def _json(value: Any) -> Any:
    """A JSON column's value: DuckDB returns JSON as text; unreadable text reads as None."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def json_list(value: Any) -> list[Any]:
    """A JSON column holding a list (or one object) as a list; anything else as an empty list."""
    parsed = _json(value)
    if isinstance(parsed, list):
        return parsed
    return [parsed] if isinstance(parsed, dict) else []


def as_time(value: Any) -> datetime | None:
    """A timestamp, or its ISO text, as a datetime (None when it is neither)."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None
