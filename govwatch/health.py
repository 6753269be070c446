"""The HTTP endpoint of a running govwatch: /metrics for Prometheus, /healthz and /readyz for probes.

/healthz answers 200 while the process serves at all. /readyz answers 200 only when the broker accepts
connections, DuckDB accepts a write, and no source has been failing for longer than
`[metrics] ready_failed_intervals` of its intervals; otherwise 503 with one line per problem.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import duckdb
from prometheus_client import CONTENT_TYPE_LATEST, Gauge, generate_latest

from govwatch.config import Settings
from govwatch.connectors.checkpoint import Checkpoint, SourceState
from govwatch.connectors.poll import source_key
from govwatch.errors import GovwatchError
from govwatch.store.database import RunDatabase

log = logging.getLogger(__name__)

BROKER_CONNECT_TIMEOUT_S = 2.0
SOURCE_LAST_SUCCESS = Gauge(
    "govwatch_source_last_success_timestamp_seconds",
    "When each source was last polled successfully.",
    ["source"],
)
SOURCE_FAILURES = Gauge("govwatch_source_failures", "Consecutive failed polls of each source.", ["source"])
ALERTS = Gauge("govwatch_alerts", "Alerts in the database, by delivery status.", ["status"])


def failing_sources(
    settings: Settings, states: Mapping[str, SourceState], now: datetime, intervals: int
) -> list[str]:
    """Sources failing for longer than `intervals` of their interval (since their last success; a source
    that never succeeded: once it failed that many times in a row)."""
    out = []
    for source in settings.sources:
        state = states.get(source_key(source, settings), SourceState())
        if not state.failures:
            continue
        if state.last_success is None:
            failing = state.failures >= intervals
        else:
            failing = now - state.last_success > timedelta(seconds=intervals * source.interval_s)
        if failing:
            out.append(f"source {source.name}: failing ({state.failures} in a row): {state.last_error}")
    return out


def broker_reachable(bootstrap_servers: str) -> list[str]:
    """A problem line unless some bootstrap server accepts a TCP connection."""
    problems = []
    for server in (s.strip() for s in bootstrap_servers.split(",") if s.strip()):
        host, _, port = server.rpartition(":")
        try:
            with socket.create_connection((host.strip("[]"), int(port)), timeout=BROKER_CONNECT_TIMEOUT_S):
                return []
        except (OSError, ValueError) as exc:
            problems.append(f"broker {server}: {exc}")
    return problems or ["broker: no bootstrap servers"]


def duckdb_writable(db: RunDatabase) -> list[str]:
    """A problem line unless the database takes a write (made in a transaction that is rolled back)."""
    try:
        with db.cursor() as cursor:
            cursor.execute("BEGIN TRANSACTION")
            cursor.execute("CREATE TABLE govwatch_readiness_probe (probed_at TIMESTAMPTZ)")
            cursor.execute("ROLLBACK")
        return []
    except duckdb.Error as exc:
        return [f"duckdb: {' '.join(str(exc).split())}"]  # one line per problem


class HealthServer:
    """Serve /metrics, /healthz and /readyz on a thread of its own.

    Args:
        settings: the run's settings (bootstrap servers of the running broker, sources, [metrics]).
        db: the run's DuckDB database (each request uses a cursor of its own).
        extra_checks: more readiness checks (e.g. the embedded broker process is alive).
    """

    def __init__(
        self,
        settings: Settings,
        db: RunDatabase,
        *,
        extra_checks: Callable[[], list[str]] | None = None,
        port: int | None = None,
    ) -> None:
        self.settings = settings
        self.db = db
        self.extra_checks = extra_checks
        self.port = settings.metrics.port if port is None else port
        self._httpd: ThreadingHTTPServer | None = None

    def readiness(self) -> list[str]:
        """Everything that keeps the run from being ready; empty when ready."""
        problems = list(self.extra_checks() if self.extra_checks else [])
        problems += broker_reachable(self.settings.kafka.bootstrap_servers)
        problems += duckdb_writable(self.db)
        problems += failing_sources(
            self.settings, self._states(), datetime.now(UTC), self.settings.metrics.ready_failed_intervals
        )
        return problems

    def _states(self) -> dict[str, SourceState]:
        if not self.settings.checkpoint_path.exists():
            return {}
        with Checkpoint(self.settings.checkpoint_path) as checkpoint:
            return checkpoint.source_states()

    def metrics(self) -> bytes:
        """The Prometheus exposition, with what lives in files refreshed first."""
        states = self._states()
        for source in self.settings.sources:
            state = states.get(source_key(source, self.settings), SourceState())
            if state.last_success is not None:
                SOURCE_LAST_SUCCESS.labels(source.name).set(state.last_success.timestamp())
            SOURCE_FAILURES.labels(source.name).set(state.failures)
        try:
            with self.db.cursor() as cursor:
                for status, count in cursor.execute(
                    "SELECT status, count(*) FROM alerts GROUP BY status"
                ).fetchall():
                    ALERTS.labels(str(status)).set(int(count))
        except duckdb.Error as exc:
            log.debug("alerts not counted: %s", exc)
        return generate_latest()

    def start(self) -> HealthServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                if path == "/metrics":
                    self._reply(200, server.metrics(), CONTENT_TYPE_LATEST)
                elif path == "/healthz":
                    self._reply(200, b"ok\n")
                elif path == "/readyz":
                    problems = server.readiness()
                    body = ("\n".join(problems) if problems else "ready") + "\n"
                    self._reply(503 if problems else 200, body.encode("utf-8"))
                else:
                    self._reply(404, b"not found: try /metrics, /healthz or /readyz\n")

            def _reply(
                self, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8"
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                log.debug("health endpoint: " + format, *args)

        try:
            self._httpd = ThreadingHTTPServer((self.settings.metrics.host, self.port), Handler)
        except OSError as exc:
            raise GovwatchError(
                f"cannot serve metrics on {self.settings.metrics.host}:{self.port}: {exc}; "
                "choose another [metrics] port (GOVWATCH_METRICS_PORT)"
            ) from exc
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, name="govwatch-health", daemon=True).start()
        log.info("metrics and health on http://%s:%d/metrics", self.settings.metrics.host, self.bound_port)
        return self

    @property
    def bound_port(self) -> int:
        return int(self._httpd.server_address[1]) if self._httpd else 0

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
