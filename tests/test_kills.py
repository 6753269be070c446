"""kill -9 of `govwatch run` or of its embedded broker at seeded random points, ten times by default:
after each kill nothing is doubled, nothing unpublished is stored and no alert went out unrecorded; a run
whose broker died ends with one clear error in bounded time; and a last run to the end leaves every
announcement stored once and every alert recorded once and delivered (once to a file, at least once with
the same id to a webhook).

The kills alternate the victim (the broker child, the run) and the mode (streaming, one-shot), and land at
a seeded moment of the run's life: while it starts its pipeline, polls, loads, reopens its database or
delivers. Each kill costs
one run's start-up, so the runs go straight on, one after another, on the same database and checkpoint.
Seeded: the kill points are the same on every run of the suite. `GOVWATCH_SOAK=1` kills thirty times.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

from govwatch.config import load_settings
from govwatch.demo.server import SampleServer, expected_counts
from govwatch.runner import run_once
from tests.alerts.conftest import Receiver
from tests.support.kills import check_store, kill, reap, start, subscriptions_toml
from tests.support.processes import children, proc_text
from tests.support.sample_config import write_sample_config

SEED = 16
KILLS = 30 if os.environ.get("GOVWATCH_SOAK") else 10
#: Far beyond what a run needs to stop after its broker died (a few seconds); before every wait had a
#: deadline, runs took 30 to 150 s and more, stuck flushing producers to a broker that was gone.
EXIT_BOUND_S = 45.0
BROKER_START_S = 60.0
#: The one line a run ends with when its broker is killed: while it runs, or while it starts.
BROKER_DIED = ("error: the embedded broker exited unexpectedly", "error: the embedded broker was killed")
#: When, after its broker answers, a run is killed: start-up takes ~1-4 s on a busy 2-core machine, the
#: sample's polls and loading a few more.
KILL_AFTER_S = (0.2, 5.0)


def _broker_child(process: subprocess.Popen[str], log_path: Path) -> int:
    deadline = time.monotonic() + BROKER_START_S
    while time.monotonic() < deadline:
        for child in children(process.pid):
            if "tansu" in (proc_text(child, "cmdline") or ""):  # (a child may end while it is read)
                return child
        if process.poll() is not None:
            break
        time.sleep(0.02)
    raise AssertionError(f"the run started no embedded broker:\n{log_path.read_text()[-2000:]}")


def _kill_once(config: Path, folder: Path, kill_no: int, rng: random.Random) -> None:
    victim = ("broker", "run")[kill_no % 2]  # broker and run in turn, streaming then one-shot runs
    once = (kill_no // 2) % 2 == 1
    log_path = folder / f"run-{kill_no}.log"
    process = start(
        ["govwatch", "run", "--config", str(config), *(["--once"] if once else [])], log_path, cwd=folder
    )
    try:
        broker = _broker_child(process, log_path)
        time.sleep(rng.uniform(*KILL_AFTER_S))
        kill(broker if victim == "broker" else process.pid)
        try:
            process.wait(timeout=EXIT_BOUND_S)
        except subprocess.TimeoutExpired:
            raise AssertionError(
                f"kill {kill_no}: the run still ran {EXIT_BOUND_S:.0f}s after its {victim} died"
            ) from None
    finally:
        reap(process)
    err = log_path.read_text()
    if victim == "run":
        assert process.returncode in (-signal.SIGKILL, 0), err[-2000:]  # 0: a one-shot run done before
        return
    if once and process.returncode == 0:
        return  # a one-shot run that had finished before its broker was killed
    assert process.returncode == 1, err[-2000:]
    assert "Traceback" not in err, err[-3000:]
    assert err.strip().splitlines()[-1].startswith(BROKER_DIED), err


def test_kills_of_the_run_or_its_broker_lose_and_double_nothing(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    receiver = Receiver()
    alerts_file = tmp_path / "alerts.jsonl"
    db = tmp_path / "govwatch.duckdb"
    try:
        with SampleServer() as server:
            # The runs reopen their database every half second, so a kill may land in a reopen too.
            config = write_sample_config(server, tmp_path, interval="1s", reopen_every="0.5s")
            with config.open("a") as handle:
                handle.write(subscriptions_toml(receiver, alerts_file))
            for kill_no in range(KILLS):
                _kill_once(config, tmp_path, kill_no, rng)
                check_store(db, alerts_file, receiver, complete=False)
            settings = load_settings(config, env={})
            run_once(settings)
        check_store(db, alerts_file, receiver, complete=True, count=expected_counts(1)["announcements"])
    finally:
        receiver.stop()
