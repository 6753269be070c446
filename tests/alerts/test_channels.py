"""Channels: parsing, and the file channel's one-line, no-duplicate appends."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from govwatch.alerts.channels import deliver_file, deliver_stdout, parse_channel
from govwatch.alerts.records import Channel
from govwatch.errors import ConfigError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("stdout", Channel(kind="stdout")),
        (
            "webhook:https://hooks.example.org/a?b=c",
            Channel(kind="webhook", target="https://hooks.example.org/a?b=c"),
        ),
        ("webhook:http://127.0.0.1:8080/x", Channel(kind="webhook", target="http://127.0.0.1:8080/x")),
        ("email:alerts@example.org", Channel(kind="email", target="alerts@example.org")),
        (
            "file:/var/log/govwatch/alerts.jsonl",
            Channel(kind="file", target="/var/log/govwatch/alerts.jsonl"),
        ),
        ("FILE:relative.jsonl", Channel(kind="file", target="relative.jsonl")),
    ],
)
def test_channels_parse(text: str, expected: Channel) -> None:
    assert parse_channel(text) == expected


@pytest.mark.parametrize(
    "text", ["", "stdout:x", "webhook:", "webhook:example.org/hook", "email:a@b,c@d", "file:", "sms:+44"]
)
def test_unusable_channels_are_refused(text: str) -> None:
    with pytest.raises(ConfigError):
        parse_channel(text)


def test_file_channel_appends_one_json_line_per_alert(tmp_path: Path) -> None:
    path = tmp_path / "alerts.jsonl"
    assert deliver_file(path, "a1", {"alert_id": "a1", "text": "line\nbreak"}).ok
    assert deliver_file(path, "a2", {"alert_id": "a2"}).ok
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["alert_id"] for line in lines] == ["a1", "a2"]


def test_file_channel_skips_an_alert_already_written(tmp_path: Path) -> None:
    path = tmp_path / "alerts.jsonl"
    deliver_file(path, "a1", {"alert_id": "a1"})
    assert deliver_file(path, "a1", {"alert_id": "a1"}).ok
    assert len(path.read_text(encoding="utf-8").splitlines()) == 1


def test_file_channel_dedupes_on_the_top_level_id_only(tmp_path: Path) -> None:
    path = tmp_path / "alerts.jsonl"
    deliver_file(path, "digest", {"alert_id": "digest", "alerts": [{"alert_id": "inner"}]})
    deliver_file(path, "inner", {"alert_id": "inner"})
    assert len(path.read_text(encoding="utf-8").splitlines()) == 2


def test_file_channel_reports_an_unwritable_path_as_retryable(tmp_path: Path) -> None:
    result = deliver_file(tmp_path / "missing-dir" / "alerts.jsonl", "a1", {"alert_id": "a1"})
    assert not result.ok and result.retryable
    assert "cannot append" in result.error


def test_stdout_channel_writes_a_json_line() -> None:
    stream = io.StringIO()
    assert deliver_stdout(stream, {"alert_id": "a1"}).ok
    assert json.loads(stream.getvalue()) == {"alert_id": "a1"}
