"""`govwatch demo --serve` serves the bundled sample alone with a config `govwatch run` can use as is;
the demo's closing hints name the program as the user can type it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from govwatch.config import load_settings
from govwatch.demo.run import DemoResult, print_summary
from govwatch.demo.server import expected_counts
from govwatch.query import read_rows
from tests.support.processes import run_govwatch, terminate

ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 60.0
RUN_TIMEOUT_S = 300


def _read_config(process: subprocess.Popen[str]) -> str:
    """Everything the server printed on stdout once it says on stderr that it serves."""
    assert process.stderr is not None and process.stdout is not None
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if "serving the sample on" in line:
            os.set_blocking(process.stdout.fileno(), False)
            return process.stdout.read()
        if not line and process.poll() is not None:
            break
    raise AssertionError("the sample server did not say it was serving")


def test_demo_serve_prints_a_config_that_run_once_loads_in_full(tmp_path: Path) -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "govwatch", "demo", "--serve", "--db", str(tmp_path / "sample.duckdb")],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        text = _read_config(server)
        assert tomllib.loads(text)["sources"]
        config = tmp_path / "sample.toml"
        config.write_text(text)
        run = run_govwatch(["run", "--once", "--config", str(config)], cwd=tmp_path, timeout_s=RUN_TIMEOUT_S)
        assert run.returncode == 0, run.stderr[-3000:]
        settings = load_settings(config, env={})
        stored = read_rows(settings, "select count(*) from announcements")[1][0][0]
        assert stored == expected_counts(1)["announcements"]
    finally:
        terminate(server, timeout_s=30)
    assert server.returncode == 0


def test_demo_hints_name_the_program_as_it_was_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.console import Console

    monkeypatch.setattr(sys, "argv", [".venv/bin/govwatch", "demo"])
    monkeypatch.setenv("PATH", str(tmp_path))
    console = Console(width=300, record=True)
    print_summary(DemoResult(db_path=Path("govwatch.duckdb"), seconds=1.0), console)
    hints = [line.strip() for line in console.export_text().splitlines() if line.startswith("  ")]
    assert hints and all(h.startswith(".venv/bin/govwatch ") for h in hints)
    assert ".venv/bin/govwatch subscriptions list" in hints
