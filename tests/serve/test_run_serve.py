"""`govwatch run --serve`: the streaming run in its own process serves the web page while it loads."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from govwatch.demo.server import SampleServer
from tests.alerts.conftest import free_port
from tests.support.processes import start_govwatch, stop_govwatch
from tests.support.sample_config import write_sample_config

WAIT_S = 90.0


def test_run_serve_shows_announcements_while_loading(tmp_path: Path) -> None:
    port = free_port()
    with SampleServer() as server:
        config = write_sample_config(server, tmp_path, interval="1s")
        log_path = tmp_path / "run.log"
        process, log_file = start_govwatch(
            ["run", "--serve", "--serve-port", str(port), "--config", str(config)], tmp_path, log_path
        )
        try:
            deadline = time.monotonic() + WAIT_S
            page = ""
            while time.monotonic() < deadline and 'class="title"' not in page:
                time.sleep(0.5)
                try:
                    response = httpx.get(
                        f"http://127.0.0.1:{port}/?kind=memorandum_of_understanding", timeout=10
                    )
                except httpx.HTTPError:
                    continue
                page = response.text if response.status_code == 200 else ""
            assert 'class="title"' in page, log_path.read_text()[-3000:]
            assert "memorandum of understanding" in page
        finally:
            stop_govwatch(process, log_file)
        assert process.returncode in (0, 130), log_path.read_text()[-3000:]
        assert f"web page on http://127.0.0.1:{port}/" in log_path.read_text()
