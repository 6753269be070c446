"""The embedded broker starts on a free loopback port, answers Kafka, and leaves no process behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from kafka import KafkaAdminClient

from govwatch.broker import EmbeddedBroker, free_port
from govwatch.errors import SinkError

ROOT = Path(__file__).resolve().parents[2]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead for our purposes
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_broker_answers_kafka_and_stops_on_exit() -> None:
    with EmbeddedBroker() as broker:
        pid = broker.pid
        assert pid is not None and _alive(pid)
        admin = KafkaAdminClient(bootstrap_servers=broker.bootstrap_servers)
        assert isinstance(admin.list_topics(), list)
        admin.close()
    assert not _alive(pid)


def test_broker_on_a_busy_port_fails_with_a_clear_message() -> None:
    with EmbeddedBroker() as first, pytest.raises(SinkError, match="port"):
        EmbeddedBroker(port=first.port).start()


def test_broker_command_stops_its_broker_on_sigterm() -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "govwatch", "broker", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == f"127.0.0.1:{port}"
    children = subprocess.run(
        ["pgrep", "-P", str(process.pid)], capture_output=True, text=True
    ).stdout.split()
    assert children, "the broker runs as a child process"
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) in (0, 130)
    deadline = time.monotonic() + 10
    while any(_alive(int(c)) for c in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(int(c)) for c in children)
