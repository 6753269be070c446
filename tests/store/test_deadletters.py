"""Dead letters in DuckDB: one row per failure, never lost, never doubled."""

from __future__ import annotations

from typing import Any

from govwatch.config import Settings
from govwatch.db import connect_writer
from govwatch.messages import deadletter_record
from govwatch.store.deadletters import store_deadletter


def test_a_source_failing_again_later_is_a_new_row_and_a_replay_is_not(settings: Settings) -> None:
    conn = connect_writer(settings.db_path)
    from datetime import UTC, datetime

    def failure(minute: int, reason: str = "HTTP 503") -> dict[str, Any]:
        return deadletter_record(
            stage="connector",
            reason=reason,
            payload=b"",
            source="dsit",
            url="https://www.gov.uk/feed.atom",
            at=datetime(2026, 1, 1, 0, minute, tzinfo=UTC),
        )

    first = failure(0)
    assert store_deadletter(conn, first) is True
    assert store_deadletter(conn, dict(first)) is False  # the same record read again
    assert store_deadletter(conn, failure(5)) is True  # the same source failing later
    assert store_deadletter(conn, failure(0, "HTTP 500")) is True  # another reason
    assert conn.execute("select count(*) from deadletters").fetchone() == (3,)
