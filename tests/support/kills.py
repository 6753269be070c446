"""What the kill -9 tests share: alert subscriptions to a file and a webhook, a process killed at a seeded
moment, and the check of what DuckDB, the alerts file and the webhook receiver hold afterwards.

Between kills the check is partial (nothing doubled, nothing that was not published, no alert sent that
is not recorded); once a run has caught up it is complete (every published version stored, every alert
recorded, delivered, written to the file once and posted under its own id).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Collection
from pathlib import Path

import duckdb

from tests.alerts.conftest import Receiver

ROOT = Path(__file__).resolve().parents[2]
#: Subscriptions every kill test declares: each MoU alerts a webhook (at least once, under one id) and a
#: file (exactly once).
HOOK, FILE = "hook", "file"
KIND = "memorandum_of_understanding"


def subscriptions_toml(receiver: Receiver, alerts_file: Path) -> str:
    """The `[[subscriptions]]` of a kill test's config."""
    return f"""
[[subscriptions]]
name = "{HOOK}"
kinds = ["{KIND}"]
channel = "webhook:{receiver.url}"
secret = "kill-test-secret"

[[subscriptions]]
name = "{FILE}"
kinds = ["{KIND}"]
channel = "file:{alerts_file}"
"""


def start(args: list[str], log_path: Path, *, cwd: Path = ROOT, piped: bool = False) -> subprocess.Popen[str]:
    """Start `python -m ARGS...` with the project importable, stderr to `log_path`."""
    with log_path.open("w") as log_file:
        return subprocess.Popen(
            [sys.executable, "-m", *args],
            cwd=cwd,
            stdout=subprocess.PIPE if piped else subprocess.DEVNULL,
            stderr=log_file,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )


def kill(pid: int) -> None:
    """kill -9, of a process that may have ended already."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def reap(process: subprocess.Popen[str], timeout_s: float = 10.0) -> None:
    """Make sure `process` has ended (kill -9 when it still runs) and is waited for."""
    if process.poll() is None:
        process.kill()
    process.wait(timeout=timeout_s)


def check_store(
    db: Path,
    alerts_file: Path,
    receiver: Receiver,
    *,
    complete: bool,
    published: Collection[tuple[str, int]] | None = None,
    count: int | None = None,
) -> None:
    """Check the database a killed (or finished) process left, with the alerts the file and the webhook got.

    Always: no (id, version) stored twice or that was never `published` (when the test knows the set),
    no alert recorded twice for the same subscription and announcement, no alert written to the file
    twice, and nothing written or posted that is not recorded. With `complete`: every published version
    is stored (or `count` versions, when the test knows only how many), every stored announcement with
    an MoU has its alert on both subscriptions, and every alert is delivered.
    """
    if not db.exists():  # killed before it created the database: nothing may have been sent either
        assert not complete and not _lines(alerts_file) and not receiver.received
        return
    conn = duckdb.connect(str(db), read_only=True)
    try:
        stored = Counter(conn.execute("select id, version from announcement_versions").fetchall())
        alerts = conn.execute("select subscription, announcement_id, id, status from alerts").fetchall()
        with_mou = {
            row[0]
            for row in conn.execute(
                "select distinct announcement_id from partnership_rows where kind = ?", [KIND]
            ).fetchall()
        }
    finally:
        conn.close()
    doubled = [key for key, count in stored.items() if count > 1]
    assert not doubled, f"stored twice: {doubled[:5]}"
    if published is not None:
        assert set(stored) <= set(published), f"never published: {sorted(set(stored) - set(published))[:5]}"
    per_announcement = Counter((subscription, announcement) for subscription, announcement, _i, _s in alerts)
    assert max(per_announcement.values(), default=1) == 1, "an announcement alerted twice on a subscription"
    ids = {name: {i for subscription, _a, i, _s in alerts if subscription == name} for name in (HOOK, FILE)}
    written = Counter(json.loads(line)["alert_id"] for line in _lines(alerts_file))
    assert max(written.values(), default=1) == 1, "an alert written to the file twice"
    assert set(written) <= ids[FILE], "the file holds an alert that is not recorded"
    posted = {r.headers["X-Govwatch-Alert-Id"] for r in receiver.received}
    assert posted <= ids[HOOK], "the webhook got an alert that is not recorded"
    if not complete:
        return
    if published is not None:
        assert set(stored) == set(published), f"not stored: {sorted(set(published) - set(stored))[:5]}"
    if count is not None:
        assert len(stored) == count
    for name in (HOOK, FILE):
        alerted = {a for s, a, _i, _st in alerts if s == name}
        assert alerted == with_mou, (
            f"{name}: MoU announcements without an alert {sorted(with_mou - alerted)}, "
            f"alerts for announcements without an MoU {sorted(alerted - with_mou)}"
        )
    assert {status for _s, _a, _i, status in alerts} <= {"delivered"}
    assert set(written) == ids[FILE]  # each once (checked above)
    assert posted == ids[HOOK]  # at least once each, always under its own id


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []
