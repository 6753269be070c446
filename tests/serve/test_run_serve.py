"""`govwatch run --serve`: the streaming run in its own process serves the web page while it loads."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from govwatch.demo.server import SampleServer
from tests.support.sample_config import write_sample_config

ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 90.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_run_serve_shows_announcements_while_loading(tmp_path: Path) -> None:
    port = _free_port()
    with SampleServer() as server:
        config = write_sample_config(server, tmp_path, interval="1s")
        log_path = tmp_path / "run.log"
        log_file = log_path.open("w")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "govwatch",
                "run",
                "--serve",
                "--serve-port",
                str(port),
                "--config",
                str(config),
            ],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=log_file,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
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
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            finally:
                log_file.close()
                if process.poll() is None:
                    process.kill()
                    process.wait(timeout=10)
        assert process.returncode in (0, 130), log_path.read_text()[-3000:]
        assert f"web page on http://127.0.0.1:{port}/" in log_path.read_text()
