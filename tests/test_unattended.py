"""Running unattended, end to end against the GOV.UK-format sample server: a streaming run serves
/metrics, /healthz and /readyz, publishes its lag to `govwatch status`, and logs JSON lines. (`run --once`
with a failing source, its table, exit code and `govwatch status` are in tests/test_deploy.py, on the
shipped config.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
from typer.testing import CliRunner

from govwatch.broker import free_port
from govwatch.cli import app
from govwatch.config import load_settings
from govwatch.demo.server import SampleServer, expected_counts
from govwatch.query import read_rows
from tests.support.processes import terminate, wait_for
from tests.support.sample_config import write_sample_config

ROOT = Path(__file__).resolve().parents[1]


def _get(url: str) -> tuple[int, str]:
    try:
        response = httpx.get(url, timeout=5.0)
    except httpx.HTTPError:
        return -1, ""
    return response.status_code, response.text


def test_streaming_run_serves_metrics_health_readiness_status_and_json_logs(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with SampleServer() as server:
        config = write_sample_config(server, tmp_path, interval="1s")
        with config.open("a") as out:
            out.write(f'\n[[sources]]\nname = "broken"\nkind = "rss"\nurl = "{server.base_url}/gone.xml"\n')
            out.write('interval = "1s"\n')
        settings = load_settings(config, env={})
        log_path = tmp_path / "run.log"
        with log_path.open("w") as log_file:
            process = subprocess.Popen(
                [
                    *(sys.executable, "-m", "govwatch", "run", "--config", str(config)),
                    *("--metrics-port", str(port), "--log-format", "json"),
                ],
                cwd=tmp_path,
                stdout=subprocess.DEVNULL,
                stderr=log_file,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
            try:
                wait_for(lambda: _get(f"{base}/healthz") == (200, "ok\n"), "/healthz")
                expected = expected_counts(1)["announcements"]

                def stored() -> int:
                    try:
                        return int(read_rows(settings, "select count(*) from announcements")[1][0][0])
                    except Exception:
                        return -1

                wait_for(lambda: stored() == expected, "the sample to be loaded")
                wait_for(lambda: _get(f"{base}/readyz")[0] == 503, "/readyz to see the broken source")
                problems = _get(f"{base}/readyz")[1].splitlines()
                assert problems and all(p.startswith("source broken: failing") for p in problems), problems
                needles = (
                    'govwatch_polls_total{outcome="ok",source="govuk-dsit"}',
                    'govwatch_polls_total{outcome="failed",source="broken"}',
                    'govwatch_loaded_total{consumer="loader"}',
                    'govwatch_document_latency_seconds_count{stage="kafka"}',
                    'govwatch_document_latency_seconds_count{stage="duckdb"}',
                    'govwatch_source_last_success_timestamp_seconds{source="govuk-dsit"}',
                    'govwatch_consumer_lag_messages{consumer="loader",partition="0"}',
                    "govwatch_batch_seconds_bucket",
                )

                def missing() -> list[str]:
                    status, metrics = _get(f"{base}/metrics")
                    return [n for n in needles if status != 200 or n not in metrics]

                # A bundle's Kafka latency is observed just after its messages are acknowledged, which
                # may be a moment after the loader stored them: wait for every metric to be there.
                wait_for(lambda: not missing(), "every metric")
                report = CliRunner().invoke(app, ["status", "--config", str(config), "--format", "json"])
                run = json.loads(report.stdout)["run"]
                assert run is not None and run["pid"] == process.pid and "loader" in run["lag"]
            finally:
                terminate(process)
    assert process.returncode in (0, 130)
    records = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
    polls = [r for r in records if r["level"] == "INFO" and r["message"].startswith("poll govuk-dsit: ")]
    assert polls and all({"time", "logger", "message"} <= set(r) for r in polls)
