"""What the end-to-end benches share: a webhook receiver, and `govwatch run` watching the local site.

`bench_freshness` and `bench_memory` start the real command against `bench/govuk_site.py` with a webhook
subscription; `bench_alert_latency` times webhooks from a stack of its own.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bench.govuk_site import GovukSite

ROOT = Path(__file__).parents[1]
START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 60.0

#: Called with each alerted announcement's id and when its webhook arrived (`time.perf_counter`).
OnAlert = Callable[[str, float], object]


def webhook_receiver(on_alert: OnAlert | None = None) -> ThreadingHTTPServer:
    """A webhook endpoint on 127.0.0.1 that answers 204, serving on a thread of its own."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if on_alert is not None:
                now = time.perf_counter()
                message = json.loads(body)
                for item in message.get("items", [message]):
                    on_alert(str(item.get("announcement", item).get("id")), now)
            self.send_response(204)
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def hook_url(receiver: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{receiver.server_address[1]}/hook"


def run_config(
    site: GovukSite, folder: Path, hook: str, *, interval_s: float, source_extra: str = ""
) -> Path:
    """A config: the site's feed as one `govuk_atom` source, politeness off, MoUs alerted to `hook`."""
    path = folder / "govwatch.toml"
    path.write_text(
        f"""[govuk]
base_url = "{site.base_url}"

[duckdb]
path = "{folder / "govwatch.duckdb"}"

[http]
requests_per_second_per_host = 0.0

[[sources]]
name = "dsit"
kind = "govuk_atom"
url = "{site.feed_url}"
interval = "{interval_s:g}s"
{source_extra}
[[subscriptions]]
name = "mous"
kinds = ["memorandum_of_understanding"]
channel = "webhook:{hook}"
secret = "bench"
"""
    )
    return path


@contextmanager
def govwatch_run(site: GovukSite, config: Path, folder: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`govwatch run` on `config`, yielded once it has polled the site's feed; stopped as Ctrl-C would.

    Its log is `folder/run.log`.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "govwatch", "run", "--config", str(config)],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=(folder / "run.log").open("w"),
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        deadline = time.perf_counter() + START_TIMEOUT_S
        while not site.feed_requests:  # warm-up: the run is up and has polled once
            if process.poll() is not None or time.perf_counter() > deadline:
                raise SystemExit("govwatch run did not start:\n" + (folder / "run.log").read_text()[-2000:])
            time.sleep(0.1)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
