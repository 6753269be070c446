"""What the kill tests share: the alert subscriptions they watch, a module started as a process, and
the checks that nothing was lost or doubled."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb

from govwatch.demo.server import expected_counts
from tests.alerts.conftest import Receiver

ROOT = Path(__file__).resolve().parents[2]


def alert_subscriptions(receiver: Receiver, alerts_file: Path) -> str:
    """TOML for two subscriptions to every MoU: one posted to `receiver`, one written to `alerts_file`."""
    return f"""
[[subscriptions]]
name = "hook"
kinds = ["memorandum_of_understanding"]
channel = "webhook:{receiver.url}"
secret = "kill-test-secret"

[[subscriptions]]
name = "file"
kinds = ["memorandum_of_understanding"]
channel = "file:{alerts_file}"
"""


def start_module(args: list[str], *, cwd: Path, **popen: Any) -> subprocess.Popen[Any]:
    """`python -m ARGS...` as a child process that imports this checkout."""
    return subprocess.Popen(
        [sys.executable, "-m", *args], cwd=cwd, env={**os.environ, "PYTHONPATH": str(ROOT)}, **popen
    )


def assert_sample_stored_once(db: Path) -> None:
    """The demo sample's announcements are all stored, and no version twice."""
    conn = duckdb.connect(str(db), read_only=True)
    try:
        assert conn.execute("select count(*) from announcements").fetchone() == (
            expected_counts(1)["announcements"],
        )
        doubled = conn.execute(
            "select count(*) from (select id, version from announcement_versions group by all having count(*) > 1)"
        ).fetchone()
        assert doubled == (0,)
    finally:
        conn.close()


def assert_alerts_sent_once(alerts: dict[str, list[str]], alerts_file: Path, receiver: Receiver) -> None:
    """The file holds each alert once; the webhook got each alert, some maybe twice, always with its id."""
    lines = [json.loads(line)["alert_id"] for line in alerts_file.read_text().splitlines()]
    assert sorted(lines) == sorted(alerts["file"])
    posted = Counter(r.headers["X-Govwatch-Alert-Id"] for r in receiver.received)
    assert set(posted) == set(alerts["hook"])
