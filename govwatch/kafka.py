"""Kafka plumbing shared by producers and consumers: topic names, client options, topic set-up.

Works the same against the embedded tansu broker and any external Kafka-protocol cluster (Apache Kafka,
Redpanda, MSK, Confluent Cloud); only `[kafka]` settings differ.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from govwatch.broker import EmbeddedBroker
from govwatch.config import KafkaSettings, Settings
from govwatch.errors import SinkError

log = logging.getLogger(__name__)

ANNOUNCEMENTS = "announcements"
ALERTS = "alerts"
DEADLETTER = "deadletter"
PRODUCE_TIMEOUT_S = 30.0
MAX_MESSAGE_BYTES = 8 * 1024 * 1024
RETENTION_MS = 30 * 24 * 3600 * 1000


def topic_name(settings: KafkaSettings, kind: str) -> str:
    """`govwatch.announcements` etc.; the prefix is configurable for shared clusters."""
    return f"{settings.topic_prefix}.{kind}"


def client_options(settings: KafkaSettings) -> dict[str, Any]:
    """kafka-python options common to producers, consumers and the admin client."""
    options: dict[str, Any] = {
        "bootstrap_servers": [s.strip() for s in settings.bootstrap_servers.split(",") if s.strip()],
        "security_protocol": settings.security_protocol,
        "client_id": "govwatch",
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


@contextmanager
def kafka_stack(settings: Settings) -> Iterator[tuple[Settings, EmbeddedBroker | None]]:
    """Yield settings pointing at a ready broker, and the embedded broker when one was started.

    The configured broker is used when there is one; else an embedded broker runs for the duration and is
    stopped on exit, whatever the exit. Topics are created on entry.
    """
    if not settings.embedded_broker:
        ensure_topics(settings.kafka)
        yield settings, None
        return
    with EmbeddedBroker() as broker:
        ready = replace(settings, kafka=replace(settings.kafka, bootstrap_servers=broker.bootstrap_servers))
        ensure_topics(ready.kafka)
        yield ready, broker
