"""Prometheus metrics of a govwatch process, and the latency of a document along its way.

Counters are incremented where things happen (a poll, a dead letter, a committed batch, a delivery); what
lives in a file shared by processes (each source's last success, in the connectors' checkpoint) is read
when Prometheus scrapes. Latency is measured from a document's `updated_at` (GOV.UK's
`public_updated_at`) to the moment it is acknowledged by Kafka, stored in DuckDB, checked against the
subscriptions, and an alert about it is delivered.

Beam's DirectRunner runs the pipeline's steps in this process, so their counters show here; on a remote
runner (Flink, Dataflow) those steps count in the workers, and only what this process does is exported.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from prometheus_client import Counter, Gauge, Histogram

log = logging.getLogger(__name__)

LATENCY_BUCKETS_S = (1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600, 7 * 24 * 3600)
BATCH_BUCKETS_S = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

POLLS = Counter("govwatch_polls_total", "Polls of a source, by outcome.", ["source", "outcome"])
ITEMS = Counter(
    "govwatch_items_total", "Feed or search entries a poll saw, by what they were.", ["source", "change"]
)
PROCESS_FAILURES = Counter(
    "govwatch_process_failures_total",
    "Documents extraction, repair, tagging or validation refused.",
    ["stage"],
)
DEADLETTERS = Counter("govwatch_deadletters_total", "Dead letters stored in DuckDB, by stage.", ["stage"])
LOADED = Counter("govwatch_loaded_total", "Messages committed to DuckDB, by consumer.", ["consumer"])
BATCH_SECONDS = Histogram(
    "govwatch_batch_seconds",
    "From polling a batch off Kafka to its DuckDB commit, by consumer.",
    ["consumer"],
    buckets=BATCH_BUCKETS_S,
)
CONSUMER_LAG = Gauge(
    "govwatch_consumer_lag_messages", "Messages on Kafka not yet consumed.", ["consumer", "partition"]
)
ALERT_DELIVERIES = Counter("govwatch_alert_deliveries_total", "Alerts delivered by this process.")
LATENCY = Histogram(
    "govwatch_document_latency_seconds",
    "From a document's updated_at to: kafka (acknowledged), duckdb (stored), matched (checked against "
    "subscriptions), alert (an alert about it delivered).",
    ["stage"],
    buckets=LATENCY_BUCKETS_S,
)
DELIVERY_LATENCY = LATENCY.labels("alert")


def record_poll(source: str, outcome: str, counts: dict[str, int] | None = None) -> None:
    """Count one poll of `source` ("ok", "not_modified", "failed", "skipped") and what it saw."""
    POLLS.labels(source, outcome).inc()
    for change, n in (counts or {}).items():
        if n:
            ITEMS.labels(source, change).inc(n)


def seconds_since(timestamp: str | None, now: datetime | None = None) -> float | None:
    """Seconds from an ISO timestamp to now; None when there is none or it cannot be read.

    >>> seconds_since("2025-07-21T12:00:00Z", datetime(2025, 7, 21, 12, 1, tzinfo=UTC))
    60.0
    >>> seconds_since("yesterday") is None
    True
    """
    if not timestamp:
        return None
    try:
        moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, ((now or datetime.now(UTC)) - moment).total_seconds())


def observe_latency(stage: str, timestamp: str | None) -> None:
    """Observe the time a document took from its `updated_at` to `stage`."""
    elapsed = seconds_since(timestamp)
    if elapsed is not None:
        LATENCY.labels(stage).observe(elapsed)
