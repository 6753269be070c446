"""Records of the store: a message as consumed, and what a consumer's handler is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import duckdb


@dataclass(frozen=True, slots=True, kw_only=True)
class ConsumedMessage:
    """One message as polled; or, with `undecodable` set, a batch of messages the client could not read
    (offsets `offset` to `last_offset`, `value` its raw bytes), which becomes one dead letter."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    last_offset: int | None = None
    undecodable: str | None = None


class BatchHandler(Protocol):
    """What a DuckDB-backed consumer does with a batch, inside the transaction that stores its offsets."""

    consumer_name: str

    def handle(
        self, conn: duckdb.DuckDBPyConnection, items: Sequence[tuple[ConsumedMessage, dict[str, Any]]]
    ) -> int: ...
