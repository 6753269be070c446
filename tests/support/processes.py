"""Processes in tests: govwatch commands started and stopped, and checks that nothing is left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[2]


def proc_text(pid: int, name: str) -> str | None:
    """The text of `/proc/<pid>/<name>`, or None when the process has gone (also between open and read)."""
    try:
        with open(f"/proc/{pid}/{name}") as handle:
            return handle.read()
    except (FileNotFoundError, ProcessLookupError):
        return None


def alive(pid: int) -> bool:
    """True while `pid` runs (a zombie counts as gone)."""
    stat = proc_text(pid, "stat")
    return stat is not None and stat.split()[2] != "Z"


def children(pid: int) -> list[int]:
    """The direct child processes of `pid`."""
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in out]


def wait_gone(pids: list[int], timeout_s: float = 10.0) -> bool:
    """Wait until none of `pids` runs; True if they all ended in time."""
    deadline = time.monotonic() + timeout_s
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not any(alive(p) for p in pids)


WAIT_S = 90.0


def wait_for(predicate: Callable[[], bool], what: str, timeout_s: float = WAIT_S) -> None:
    """Poll `predicate` every half second until it holds; fail naming `what` after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def start_govwatch(args: list[str], cwd: Path, log_path: Path) -> tuple[subprocess.Popen[str], IO[str]]:
    """A govwatch command in its own process, its stderr in a file (a full pipe would block it)."""
    log_file = log_path.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "govwatch", *args],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=log_file,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return process, log_file


def run_govwatch(
    args: list[str], *, timeout_s: float, cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """A govwatch command run to its end in its own process (`env`, default this one's, with this
    checkout importable), its stdout and stderr captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "govwatch", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        env={**(os.environ if env is None else env), "PYTHONPATH": str(ROOT)},
    )


def terminate(process: subprocess.Popen[Any], timeout_s: float = 60.0) -> None:
    """SIGTERM and wait, and never leave the process behind, even when the wait fails the test."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout_s)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def stop_govwatch(process: subprocess.Popen[str], log_file: IO[str]) -> None:
    """`terminate` the command, then close its log."""
    try:
        terminate(process)
    finally:
        log_file.close()
