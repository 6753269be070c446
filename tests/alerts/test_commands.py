"""The alert commands, run in-process with their exit codes checked."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from govwatch.alerts.commands import app
from govwatch.alerts.store import apply_migration

runner = CliRunner()


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("GOVWATCH_CONFIG", raising=False)
    monkeypatch.delenv("GOVWATCH_WEBHOOK_SECRET", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "govwatch.duckdb"


def invoke(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, list(args), env=env)


def test_subscribe_list_and_remove(db_path: Path) -> None:
    made = invoke(
        "subscribe",
        "new-mous",
        "--kind",
        "mou",
        "--organisation",
        "dsit",
        "--min-amount",
        "£100m",
        "--channel",
        "webhook:https://example.org/hook",
        "--secret",
        "hunter2-secret",
        "--db",
        str(db_path),
    )
    assert made.exit_code == 0, made.output
    assert made.stdout == ""
    listed = invoke("subscriptions", "list", "--format", "json", "--db", str(db_path))
    assert listed.exit_code == 0
    [row] = json.loads(listed.stdout)
    assert row["name"] == "new-mous" and row["secret"] == "set"
    assert (
        row["rule"] == "kind in (memorandum_of_understanding) AND organisation in (dsit) AND amount >= £100m"
    )
    assert "hunter2-secret" not in listed.stdout
    assert invoke("subscriptions", "remove", "new-mous", "--db", str(db_path)).exit_code == 0
    assert json.loads(invoke("subscriptions", "list", "--format", "json", "--db", str(db_path)).stdout) == []


def test_webhook_secret_can_come_from_the_environment(db_path: Path) -> None:
    made = invoke(
        "subscribe",
        "h",
        "--topic",
        "ai",
        "--channel",
        "webhook:https://example.org/h",
        "--db",
        str(db_path),
        env={"GOVWATCH_WEBHOOK_SECRET": "env-secret"},
    )
    assert made.exit_code == 0, made.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "mou", "--where", "max_pounds > 1"], "--where cannot be used"),
        (["--kind", "mou", "--where", "select 1 from announcement"], "--where must be a predicate"),
        (["--kind", "mou", "--where", "max_gbp >"], "--where is not valid SQL"),
        (["--kind", "mou", "--min-amount", "lots"], "cannot read --min-amount"),
        (["--kind", "mooo"], "unknown kind"),
        (["--topic", "ai", "--channel-x"], None),
    ],
)
def test_subscribe_refuses_invalid_filters(db_path: Path, args: list[str], message: str | None) -> None:
    result = invoke("subscribe", "bad", "--channel", "stdout", *args, "--db", str(db_path))
    if message is None:
        assert result.exit_code == 2  # usage error
        return
    assert result.exit_code == 1
    assert f"error: subscription bad: {message}" in result.output
    assert not Path(str(db_path) + ".subscriptions.json").exists()


@pytest.mark.parametrize(
    ("channel", "message"),
    [
        ("webhook:https://example.org/h", "needs a secret"),
        ("sms:+44", "unknown channel"),
        ("email:x", "address"),
    ],
)
def test_subscribe_refuses_invalid_channels(db_path: Path, channel: str, message: str) -> None:
    result = invoke("subscribe", "bad", "--kind", "mou", "--channel", channel, "--db", str(db_path))
    assert result.exit_code == 1
    assert message in result.output


def test_unknown_frequency_is_a_usage_error(db_path: Path) -> None:
    result = invoke("subscribe", "x", "--kind", "mou", "--channel", "stdout", "--frequency", "hourly")
    assert result.exit_code == 2


def test_removing_an_unknown_subscription_fails(db_path: Path) -> None:
    result = invoke("subscriptions", "remove", "nothing", "--db", str(db_path))
    assert result.exit_code == 1 and "no subscription named nothing" in result.output


def _store_alerts(db_path: Path) -> None:
    conn = duckdb.connect(str(db_path))
    apply_migration(conn)
    rows = [
        ("a1", "s", "doc", 1, "stdout", "delivered", 1, datetime(2025, 7, 20, tzinfo=UTC)),
        ("a2", "s", "doc", 2, "stdout", "failed", 3, datetime(2025, 7, 22, tzinfo=UTC)),
    ]
    for ident, sub, doc, version, channel, status, attempts, created in rows:
        conn.execute(
            "INSERT INTO alert_events (id, subscription, announcement_id, version, channel, status, attempts, change, "
            "frequency, created_at, due_at, next_attempt_at, payload) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 'match', 'immediate', ?, ?, ?, '{}')",
            [ident, sub, doc, version, channel, status, attempts, created, created, created],
        )
    conn.close()


def test_alerts_lists_and_filters_recorded_alerts(db_path: Path) -> None:
    _store_alerts(db_path)
    everything = invoke("alerts", "--format", "json", "--db", str(db_path))
    assert everything.exit_code == 0, everything.output
    assert [row["id"] for row in json.loads(everything.stdout)] == ["a2", "a1"]
    failed = invoke("alerts", "--status", "failed", "--format", "csv", "--db", str(db_path))
    assert failed.stdout.splitlines()[0].startswith("id,subscription,announcement_id,version,channel,status")
    assert len(failed.stdout.splitlines()) == 2
    recent = invoke("alerts", "--since", "2025-07-21", "--format", "json", "--db", str(db_path))
    assert [row["id"] for row in json.loads(recent.stdout)] == ["a2"]
    table = invoke("alerts", "--db", str(db_path))
    assert table.exit_code == 0
    header = table.stdout.splitlines()[1]
    assert header.replace("┃", " ").split() == ["when", "subscription", "status", "title", "last_error"]
    assert "delivered" in table.stdout and "failed" in table.stdout and "…" not in table.stdout


def test_alerts_with_a_bad_date_is_a_usage_error(db_path: Path) -> None:
    _store_alerts(db_path)
    assert invoke("alerts", "--since", "yesterday", "--db", str(db_path)).exit_code == 2


def test_alerts_without_a_database_says_what_to_do(db_path: Path) -> None:
    result = invoke("alerts", "--db", str(db_path))
    assert result.exit_code == 1 and "error: no database" in result.output


@pytest.mark.parametrize(
    "command", [["subscribe"], ["subscriptions", "list"], ["subscriptions", "remove"], ["alerts"]]
)
def test_every_command_help_gives_an_example(command: list[str]) -> None:
    result = invoke(*command, "--help")
    assert result.exit_code == 0
    assert "Example: govwatch" in result.output


def test_a_relative_file_channel_is_stored_as_an_absolute_path(db_path: Path) -> None:
    made = invoke("subscribe", "f", "--kind", "mou", "--channel", "file:alerts.jsonl", "--db", str(db_path))
    assert made.exit_code == 0, made.output
    [row] = json.loads(invoke("subscriptions", "list", "--format", "json", "--db", str(db_path)).stdout)
    assert row["channel"] == f"file:{db_path.parent.resolve() / 'alerts.jsonl'}"


def test_a_token_in_a_webhook_url_is_never_shown(db_path: Path) -> None:
    token = "Zx9TOKENq7Lm2Pw4Rt6Yu8"
    url = f"https://hooks.example.org/services/{token}?token={token}"
    made = invoke(
        "subscribe",
        "hook",
        "--kind",
        "mou",
        "--channel",
        f"webhook:{url}",
        "--secret",
        "s",
        "--db",
        str(db_path),
    )
    assert made.exit_code == 0, made.output
    listed = invoke("subscriptions", "list", "--format", "json", "--db", str(db_path))
    [row] = json.loads(listed.stdout)
    assert row["channel"] == "webhook:https://hooks.example.org/services/***?token=***"
    # An alert recorded with the whole URL (by an earlier govwatch) is shown masked too.
    conn = duckdb.connect(str(db_path))
    apply_migration(conn)
    conn.execute(
        "INSERT INTO alert_events (id, subscription, announcement_id, version, channel, status, attempts, change, "
        "frequency, created_at, due_at, next_attempt_at, payload, last_error) VALUES ('a1', 'hook', 'doc', 1, ?, "
        "'failed', 1, 'match', 'immediate', now(), now(), now(), '{}', ?)",
        [f"webhook:{url}", f"POST {url} failed"],
    )
    conn.close()
    shown = invoke("alerts", "--format", "json", "--db", str(db_path))
    assert shown.exit_code == 0, shown.output
    assert token not in shown.stdout and "?token=***" in shown.stdout
