"""kill -9 `govwatch run --once` at some point, run it again: every announcement stored once, none missed."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from govwatch.config import load_settings
from govwatch.demo.server import SampleServer
from govwatch.runner import run_once
from tests.support.kills import assert_sample_stored_once, start_module
from tests.support.sample_config import write_sample_config


@pytest.mark.parametrize("kill_after_s", [1.0, 2.0, 3.0])
def test_kill_minus_nine_mid_run_then_rerun_stores_everything_once(
    tmp_path: Path, kill_after_s: float
) -> None:
    with SampleServer() as server:
        config = write_sample_config(server, tmp_path)
        process = start_module(
            ["govwatch", "run", "--once", "--config", str(config)],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(kill_after_s)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        settings = load_settings(config, env={})
        run_once(settings)
    assert_sample_stored_once(settings.db_path)
