"""kill -9 of the embedded broker under `govwatch run`: the run ends with one clear error in bounded time,
and a run after it stores everything once.

Seeded: the kill points are the same on every run of the suite. `GOVWATCH_SOAK=1` kills ten times.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from govwatch.config import load_settings
from govwatch.demo.server import SampleServer, expected_counts
from govwatch.runner import run_once
from tests.support.processes import children
from tests.support.sample_config import write_sample_config

ROOT = Path(__file__).resolve().parents[1]
SEED = 16
KILLS = 10 if os.environ.get("GOVWATCH_SOAK") else 3
#: Far beyond what the run needs to stop (a few seconds); before every wait had a deadline, runs took
#: 30 to 150 s and more after the broker died, stuck flushing producers to a broker that was gone.
EXIT_BOUND_S = 45.0


def _broker_child(pid: int, timeout_s: float = 30.0) -> int:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for child in children(pid):
            try:
                if "tansu" in Path(f"/proc/{child}/cmdline").read_text():
                    return child
            except FileNotFoundError:
                continue
        time.sleep(0.05)
    raise AssertionError("the run started no embedded broker")


def test_killing_the_embedded_broker_ends_the_run_with_a_clear_error_in_bounded_time(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    with SampleServer() as server:
        config = write_sample_config(server, tmp_path, interval="1s")
        for kill in range(KILLS):
            once = kill % 2 == 1
            log_path = tmp_path / f"run-{kill}.log"
            with log_path.open("w") as log_file:
                process = subprocess.Popen(
                    [sys.executable, "-m", "govwatch", "run", "--config", str(config)]
                    + (["--once"] if once else []),
                    cwd=tmp_path,
                    stdout=subprocess.DEVNULL,
                    stderr=log_file,
                    env={**os.environ, "PYTHONPATH": str(ROOT)},
                )
                try:
                    broker = _broker_child(process.pid)
                    time.sleep(rng.uniform(0.5, 5.0))
                    os.kill(broker, signal.SIGKILL)
                    try:
                        process.wait(timeout=EXIT_BOUND_S)
                    except subprocess.TimeoutExpired:
                        raise AssertionError(
                            f"kill {kill}: the run still ran {EXIT_BOUND_S:.0f}s after its broker died"
                        ) from None
                finally:
                    if process.poll() is None:
                        process.kill()
                        process.wait(timeout=10)
            err = log_path.read_text()
            if once and process.returncode == 0:
                continue  # the one-shot run had finished before the kill
            assert process.returncode == 1, err[-2000:]
            assert "Traceback" not in err, err[-3000:]
            assert (
                err.strip().splitlines()[-1].startswith("error: the embedded broker exited unexpectedly")
            ), err
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
