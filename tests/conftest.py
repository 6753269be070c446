"""Shared pytest fixtures: an embedded broker per session, settings pointing at temporary files."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from govwatch.broker import EmbeddedBroker
from govwatch.config import Settings, load_settings


@pytest.fixture(scope="session")
def embedded_broker() -> Iterator[EmbeddedBroker]:
    """One real tansu broker for the tests that need Kafka (each test uses its own topic prefix)."""
    with EmbeddedBroker() as broker:
        yield broker


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with the database and checkpoint in tmp_path and no environment influence."""
    return load_settings(None, env={}, db_path=tmp_path / "govwatch.duckdb")


@pytest.fixture
def kafka_settings(
    settings: Settings, embedded_broker: EmbeddedBroker, request: pytest.FixtureRequest
) -> Settings:
    """Settings on the shared embedded broker, with topics private to this test."""
    prefix = "t" + str(abs(hash(request.node.nodeid)) % 10**10)
    return replace(
        settings,
        kafka=replace(
            settings.kafka,
            bootstrap_servers=embedded_broker.bootstrap_servers,
            topic_prefix=prefix,
            partitions=2,
        ),
    )
