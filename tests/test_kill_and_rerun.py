"""kill -9 `govwatch run --once` at some point, run it again: every announcement stored once, none missed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from govwatch.config import load_settings
from govwatch.demo.server import SampleServer, expected_counts
from govwatch.runner import run_once
from tests.support.sample_config import write_sample_config

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("kill_after_s", [1.0, 2.0, 3.0])
def test_kill_minus_nine_mid_run_then_rerun_stores_everything_once(
    tmp_path: Path, kill_after_s: float
) -> None:
    with SampleServer() as server:
        config = write_sample_config(server, tmp_path)
        process = subprocess.Popen(
            [sys.executable, "-m", "govwatch", "run", "--once", "--config", str(config)],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        time.sleep(kill_after_s)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        settings = load_settings(config, env={})
        run_once(settings)
    conn = duckdb.connect(str(settings.db_path), read_only=True)
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
