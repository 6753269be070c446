"""Kafka plumbing shared by producers and consumers: topic names, client options, topic set-up.

Works the same against the embedded tansu broker and any external Kafka-protocol cluster (Apache Kafka,
Redpanda, MSK, Confluent Cloud); only `[kafka]` settings differ.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from govwatch.broker import EmbeddedBroker
from govwatch.config import KafkaSettings, Settings
from govwatch.errors import SinkError
from govwatch.redact import mask_library_logs

log = logging.getLogger(__name__)

ANNOUNCEMENTS = "announcements"
ALERTS = "alerts"
DEADLETTER = "deadletter"
PRODUCE_TIMEOUT_S = 30.0
#: How long closing a producer may wait for messages still in flight before dropping them. Anything
#: dropped was never acknowledged, so nothing depends on it: checkpoints move only past acknowledged
#: documents, and a consumer's dead letters are in DuckDB before they are published.
PRODUCER_CLOSE_TIMEOUT_S = 5.0
#: How long `send` may wait for a topic's metadata (kafka-python waits 60 s by default, per message).
PRODUCER_MAX_BLOCK_MS = 10_000
#: How long a new client may try to reach the cluster (kafka-python's default is 30 s, in every client
#: the pipeline opens: with the broker gone, a stopping run waited that long for each).
BOOTSTRAP_TIMEOUT_MS = 10_000
_FLUSH_SLICE_S = 0.5
_REACHABLE_TIMEOUT_S = 1.0
MAX_MESSAGE_BYTES = 8 * 1024 * 1024
RETENTION_MS = 30 * 24 * 3600 * 1000


def topic_name(settings: KafkaSettings, kind: str) -> str:
    """`govwatch.announcements` etc.; the prefix is configurable for shared clusters."""
    return f"{settings.topic_prefix}.{kind}"


def client_options(settings: KafkaSettings) -> dict[str, Any]:
    """kafka-python options common to producers, consumers and the admin client."""
    mask_library_logs()  # kafka-python logs its configuration, SASL password included, at DEBUG
    options: dict[str, Any] = {
        "bootstrap_servers": [s.strip() for s in settings.bootstrap_servers.split(",") if s.strip()],
        "security_protocol": settings.security_protocol,
        "client_id": "govwatch",
        "bootstrap_timeout_ms": BOOTSTRAP_TIMEOUT_MS,
    }
    if settings.sasl_mechanism:
        options["sasl_mechanism"] = settings.sasl_mechanism
        options["sasl_plain_username"] = settings.sasl_username
        options["sasl_plain_password"] = settings.sasl_password
    for key in ("ssl_cafile", "ssl_certfile", "ssl_keyfile"):
        if getattr(settings, key):
            options[key] = getattr(settings, key)
    return options


def producer_options(settings: KafkaSettings) -> dict[str, Any]:
    """Durable, ordered, compressed: acks=all, idempotent, retried, gzip, keyed by document id."""
    return {
        **client_options(settings),
        "acks": "all",
        "enable_idempotence": True,
        "retries": 5,
        "compression_type": "gzip",
        "linger_ms": 5,
        "max_request_size": MAX_MESSAGE_BYTES,
        "request_timeout_ms": 30000,
        "max_block_ms": PRODUCER_MAX_BLOCK_MS,
    }


def consumer_options(settings: KafkaSettings) -> dict[str, Any]:
    """Manual assignment, no auto-commit: offsets live in DuckDB, in the same transaction as the rows."""
    return {
        **client_options(settings),
        "enable_auto_commit": False,
        "group_id": None,
        "fetch_max_wait_ms": 50,
        "max_partition_fetch_bytes": MAX_MESSAGE_BYTES,
        "fetch_max_bytes": 4 * MAX_MESSAGE_BYTES,
        "auto_offset_reset": "earliest",
        "request_timeout_ms": 30000,
    }


def broker_reachable(settings: KafkaSettings) -> bool:
    """True when at least one bootstrap server accepts a TCP connection."""
    for server in settings.bootstrap_servers.split(","):
        host, _, port = server.strip().rpartition(":")
        if not host or not port.isdigit():
            continue
        try:
            with socket.create_connection((host.strip("[]"), int(port)), timeout=_REACHABLE_TIMEOUT_S):
                return True
        except OSError:
            continue
    return False


def new_producer(settings: KafkaSettings) -> Any:
    """A KafkaProducer with `producer_options`; a cluster that accepts no connection fails at once.

    Raises:
        SinkError: no bootstrap server accepts connections, or the client cannot bootstrap in time.
    """
    from kafka import KafkaProducer
    from kafka.errors import KafkaError

    if not broker_reachable(settings):
        raise SinkError(
            f"cannot reach Kafka at {settings.bootstrap_servers}: no bootstrap server accepts connections; "
            "check [kafka] bootstrap_servers, or that the broker runs"
        )
    try:
        return KafkaProducer(**producer_options(settings))
    except KafkaError as exc:
        raise SinkError(f"cannot connect to Kafka at {settings.bootstrap_servers}: {exc}") from exc


def flush_producer(producer: Any, settings: KafkaSettings, timeout_s: float = PRODUCE_TIMEOUT_S) -> None:
    """Wait until everything sent is acknowledged, within `timeout_s`, and fail at once if Kafka is gone.

    kafka-python's own `flush(timeout)` waits up to the timeout *per batch* in flight and then raises a
    bare timeout; with the broker dead that is minutes. Here the wait is cut into short slices, and between
    them a broker that no longer accepts connections ends the wait with a clear error.

    Raises:
        SinkError: Kafka stopped answering, or did not acknowledge in time.
    """
    from kafka.errors import KafkaTimeoutError

    deadline = time.monotonic() + timeout_s
    while True:
        try:
            producer.flush(timeout=max(0.0, min(_FLUSH_SLICE_S, deadline - time.monotonic())))
            return
        except KafkaTimeoutError:
            pass
        if not broker_reachable(settings):
            raise SinkError(
                f"Kafka at {settings.bootstrap_servers} stopped answering while messages were being sent; "
                "everything stored in DuckDB is kept and documents not yet stored will be fetched again: "
                "run the command again (with an external broker, once it is back)"
            )
        if time.monotonic() >= deadline:
            raise SinkError(
                f"Kafka at {settings.bootstrap_servers} did not acknowledge messages within {timeout_s:.0f}s; "
                "check the broker, then run the command again"
            )


def close_producer(
    producer: Any, settings: KafkaSettings, timeout_s: float = PRODUCER_CLOSE_TIMEOUT_S
) -> None:
    """Close a producer within `timeout_s` whatever the broker does (at once if it is gone); never raises.

    kafka-python's `close(timeout)` first flushes, and when that times out it raises before stopping its
    sender thread, which then keeps retrying (and `__del__` closes again at exit, raising again). So a
    close that times out stops the sender itself and drops what was never acknowledged.
    """
    from kafka.errors import KafkaError

    if not broker_reachable(settings):
        timeout_s = 0.0
    try:
        producer.close(timeout=timeout_s)
    except KafkaError as exc:
        log.warning("Kafka producer closed without waiting for unacknowledged messages (%s)", exc)
        sender = getattr(producer, "_sender", None)
        if sender is not None:
            sender.force_close()
            sender.join(timeout_s)
        producer._closed = True  # so that kafka-python's __del__ does not try to close it again


@dataclass(frozen=True, slots=True)
class TopicInfo:
    name: str
    partitions: int
    topic_id: str | None


def ensure_topics(settings: KafkaSettings) -> dict[str, TopicInfo]:
    """Create the govwatch topics when missing and return their partitions and topic ids.

    Raises:
        SinkError: the broker cannot be reached or refuses to create a topic.
    """
    from kafka import KafkaAdminClient
    from kafka.admin import NewTopic
    from kafka.errors import KafkaError, TopicAlreadyExistsError

    wanted = {
        topic_name(settings, ANNOUNCEMENTS): {
            "cleanup.policy": "compact",
            "max.message.bytes": str(MAX_MESSAGE_BYTES),
        },
        topic_name(settings, ALERTS): {"retention.ms": str(RETENTION_MS)},
        topic_name(settings, DEADLETTER): {
            "retention.ms": str(RETENTION_MS),
            "max.message.bytes": str(MAX_MESSAGE_BYTES),
        },
    }
    try:
        admin = KafkaAdminClient(**client_options(settings), request_timeout_ms=10000)
    except (KafkaError, OSError) as exc:
        raise SinkError(
            f"cannot reach Kafka at {settings.bootstrap_servers}: {exc}; check [kafka] bootstrap_servers "
            "or leave it empty to use the embedded broker"
        ) from exc
    try:
        existing = set(admin.list_topics())
        missing = [
            NewTopic(name, settings.partitions, 1, topic_configs=configs)
            for name, configs in wanted.items()
            if name not in existing
        ]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):  # another process created it meanwhile
                admin.create_topics(missing)
            log.info("created topics %s", ", ".join(t.name for t in missing))
        described = admin.describe_topics(list(wanted))
    except KafkaError as exc:
        raise SinkError(f"cannot set up topics on {settings.bootstrap_servers}: {exc}") from exc
    finally:
        admin.close()
    info: dict[str, TopicInfo] = {}
    for topic in described:
        topic_id = topic.get("topic_id")
        if topic_id in (None, "", "00000000-0000-0000-0000-000000000000"):
            topic_id = None
        info[topic["name"]] = TopicInfo(
            topic["name"], len(topic["partitions"]), str(topic_id) if topic_id else None
        )
    return info


@dataclass(frozen=True, slots=True, kw_only=True)
class Broker:
    """The Kafka a run talks to, described once when the run starts.

    `durable` says whether an acknowledged message survives the broker: True for a configured cluster,
    False for the embedded broker, which keeps messages in memory only. A run that is not on a durable
    broker treats DuckDB as its durability boundary (`govwatch.publication`), and its consumers expect a
    new broker incarnation at every start. `embedded` is the broker process govwatch started, if any.
    """

    bootstrap_servers: str
    durable: bool
    embedded: EmbeddedBroker | None = None

    def check_alive(self) -> None:
        """Raise SinkError when the embedded broker died (a configured broker is not ours to watch)."""
        if self.embedded is not None:
            self.embedded.check_alive()

    def death(self) -> list[BaseException]:
        """The embedded broker's death, when it died, as the error to report instead of the one at hand
        (which is then only a consequence: a timeout, a refused connection, an interrupted pipeline)."""
        try:
            self.check_alive()
        except SinkError as died:
            return [died]
        return []


def configured_broker(settings: KafkaSettings) -> Broker:
    """The configured (external, durable) cluster."""
    return Broker(bootstrap_servers=settings.bootstrap_servers, durable=True)


@contextmanager
def kafka_stack(settings: Settings) -> Iterator[tuple[Settings, Broker]]:
    """Yield settings pointing at a ready broker, and that broker's description.

    The configured broker is used when there is one; else an embedded broker runs for the duration and is
    stopped on exit, whatever the exit. Topics are created on entry.
    """
    if not settings.embedded_broker:
        ensure_topics(settings.kafka)
        yield settings, configured_broker(settings.kafka)
        return
    with EmbeddedBroker(binary_dir=settings.broker_binary_dir) as process:
        ready = replace(settings, kafka=replace(settings.kafka, bootstrap_servers=process.bootstrap_servers))
        ensure_topics(ready.kafka)
        yield ready, Broker(bootstrap_servers=process.bootstrap_servers, durable=False, embedded=process)
