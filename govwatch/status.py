"""What each source is doing, as plain data: for `govwatch status`, the `run --once` table and web pages.

The facts live in the connectors' checkpoint (SQLite in WAL mode, readable while a run writes it); the
functions here only read them. `source_statuses` is pure: give it the settings, the checkpoint's states and
the time, and it says per configured source whether it is healthy, failing or backing off, and when it is
next due.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from govwatch.config import Settings
from govwatch.connectors.checkpoint import Checkpoint, SourceState
from govwatch.connectors.poll import source_key

OK = "ok"
FAILED = "failed"
BACKING_OFF = "backing off"
NEVER_POLLED = "never polled"
NOT_POLLED = "not polled"
UNHEALTHY = (FAILED, BACKING_OFF)


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceStatus:
    """One configured source as the checkpoint knows it."""

    name: str
    kind: str
    url: str
    status: str
    interval_s: float
    last_poll: datetime | None
    last_success: datetime | None
    last_error: str
    failures: int
    items_seen: int
    new: int
    updated: int
    unchanged: int
    failed_items: int
    next_due: datetime | None
    backing_off_until: datetime | None


def source_statuses(
    settings: Settings,
    states: Mapping[str, SourceState],
    now: datetime,
    *,
    since: datetime | None = None,
) -> list[SourceStatus]:
    """The status of every configured source.

    Args:
        settings: the configured sources.
        states: the checkpoint's states by source key (`Checkpoint.source_states()`).
        now: the current time (aware).
        since: the start of a run: a source not polled since then is "backing off" (skipped because of
            earlier failures) or "not polled"; one that failed since then is "failed".

    Returns:
        One `SourceStatus` per configured source, in config order. Status is one of "ok", "failed"
        (its last poll failed), "backing off", "never polled", "not polled".
    """
    out = []
    for source in settings.sources:
        state = states.get(source_key(source, settings), SourceState())
        backing_off = state.next_due if state.next_due is not None and state.next_due > now else None
        polled_now = state.last_poll is not None and (since is None or state.last_poll >= since)
        if state.last_poll is None:
            status = NEVER_POLLED
        elif backing_off is not None:
            status = FAILED if polled_now else BACKING_OFF
        elif state.failures:
            status = FAILED
        else:
            status = OK if polled_now else NOT_POLLED
        due = [moment for moment in (state.next_poll, state.next_due) if moment is not None]
        out.append(
            SourceStatus(
                name=source.name,
                kind=source.kind,
                url=source.url,
                status=status,
                interval_s=source.interval_s,
                last_poll=state.last_poll,
                last_success=state.last_success,
                last_error=state.last_error,
                failures=state.failures,
                items_seen=state.items_seen,
                new=state.last_new,
                updated=state.last_updated,
                unchanged=state.last_unchanged,
                failed_items=state.last_failed,
                next_due=max(due) if due else None,
                backing_off_until=backing_off,
            )
        )
    return out


def read_source_statuses(
    settings: Settings, *, now: datetime | None = None, since: datetime | None = None
) -> list[SourceStatus]:
    """`source_statuses` from the checkpoint file (none yet: every source is "never polled")."""
    moment = now or datetime.now(UTC)
    states: dict[str, SourceState] = {}
    if settings.checkpoint_path.exists():
        with Checkpoint(settings.checkpoint_path) as checkpoint:
            states = checkpoint.source_states()
    return source_statuses(settings, states, moment, since=since)


RUN_COLUMNS = ["source", "status", "new", "updated", "unchanged", "failed", "error", "next due"]


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ") if moment else ""


def run_rows(statuses: list[SourceStatus]) -> list[list[str]]:
    """The per-source table `govwatch run --once` prints on stderr."""
    return [
        [
            s.name,
            s.status if s.status != FAILED else f"failed ({s.failures} in a row)",
            str(s.new),
            str(s.updated),
            str(s.unchanged),
            str(s.failed_items),
            s.last_error if s.status in UNHEALTHY else "",
            _when(s.next_due),
        ]
        for s in statuses
    ]


# --- the running process: consumer lag, published beside the database --------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class RunState:
    """What a running `govwatch run` publishes every few seconds in `<db>.run.json`."""

    pid: int
    started_at: float
    updated_at: float
    lag: dict[str, dict[int, int]]  # consumer → partition → messages not yet consumed


def run_state_path(db_path: Path) -> Path:
    return Path(str(db_path) + ".run.json")


def write_run_state(db_path: Path, state: RunState) -> None:
    """Replace the run file atomically, so a reader never sees half of it."""
    path = run_state_path(db_path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(asdict(state)), encoding="utf-8")
    os.replace(tmp, path)


def clear_run_state(db_path: Path) -> None:
    run_state_path(db_path).unlink(missing_ok=True)


def read_run_state(db_path: Path) -> RunState | None:
    """The state of the run that owns the database, or None when no live run published one."""
    try:
        raw = json.loads(run_state_path(db_path).read_text(encoding="utf-8"))
        state = RunState(
            pid=int(raw["pid"]),
            started_at=float(raw["started_at"]),
            updated_at=float(raw["updated_at"]),
            lag={str(c): {int(p): int(n) for p, n in parts.items()} for c, parts in raw["lag"].items()},
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    try:
        os.kill(state.pid, 0)
    except ProcessLookupError:
        return None  # a run that died without cleaning up
    except PermissionError:
        pass  # alive, owned by another user
    return state


# --- the database: alert backlog and failures, recent dead letters -------------------------------------

ALERTS_SQL = "SELECT status, count(*) FROM alerts GROUP BY status ORDER BY status"
DEADLETTERS_SQL = (
    "SELECT stage, count(*) FROM deadletters WHERE failed_at >= now() - INTERVAL 1 DAY "
    "GROUP BY stage ORDER BY stage"
)


def database_status(settings: Settings) -> dict[str, Any]:
    """Alerts by delivery status and dead letters of the last day by stage (read through `govwatch
    query`'s path, so it works while a run holds the database)."""
    from govwatch.query import read_rows

    if not settings.db_path.exists():
        return {"database": str(settings.db_path), "exists": False}
    alerts = dict(read_rows(settings, ALERTS_SQL)[1])
    dead = dict(read_rows(settings, DEADLETTERS_SQL)[1])
    return {
        "database": str(settings.db_path),
        "exists": True,
        "alerts": {str(k): int(v) for k, v in alerts.items()},
        "alert_backlog": int(alerts.get("pending", 0)),
        "alert_failures": int(alerts.get("failed", 0)),
        "deadletters_last_day": {str(k): int(v) for k, v in dead.items()},
    }


def status_report(settings: Settings, *, now: datetime | None = None) -> dict[str, Any]:
    """Everything `govwatch status` shows, JSON-ready: sources, the live run's lag, alerts, dead letters."""
    moment = now or datetime.now(UTC)
    run = read_run_state(settings.db_path)
    return {
        "checked_at": _when(moment),
        "sources": [
            {k: (_when(v) if isinstance(v, datetime) else v) for k, v in asdict(s).items()}
            for s in read_source_statuses(settings, now=moment)
        ],
        "run": None
        if run is None
        else {
            "pid": run.pid,
            "started_at": _when(datetime.fromtimestamp(run.started_at, UTC)),
            "updated_at": _when(datetime.fromtimestamp(run.updated_at, UTC)),
            "lag": run.lag,
        },
        **database_status(settings),
    }


STATUS_COLUMNS = ["source", "status", "last poll", "last success", "items seen", "next due", "error"]


def status_rows(report: Mapping[str, Any]) -> list[list[str]]:
    """The sources of a `status_report` as table rows."""
    return [
        [
            s["name"],
            s["status"] + (f" until {s['backing_off_until']}" if s["backing_off_until"] else ""),
            s["last_poll"] or "",
            s["last_success"] or "",
            str(s["items_seen"]),
            s["next_due"] or "",
            s["last_error"] if s["failures"] else "",
        ]
        for s in report["sources"]
    ]


def status_lines(report: Mapping[str, Any]) -> list[str]:
    """The rest of a `status_report` as lines: the run's lag, alerts, dead letters."""
    run = report["run"]
    if run is None:
        lines = ["run: none in progress (loader lag is known only while `govwatch run` runs)"]
    else:
        lag = "; ".join(
            f"{consumer} " + ", ".join(f"p{p}={n}" for p, n in sorted(parts.items()))
            for consumer, parts in sorted(run["lag"].items())
        )
        lines = [f"run: pid {run['pid']} since {run['started_at']}, lag (messages behind) {lag or 'none'}"]
    if not report["exists"]:
        return [*lines, f"database: {report['database']} does not exist yet"]
    dead = report["deadletters_last_day"]
    return [
        *lines,
        f"alerts: {report['alert_backlog']} pending, {report['alert_failures']} failed"
        f" ({sum(report['alerts'].values())} in all)",
        "dead letters in the last day: "
        + (", ".join(f"{n} at {stage}" for stage, n in dead.items()) if dead else "none"),
    ]
