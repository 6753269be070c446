"""The alert tables (sql/migrations/003_alerts.sql, 007): matching state, alerts and delivery status, and
the versions matched.

`handle` reads the state of a batch's documents with one query and writes the batch's states and alerts
with one statement each, from Arrow tables (row-by-row inserts cost milliseconds each in DuckDB).
Delivery updates one delivery's rows after every attempt, so a crash loses at most the attempt in flight.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Any

import duckdb
import pyarrow as pa

# Built on the writer thread like the loader's batches, and from the same allocator: Arrow's own kept what a
# thread freed for that thread's next use.
from govwatch.store.loader import BATCH_MEMORY_POOL

MIGRATION_NAMES = ("003_alerts.sql", "007_alert_evaluations.sql")


_STATES_VIEW = "govwatch_alert_states_batch"
_ALERTS_VIEW = "govwatch_alerts_batch"
_SELECT_STATES = """
    SELECT subscription, announcement_id, version, matched, facts, rule FROM alert_match_state
    WHERE announcement_id IN (SELECT unnest(?::VARCHAR[]))
"""
_UPSERT_STATES = f"""
    INSERT INTO alert_match_state
    SELECT subscription, announcement_id, version, matched, facts, rule FROM {_STATES_VIEW}
    ON CONFLICT (subscription, announcement_id)
    DO UPDATE SET version = excluded.version, matched = excluded.matched, facts = excluded.facts,
                  rule = excluded.rule
"""
_INSERT_ALERTS = f"""
    INSERT INTO alert_events (id, subscription, announcement_id, version, channel, status, attempts, change,
                              frequency, created_at, due_at, next_attempt_at, title, payload)
    SELECT id, subscription, announcement_id, version, channel, 'pending', 0, change,
           frequency, created_at, due_at, due_at, title, payload
    FROM {_ALERTS_VIEW}
    ON CONFLICT DO NOTHING RETURNING id
"""
ALERT_ROW_SCHEMA = pa.schema(
    [
        ("id", pa.string()), ("subscription", pa.string()), ("announcement_id", pa.string()),
        ("version", pa.int32()), ("channel", pa.string()), ("change", pa.string()), ("frequency", pa.string()),
        ("created_at", pa.timestamp("us", tz="UTC")), ("due_at", pa.timestamp("us", tz="UTC")),
        ("title", pa.string()), ("payload", pa.string()),
    ]
)  # fmt: skip
_SELECT_DUE = """
    SELECT id, subscription, frequency, due_at, attempts, first_attempt_at, payload FROM alert_events
    WHERE status = 'pending' AND due_at <= ? AND next_attempt_at <= ?
    ORDER BY due_at, created_at, id
"""
_POSTPONE = "UPDATE alert_events SET next_attempt_at = ? WHERE id IN ({})"
_RETRY_LATER = """
    UPDATE alert_events SET attempts = attempts + 1, first_attempt_at = coalesce(first_attempt_at, ?),
                            next_attempt_at = ?, last_error = ?
    WHERE id IN ({})
"""
_FINISH = """
    UPDATE alert_events SET status = ?, attempts = attempts + ?, delivered_at = ?, last_error = ?,
                            delivery_id = ?, first_attempt_at = coalesce(first_attempt_at, ?)
    WHERE id IN ({})
"""
_EVENT_FIELDS = (
    "id", "subscription", "channel", "status", "frequency", "attempts", "created_at", "delivered_at",
    "last_error", "payload",
)  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class MatchState:
    """What one subscription last concluded about one document.

    `facts` is the JSON of the facts it matched on (compared by on-change subscriptions); `rule` is the
    subscription's rule at the time, so a subscription redefined under the same name starts afresh.
    """

    version: int
    matched: bool
    facts: str | None = None
    rule: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class DueAlert:
    """A pending alert whose time has come (its digest period ended, its retry is due)."""

    id: str
    subscription: str
    frequency: str
    due_at: datetime
    attempts: int
    first_attempt_at: datetime | None
    payload: str


def apply_migration(conn: duckdb.DuckDBPyConnection) -> None:
    """Create the alert tables and the `alerts` view (what the migration runner does with their migrations)."""
    folder = resources.files("govwatch.sql").joinpath("migrations")
    for name in MIGRATION_NAMES:
        conn.execute(folder.joinpath(name).read_text(encoding="utf-8"))


def read_states(
    conn: duckdb.DuckDBPyConnection, documents: Sequence[str]
) -> dict[str, dict[str, MatchState]]:
    """For each document id: the state of every subscription that has one, by subscription name."""
    states: dict[str, dict[str, MatchState]] = {document: {} for document in documents}
    for name, document, version, matched, facts, rule in conn.execute(
        _SELECT_STATES, [list(states)]
    ).fetchall():
        states[document][name] = MatchState(version=version, matched=matched, facts=facts, rule=rule or "")
    return states


def write_batch(
    conn: duckdb.DuckDBPyConnection,
    changed: Mapping[tuple[str, str], MatchState],
    alerts: Sequence[Mapping[str, Any]],
) -> int:
    """Upsert states keyed by (subscription, document) and insert alert rows (`ALERT_ROW_SCHEMA`) unless
    their key exists; returns how many alerts were inserted."""
    if changed:
        pool = BATCH_MEMORY_POOL
        states = pa.table(
            {
                "subscription": pa.array([key[0] for key in changed], pa.string(), memory_pool=pool),
                "announcement_id": pa.array([key[1] for key in changed], pa.string(), memory_pool=pool),
                "version": pa.array([s.version for s in changed.values()], pa.int32(), memory_pool=pool),
                "matched": pa.array([s.matched for s in changed.values()], pa.bool_(), memory_pool=pool),
                "facts": pa.array([s.facts for s in changed.values()], pa.string(), memory_pool=pool),
                "rule": pa.array([s.rule for s in changed.values()], pa.string(), memory_pool=pool),
            }
        )
        conn.register(_STATES_VIEW, states)
        try:
            conn.execute(_UPSERT_STATES)
        finally:
            conn.unregister(_STATES_VIEW)
    if not alerts:
        return 0
    columns = [
        pa.array([row.get(f.name) for row in alerts], f.type, memory_pool=BATCH_MEMORY_POOL)
        for f in ALERT_ROW_SCHEMA
    ]
    conn.register(_ALERTS_VIEW, pa.Table.from_arrays(columns, schema=ALERT_ROW_SCHEMA))
    try:
        return len(conn.execute(_INSERT_ALERTS).fetchall())
    finally:
        conn.unregister(_ALERTS_VIEW)


_EVALUATIONS_VIEW = "govwatch_alert_evaluations_batch"


def record_evaluated(conn: duckdb.DuckDBPyConnection, versions: Sequence[tuple[str, int]]) -> None:
    """Record (inside the caller's transaction) that these announcement versions were matched against the
    subscriptions, so a spooled document is settled only after its alerts (sql/migrations/007)."""
    if not versions:
        return
    pool = BATCH_MEMORY_POOL
    table = pa.table(
        {
            "announcement_id": pa.array([key[0] for key in versions], pa.string(), memory_pool=pool),
            "version": pa.array([key[1] for key in versions], pa.int32(), memory_pool=pool),
        }
    )
    conn.register(_EVALUATIONS_VIEW, table)
    try:
        conn.execute(
            f"INSERT INTO alert_evaluations SELECT DISTINCT announcement_id, version FROM {_EVALUATIONS_VIEW} "
            "ON CONFLICT DO NOTHING"
        )
    finally:
        conn.unregister(_EVALUATIONS_VIEW)


def due_alerts(conn: duckdb.DuckDBPyConnection, now: datetime) -> list[DueAlert]:
    """Pending alerts due at `now`, oldest first."""
    return [
        DueAlert(
            id=row[0],
            subscription=row[1],
            frequency=row[2],
            due_at=row[3],
            attempts=row[4],
            first_attempt_at=row[5],
            payload=row[6],
        )
        for row in conn.execute(_SELECT_DUE, [now, now]).fetchall()
    ]


def _update(conn: duckdb.DuckDBPyConnection, ids: Sequence[str], sql: str, params: list[Any]) -> None:
    conn.execute(sql.format(", ".join("?" for _ in ids)), [*params, *ids])


def postpone(conn: duckdb.DuckDBPyConnection, ids: Sequence[str], until: datetime) -> None:
    """Move alerts to a later attempt without counting one (their receiver just failed another alert)."""
    _update(conn, ids, _POSTPONE, [until])


def retry_later(
    conn: duckdb.DuckDBPyConnection,
    ids: Sequence[str],
    *,
    attempt_at: datetime,
    retry_at: datetime,
    error: str,
) -> None:
    """Count a failed attempt and schedule the next one."""
    _update(conn, ids, _RETRY_LATER, [attempt_at, retry_at, error])


def finish(
    conn: duckdb.DuckDBPyConnection,
    ids: Sequence[str],
    *,
    delivered: bool,
    at: datetime,
    delivery: str | None,
    error: str | None,
) -> list[dict[str, Any]]:
    """Record a final status (`delivery` None: nothing was attempted); returns the rows, oldest first."""
    attempted = delivery is not None
    _update(
        conn,
        ids,
        _FINISH,
        [
            "delivered" if delivered else "failed", int(attempted), at if delivered else None, error, delivery,
            at if attempted else None,
        ],
    )  # fmt: skip
    rows = conn.execute(
        f"SELECT {', '.join(_EVENT_FIELDS)} FROM alert_events WHERE id IN ({', '.join('?' for _ in ids)}) "
        "ORDER BY created_at, id",
        list(ids),
    ).fetchall()
    return [dict(zip(_EVENT_FIELDS, row, strict=True)) for row in rows]
