"""Credentials never shown: library logs go through the mask, whatever handler prints them."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from govwatch.broker import free_port
from govwatch.config import Settings
from govwatch.kafka import client_options


def test_kafka_client_configuration_dump_never_shows_the_sasl_password(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaError

    caplog.set_level(logging.DEBUG, logger="kafka")
    kafka = replace(
        settings.kafka,
        bootstrap_servers=f"127.0.0.1:{free_port()}",  # nobody there: only the start-up log matters
        security_protocol="SASL_PLAINTEXT",
        sasl_mechanism="PLAIN",
        sasl_username="govwatch",
        sasl_password="hunter2-sasl",
    )
    with pytest.raises(KafkaError):
        KafkaAdminClient(**client_options(kafka), api_version_auto_timeout_ms=500, request_timeout_ms=500)
    assert "with configuration" in caplog.text  # kafka-python did dump its configuration
    assert "hunter2-sasl" not in caplog.text
    assert "'sasl_plain_password': '***'" in caplog.text
