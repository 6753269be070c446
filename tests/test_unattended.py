"""Running unattended, end to end against the GOV.UK-format sample server: `run --once` says which
sources failed (table on stderr, exit 1) and counts dead letters honestly; `govwatch status` reports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from govwatch.cli import app
from govwatch.config import load_settings
from govwatch.demo.server import SampleServer
from govwatch.query import read_rows
from tests.support.sample_config import write_sample_config

ROOT = Path(__file__).resolve().parents[1]
RUN_TIMEOUT_S = 300


def _govwatch(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "govwatch", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_run_once_with_a_broken_source_exits_1_with_a_table_and_status_tells_why(tmp_path: Path) -> None:
    with SampleServer() as server:
        config = write_sample_config(server, tmp_path)
        broken_url = f"{server.base_url}/no-such-newsroom/feed.xml"
        with config.open("a") as out:
            out.write(f'\n[[sources]]\nname = "broken"\nkind = "rss"\nurl = "{broken_url}"\n')
        result = _govwatch("run", "--once", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 1, result.stderr[-3000:]
    lines = result.stderr.splitlines()
    assert "Traceback" not in result.stderr
    assert lines[-1].startswith("error: 1 of ") and "(broken)" in lines[-1]
    [row] = [line for line in lines if line.startswith("broken ")]
    assert "failed (1 in a row)" in row and "404" in row
    ok_rows = [line for line in lines if " ok " in line]
    assert len(ok_rows) == len(load_settings(config, env={}).sources) - 1
    settings = load_settings(config, env={})
    stored_dead = read_rows(settings, "select count(*) from deadletters")[1][0][0]
    [done] = [line for line in lines if line.startswith("done: ")]
    assert f"{stored_dead} dead-lettered" in done and stored_dead >= 1

    status = CliRunner().invoke(app, ["status", "--config", str(config), "--format", "json"])
    assert status.exit_code == 0, status.output
    report = json.loads(status.stdout)
    by_name = {s["name"]: s for s in report["sources"]}
    assert by_name["broken"]["status"] == "failed" and "404" in by_name["broken"]["last_error"]
    assert by_name["broken"]["backing_off_until"]
    healthy = [s for s in report["sources"] if s["name"] != "broken"]
    assert all(s["status"] == "ok" and s["last_success"] and s["next_due"] for s in healthy)
    assert sum(s["items_seen"] for s in healthy) > 0
    assert report["run"] is None and report["deadletters_last_day"].get("source") == 1
    assert report["alert_failures"] == 0
    table = CliRunner().invoke(app, ["status", "--config", str(config)])
    assert (
        table.exit_code == 0 and "broken" in table.stdout and "dead letters in the last day" in table.stdout
    )
