"""sql/migrations/003_alerts.sql through the real migration runner, beside the other migrations."""

from __future__ import annotations

from pathlib import Path

import duckdb

from govwatch.alerts.data import GBP_PER_UNIT
from govwatch.alerts.store import apply_migration
from govwatch.db import connect_writer

PUBLIC_COLUMNS = [
    "id",
    "subscription",
    "announcement_id",
    "version",
    "channel",
    "status",
    "attempts",
    "delivered_at",
]


def test_the_alerts_view_starts_with_the_public_columns(tmp_path: Path) -> None:
    conn = connect_writer(tmp_path / "govwatch.duckdb")
    try:
        columns = [row[0] for row in conn.execute("DESCRIBE alerts").fetchall()]
    finally:
        conn.close()
    assert columns[: len(PUBLIC_COLUMNS)] == PUBLIC_COLUMNS


def test_applying_the_migration_again_changes_nothing(tmp_path: Path) -> None:
    conn = duckdb.connect(str(tmp_path / "a.duckdb"))
    apply_migration(conn)
    conn.execute(
        "INSERT INTO alert_events (id, subscription, announcement_id, version, channel, status, change, frequency, "
        "created_at, due_at, next_attempt_at, payload) VALUES ('a', 's', 'd', 1, 'stdout', 'pending', 'match', "
        "'immediate', now(), now(), now(), '{}')"
    )
    apply_migration(conn)
    assert conn.execute("SELECT count(*) FROM alerts").fetchone() == (1,)
    conn.close()


def test_one_alert_per_subscription_document_and_version(tmp_path: Path) -> None:
    conn = duckdb.connect(str(tmp_path / "a.duckdb"))
    apply_migration(conn)
    insert = (
        "INSERT INTO alert_events (id, subscription, announcement_id, version, channel, status, change, frequency, "
        "created_at, due_at, next_attempt_at, payload) VALUES (?, 's', 'd', 1, 'stdout', 'pending', 'match', "
        "'immediate', now(), now(), now(), '{}') ON CONFLICT DO NOTHING"
    )
    conn.execute(insert, ["first"])
    conn.execute(insert, ["other-id-same-key"])
    assert conn.execute("SELECT id FROM alerts").fetchall() == [("first",)]
    conn.close()


def test_min_amount_rates_agree_with_the_gbp_rates_table(tmp_path: Path) -> None:
    conn = connect_writer(tmp_path / "govwatch.duckdb")
    try:
        table = dict(conn.execute("SELECT currency, gbp_per_unit FROM gbp_rates").fetchall())
    finally:
        conn.close()
    assert table == GBP_PER_UNIT
