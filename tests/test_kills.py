"""kill -9 of `govwatch run` or of its embedded broker at seeded random points, then a run to the end:
every announcement stored once, every alert recorded once and delivered (once to a file, at least once
with the same id to a webhook), and a run whose broker died ends with one clear error in bounded time.

Seeded: the kill points are the same on every run of the suite. `GOVWATCH_SOAK=1` kills twelve times.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import duckdb

from govwatch.config import load_settings
from govwatch.demo.server import SampleServer
from govwatch.runner import run_once
from tests.alerts.conftest import Receiver
from tests.support.kills import (
    alert_subscriptions,
    assert_alerts_sent_once,
    assert_sample_stored_once,
    start_module,
)
from tests.support.processes import children
from tests.support.sample_config import write_sample_config

SEED = 16
KILLS = 12 if os.environ.get("GOVWATCH_SOAK") else 3
#: Far beyond what a run needs to stop after its broker died (a few seconds); before every wait had a
#: deadline, runs took 30 to 150 s and more, stuck flushing producers to a broker that was gone.
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


def _subscribe(config: Path, receiver: Receiver, alerts_file: Path) -> None:
    with config.open("a") as handle:
        handle.write(alert_subscriptions(receiver, alerts_file))


def _kill_once(config: Path, tmp_path: Path, kill: int, rng: random.Random) -> None:
    victim = ("broker", "run")[kill % 2]  # broker and run in turn, streaming then one-shot runs
    once = (kill // 2) % 2 == 1
    log_path = tmp_path / f"run-{kill}.log"
    with log_path.open("w") as log_file:
        process = start_module(
            ["govwatch", "run", "--config", str(config)] + (["--once"] if once else []),
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=log_file,
        )
        try:
            broker = _broker_child(process.pid)
            time.sleep(rng.uniform(0.5, 4.0))
            os.kill(broker if victim == "broker" else process.pid, signal.SIGKILL)
            try:
                process.wait(timeout=EXIT_BOUND_S)
            except subprocess.TimeoutExpired:
                raise AssertionError(
                    f"kill {kill}: the run still ran {EXIT_BOUND_S:.0f}s after its {victim} died"
                ) from None
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
    err = log_path.read_text()
    if victim == "run" or (once and process.returncode == 0):
        return  # killed itself, or a one-shot run that had finished before its broker was killed
    assert process.returncode == 1, err[-2000:]
    assert "Traceback" not in err, err[-3000:]
    assert err.strip().splitlines()[-1].startswith("error: the embedded broker exited unexpectedly"), err


def test_kills_of_the_run_or_its_broker_lose_and_double_nothing(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    receiver = Receiver()
    alerts_file = tmp_path / "alerts.jsonl"
    try:
        with SampleServer() as server:
            config = write_sample_config(server, tmp_path, interval="1s")
            _subscribe(config, receiver, alerts_file)
            for kill in range(KILLS):
                _kill_once(config, tmp_path, kill, rng)
            settings = load_settings(config, env={})
            run_once(settings)
    finally:
        receiver.stop()
    assert_sample_stored_once(settings.db_path)
    conn = duckdb.connect(str(settings.db_path), read_only=True)
    try:
        alerts = dict(
            conn.execute("select subscription, list(id order by id) from alerts group by all").fetchall()
        )
        statuses = conn.execute("select distinct status from alerts").fetchall()
    finally:
        conn.close()
    assert alerts["hook"] and statuses == [("delivered",)]
    assert_alerts_sent_once(alerts, alerts_file, receiver)
