"""The dispatcher on a real DuckDB file with real local receivers: exactly one alert per (subscription,
document, version), newly-matches and on-change rules, digests, bounded retries and crash recovery."""

from __future__ import annotations

import base64
import copy
import io
import itertools
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

from govwatch.alerts.channels import deliver_file
from govwatch.alerts.dispatcher import AlertDispatcher
from govwatch.alerts.subscriptions import add_subscription, remove_subscription
from govwatch.alerts.webhook import verify_signature
from govwatch.config import Settings, build_subscription
from govwatch.db import migrations
from govwatch.errors import SchemaError
from govwatch.messages import check_message, decode
from govwatch.runner import DispatcherAdapter
from govwatch.store.records import ConsumedMessage
from tests.alerts.conftest import REFUSED, Answer, Clock, Inbox, Receiver, free_port
from tests.support.announcements import as_record
from tests.support.fuzz import announcement_overrides

SECRET = "whsec-TOPSECRET-42"
SMTP_PASSWORD = "smtp-PASSWORD-123"


class Topic:
    """Stands in for a Kafka producer: keeps (key, value) pairs."""

    def __init__(self) -> None:
        self.sent: list[tuple[bytes, bytes]] = []

    def __call__(self, key: bytes, value: bytes) -> None:
        self.sent.append((key, value))

    def values(self) -> list[dict[str, Any]]:
        return [json.loads(value) for _key, value in self.sent]


@pytest.fixture
def alerts_topic() -> Topic:
    return Topic()


@pytest.fixture
def deadletter_topic() -> Topic:
    return Topic()


Make = Callable[..., AlertDispatcher]


@pytest.fixture
def make(settings: Settings, clock: Clock, alerts_topic: Topic, deadletter_topic: Topic) -> Iterator[Make]:
    made: list[AlertDispatcher] = []

    def build(
        *subscriptions: dict[str, Any], smtp: dict[str, Any] | None = None, **alert_settings: Any
    ) -> AlertDispatcher:
        configured = replace(
            settings,
            smtp=replace(settings.smtp, **(smtp or {})),
            subscriptions=tuple(build_subscription({"channel": "stdout", **raw}) for raw in subscriptions),
            alerts=replace(
                settings.alerts,
                **{
                    "webhook_timeout_s": 0.5,
                    "retry_for_s": 60.0,
                    "backoff_base_s": 1.0,
                    "backoff_max_s": 8.0,
                    **alert_settings,
                },
            ),
        )
        dispatcher = AlertDispatcher(
            configured,
            publish=alerts_topic,
            deadletter=deadletter_topic,
            clock=clock,
            env={},
            stdout=io.StringIO(),
        )
        made.append(dispatcher)
        return dispatcher

    yield build
    for dispatcher in made:
        dispatcher.close()


@dataclass(frozen=True, slots=True, kw_only=True)
class SignedHook:
    """The `mous` subscription sending signed webhooks to a local receiver, and where the outcome shows."""

    make: Make
    db: duckdb.DuckDBPyConnection
    receiver: Receiver
    clock: Clock
    alerts_topic: Topic
    deadletter_topic: Topic

    def dispatcher(self, **alert_settings: Any) -> AlertDispatcher:
        """A dispatcher whose one subscription sends memoranda to the receiver, signed with SECRET."""
        return self.make(
            {"name": "mous", "kinds": ["mou"], "channel": f"webhook:{self.receiver.url}", "secret": SECRET},
            **alert_settings,
        )


@pytest.fixture
def hook(
    make: Make,
    db: duckdb.DuckDBPyConnection,
    receiver: Receiver,
    clock: Clock,
    alerts_topic: Topic,
    deadletter_topic: Topic,
) -> SignedHook:
    return SignedHook(
        make=make,
        db=db,
        receiver=receiver,
        clock=clock,
        alerts_topic=alerts_topic,
        deadletter_topic=deadletter_topic,
    )


def handle(
    dispatcher: AlertDispatcher, db: duckdb.DuckDBPyConnection, announcements: Sequence[dict[str, Any]]
) -> int:
    """What the run loop does: handle inside a transaction that it then commits."""
    db.execute("BEGIN TRANSACTION")
    count = dispatcher.handle(db, [as_record(a) for a in announcements])
    db.execute("COMMIT")
    return count


def rows(
    db: duckdb.DuckDBPyConnection, columns: str = "subscription, version, change, status"
) -> list[tuple[Any, ...]]:
    return db.execute(f"SELECT {columns} FROM alerts ORDER BY subscription, version").fetchall()


def one(db: duckdb.DuckDBPyConnection, sql: str) -> tuple[Any, ...]:
    row = db.execute(sql).fetchone()
    assert row is not None
    return row


def version(announcement: dict[str, Any], number: int, **changes: Any) -> dict[str, Any]:
    copied = copy.deepcopy(announcement)
    copied.update(version=number, **changes)
    return copied


def with_amount(announcement: dict[str, Any], number: int, value: float) -> dict[str, Any]:
    later = version(announcement, number)
    later["figures"][0] = dict(later["figures"][0], value=value)
    return later


# -- idempotency and the newly-matches / on-change rules -----------------------------------------------------


def test_replays_and_restarts_never_add_a_second_alert(
    make: Make, db: duckdb.DuckDBPyConnection, announcement: dict[str, Any]
) -> None:
    first = make({"name": "mous", "kinds": ["mou"]})
    assert handle(first, db, [announcement]) == 1
    assert handle(first, db, [announcement]) == 0
    restarted = make({"name": "mous", "kinds": ["mou"]})
    assert handle(restarted, db, [announcement, announcement]) == 0
    assert rows(db) == [("mous", 1, "match", "pending")]


def test_a_rolled_back_batch_leaves_nothing_behind(
    make: Make, db: duckdb.DuckDBPyConnection, announcement: dict[str, Any]
) -> None:
    dispatcher = make({"name": "mous", "kinds": ["mou"]})
    db.execute("BEGIN TRANSACTION")
    assert dispatcher.handle(db, [as_record(announcement)]) == 1
    db.execute("ROLLBACK")
    assert rows(db) == []
    assert handle(dispatcher, db, [announcement]) == 1


def test_a_correction_that_adds_an_mou_alerts_once(
    make: Make, db: duckdb.DuckDBPyConnection, announcement: dict[str, Any]
) -> None:
    dispatcher = make({"name": "mous", "kinds": ["mou"]})
    assert handle(dispatcher, db, [version(announcement, 1, partnerships=[])]) == 0
    assert handle(dispatcher, db, [version(announcement, 2)]) == 1
    assert handle(dispatcher, db, [version(announcement, 3)]) == 0
    assert rows(db) == [("mous", 2, "match", "pending")]


def test_a_new_version_that_still_matches_is_silent_without_on_change(
    make: Make, db: duckdb.DuckDBPyConnection, announcement: dict[str, Any]
) -> None:
    dispatcher = make({"name": "big", "min_amount": "£1bn"})
    handle(dispatcher, db, [announcement])
    assert handle(dispatcher, db, [with_amount(announcement, 2, 2.5e9)]) == 0


def test_on_change_alerts_when_the_amount_changes_with_before_and_after(
    make: Make, db: duckdb.DuckDBPyConnection, announcement: dict[str, Any]
) -> None:
    dispatcher = make({"name": "big", "min_amount": "£1bn", "on_change": True})
    handle(dispatcher, db, [announcement])
    assert handle(dispatcher, db, [version(announcement, 2)]) == 0  # same facts, no alert
    assert handle(dispatcher, db, [with_amount(announcement, 3, 2.5e9)]) == 1
    payload = json.loads(one(db, "SELECT payload FROM alert_events WHERE version = 3")[0])
    assert payload["change"] == "change"
    assert payload["changes"] == [{"field": "min_amount", "before": [2e9], "after": [2.5e9]}]


def test_on_change_alerts_when_the_status_or_parties_change(
    make: Make, db: duckdb.DuckDBPyConnection, announcement: dict[str, Any]
) -> None:
    dispatcher = make({"name": "mous", "kinds": ["mou"], "on_change": True})
    later = version(announcement, 2)
    later["partnerships"][0].update(status="announced", parties=["OpenAI", "UK government", "AISI"])
    assert handle(dispatcher, db, [announcement, later]) == 2  # two versions in one batch
    payload = json.loads(one(db, "SELECT payload FROM alert_events WHERE version = 2")[0])
    change = payload["changes"][0]
    assert change["before"][0]["status"] == "signed" and change["after"][0]["status"] == "announced"
    assert change["after"][0]["parties"] == ["AISI", "OpenAI", "UK government"]


def test_matching_again_after_a_version_that_did_not_match_alerts_again(
    make: Make, db: duckdb.DuckDBPyConnection, announcement: dict[str, Any]
) -> None:
    dispatcher = make({"name": "mous", "kinds": ["mou"]})
    handle(
        dispatcher, db, [announcement, version(announcement, 2, partnerships=[]), version(announcement, 3)]
    )
    assert rows(db, "version") == [(1,), (3,)]


def test_an_older_version_arriving_late_is_ignored(
    make: Make, db: duckdb.DuckDBPyConnection, announcement: dict[str, Any]
) -> None:
    dispatcher = make({"name": "mous", "kinds": ["mou"]})
    handle(dispatcher, db, [version(announcement, 2)])
    assert handle(dispatcher, db, [announcement]) == 0
    assert rows(db, "version") == [(2,)]


def test_where_predicates_run_inside_handle(
    make: Make, db: duckdb.DuckDBPyConnection, announcement: dict[str, Any]
) -> None:
    dispatcher = make(
        {"name": "dsit-big", "where": "max_gbp >= 100e6 and list_contains(organisations, 'dsit')"},
        {"name": "huge", "where": "max_gbp >= 100e9"},
    )
    assert handle(dispatcher, db, [announcement]) == 1
    assert rows(db, "subscription") == [("dsit-big",)]


def test_subscriptions_added_while_running_are_used(
    make: Make, db: duckdb.DuckDBPyConnection, settings: Settings, announcement: dict[str, Any]
) -> None:
    dispatcher = make({"name": "other", "kinds": ["grant"]})
    add_subscription(
        settings, build_subscription({"name": "late", "kinds": ["mou"], "channel": "stdout"}), env={}
    )
    assert handle(dispatcher, db, [announcement]) == 1
    assert rows(db, "subscription") == [("late",)]


# -- delivery ------------------------------------------------------------------------------------------------


def test_webhook_delivery_is_signed_and_explains_the_match(
    hook: SignedHook, announcement: dict[str, Any]
) -> None:
    db, receiver, clock, alerts_topic = hook.db, hook.receiver, hook.clock, hook.alerts_topic
    dispatcher = hook.dispatcher()
    handle(dispatcher, db, [announcement])
    assert dispatcher.deliver_pending(db) == 1
    request = receiver.received[0]
    alert_id = one(db, "SELECT id FROM alerts")[0]
    assert request.headers["X-Govwatch-Alert-Id"] == alert_id
    assert verify_signature(
        SECRET,
        request.headers["X-Govwatch-Timestamp"],
        request.body,
        request.headers["X-Govwatch-Signature"],
        now_s=clock().timestamp(),
    )
    body = json.loads(request.body)
    reason = body["matched"][0]
    assert reason["rule"] == "kind in (memorandum_of_understanding)"
    assert reason["value"][0]["parties"] == ["OpenAI", "UK government"]
    evidence = reason["evidence"][0]
    assert announcement["body_text"][evidence["start"] : evidence["end"]] == "Memorandum of Understanding"
    assert rows(db, "status, attempts, delivered_at IS NOT NULL") == [("delivered", 1, True)]
    event = alerts_topic.values()[0]
    check_message("alert", event)
    assert event["status"] == "delivered" and event["items"][0]["matches"][0]["field"] == "kinds"
    assert dispatcher.deliver_pending(db) == 0
    assert len(receiver.received) == 1


def test_a_receiver_down_for_a_while_gets_the_alert_once_after_recovery(
    make: Make,
    db: duckdb.DuckDBPyConnection,
    announcement: dict[str, Any],
    clock: Clock,
    start_receiver: Callable[[int], Receiver],
) -> None:
    port = free_port()
    dispatcher = make(
        {
            "name": "mous",
            "kinds": ["mou"],
            "channel": f"webhook:http://127.0.0.1:{port}/hook",
            "secret": SECRET,
        }
    )
    handle(dispatcher, db, [announcement])
    assert dispatcher.deliver_pending(db) == 0
    assert rows(db, "status, attempts") == [("pending", 1)]
    assert "cannot reach webhook" in one(db, "SELECT last_error FROM alerts")[0]
    assert dispatcher.deliver_pending(db) == 0  # not due yet: no second attempt at once
    assert rows(db, "attempts") == [(1,)]
    clock.advance(1.5)
    dispatcher.deliver_pending(db)
    assert rows(db, "status, attempts") == [("pending", 2)]
    recovered = start_receiver(port)
    clock.advance(10)
    assert dispatcher.deliver_pending(db) == 1
    clock.advance(60)
    assert dispatcher.deliver_pending(db) == 0
    assert len(recovered.received) == 1
    assert rows(db, "status, attempts") == [("delivered", 3)]


def test_a_receiver_failing_forever_ends_failed_after_bounded_retries(
    hook: SignedHook, announcement: dict[str, Any]
) -> None:
    db, receiver = hook.db, hook.receiver
    receiver.answer = lambda _n: Answer(status=500)
    dispatcher = hook.dispatcher(retry_for_s=30.0)
    handle(dispatcher, db, [announcement])
    for _ in range(30):
        dispatcher.deliver_pending(db)
        hook.clock.advance(5)
    status, attempts, error = one(db, "SELECT status, attempts, last_error FROM alerts")
    assert status == "failed"
    assert attempts == len(receiver.received) and attempts <= 8
    assert "500" in error and "gave up" in error
    [dead] = hook.deadletter_topic.values()
    check_message("deadletter", dead)
    assert dead["stage"] == "alerts" and "500" in dead["reason"]
    assert [e["status"] for e in hook.alerts_topic.values()] == ["failed"]


def test_a_4xx_answer_fails_at_once(hook: SignedHook, announcement: dict[str, Any]) -> None:
    hook.receiver.answer = lambda _n: Answer(status=410)
    dispatcher = hook.dispatcher()
    handle(dispatcher, hook.db, [announcement])
    dispatcher.deliver_pending(hook.db)
    assert rows(hook.db, "status, attempts") == [("failed", 1)]
    assert len(hook.deadletter_topic.sent) == 1


def test_retry_after_sets_the_next_attempt(hook: SignedHook, announcement: dict[str, Any]) -> None:
    db, clock = hook.db, hook.clock
    hook.receiver.answer = lambda n: Answer(status=429, headers={"Retry-After": "20"}) if n == 1 else Answer()
    dispatcher = hook.dispatcher()
    handle(dispatcher, db, [announcement])
    dispatcher.deliver_pending(db)
    next_at = one(db, "SELECT next_attempt_at FROM alerts")[0]
    assert (next_at - clock()).total_seconds() == 20
    clock.advance(19)
    assert dispatcher.deliver_pending(db) == 0
    clock.advance(1)
    assert dispatcher.deliver_pending(db) == 1


def test_a_hanging_receiver_times_out_without_holding_up_other_alerts(
    make: Make,
    db: duckdb.DuckDBPyConnection,
    receiver: Receiver,
    announcement: dict[str, Any],
    tmp_path: Path,
) -> None:
    receiver.answer = lambda _n: Answer(hang=True)
    out = tmp_path / "alerts.jsonl"
    dispatcher = make(
        {"name": "hook", "kinds": ["mou"], "channel": f"webhook:{receiver.url}", "secret": SECRET},
        {"name": "file", "kinds": ["mou"], "channel": f"file:{out}"},
        webhook_timeout_s=0.3,
    )
    second = version(announcement, 1, id="second-document")
    handle(dispatcher, db, [announcement, second])
    assert dispatcher.deliver_pending(db) == 2  # both file alerts
    hooks = db.execute(
        "SELECT attempts, status, last_error FROM alerts WHERE subscription = 'hook' ORDER BY attempts DESC"
    ).fetchall()
    assert hooks[0][:2] == (1, "pending") and "timed out" in hooks[0][2]
    assert hooks[1][:2] == (0, "pending")  # same receiver: postponed in this pass, not tried
    assert len(receiver.received) == 1
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2


@pytest.fixture
def mail_alert(
    make: Make, db: duckdb.DuckDBPyConnection, smtp_server: tuple[Inbox, int], announcement: dict[str, Any]
) -> Callable[[str], int]:
    """Alert an address by email of the announcement through the local SMTP server; returns how many
    alerts were delivered."""

    def send(address: str) -> int:
        dispatcher = make(
            {"name": "mail", "kinds": ["mou"], "channel": f"email:{address}"},
            smtp={"host": "127.0.0.1", "port": smtp_server[1], "security": "none"},
        )
        handle(dispatcher, db, [announcement])
        return int(dispatcher.deliver_pending(db))

    return send


def test_an_smtp_server_refusing_the_recipient_fails_the_alert(
    db: duckdb.DuckDBPyConnection, mail_alert: Callable[[str], int]
) -> None:
    mail_alert(REFUSED)
    status, error = one(db, "SELECT status, last_error FROM alerts")
    assert status == "failed" and "550" in error


def test_email_alert_carries_text_and_html(
    db: duckdb.DuckDBPyConnection, smtp_server: tuple[Inbox, int], mail_alert: Callable[[str], int]
) -> None:
    inbox, _port = smtp_server
    assert mail_alert("team@example.org") == 1
    [message] = inbox.messages
    assert message["X-Govwatch-Alert-Id"] == one(db, "SELECT id FROM alerts")[0]
    parts = {
        part.get_content_type(): bytes(part.get_payload(decode=True)).decode()
        for part in message.walk()
        if not part.is_multipart()
    }
    assert "Memorandum of Understanding" in parts["text/plain"]
    assert "<blockquote>" in parts["text/html"]


def test_daily_digest_waits_for_the_period_end_and_lists_every_match(
    make: Make,
    db: duckdb.DuckDBPyConnection,
    announcement: dict[str, Any],
    clock: Clock,
    tmp_path: Path,
) -> None:
    out = tmp_path / "digest.jsonl"
    dispatcher = make({"name": "daily", "kinds": ["mou"], "channel": f"file:{out}", "frequency": "daily"})
    handle(dispatcher, db, [announcement])
    clock.advance(3600)
    handle(dispatcher, db, [version(announcement, 1, id="second-document")])
    assert dispatcher.deliver_pending(db) == 0
    assert not out.exists()
    clock.advance(15 * 3600)  # past midnight UTC
    assert dispatcher.deliver_pending(db) == 2
    [line] = out.read_text(encoding="utf-8").splitlines()
    digest = json.loads(line)
    assert digest["type"] == "digest" and len(digest["alerts"]) == 2
    assert digest["period"] == {"start": "2025-07-22T00:00:00+00:00", "end": "2025-07-23T00:00:00+00:00"}
    assert {r[0] for r in db.execute("SELECT delivery_id FROM alerts").fetchall()} == {digest["alert_id"]}


def test_alerts_of_a_removed_subscription_fail_with_the_reason(
    make: Make,
    db: duckdb.DuckDBPyConnection,
    settings: Settings,
    announcement: dict[str, Any],
) -> None:
    add_subscription(
        settings, build_subscription({"name": "gone", "kinds": ["mou"], "channel": "stdout"}), env={}
    )
    dispatcher = make()
    handle(dispatcher, db, [announcement])
    remove_subscription(settings, "gone")
    dispatcher.deliver_pending(db)
    status, error = one(db, "SELECT status, last_error FROM alerts")
    assert status == "failed" and "was removed" in error


# -- a dispatcher killed mid-delivery ----------------------------------------------------------------------


class Killed(BaseException):
    """Stands for the process dying: not an Exception, so nothing on the way catches it."""


def test_a_dispatcher_killed_mid_delivery_is_finished_by_the_next_one_exactly_once(
    make: Make,
    db: duckdb.DuckDBPyConnection,
    announcement: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "alerts.jsonl"
    documents = [version(announcement, 1, id=f"doc-{i}") for i in range(3)]
    first = make({"name": "file", "kinds": ["mou"], "channel": f"file:{out}"})
    assert handle(first, db, documents) == 3
    real = deliver_file
    calls: list[str] = []

    def dies_after_the_second_write(path: Path, alert_id: str, payload: dict[str, object]) -> Any:
        calls.append(alert_id)
        result = real(path, alert_id, payload)
        if len(calls) == 2:
            raise Killed  # written to the file, status not yet recorded
        return result

    monkeypatch.setattr("govwatch.alerts.delivery.deliver_file", dies_after_the_second_write)
    with pytest.raises(Killed):
        first.deliver_pending(db)
    monkeypatch.setattr("govwatch.alerts.delivery.deliver_file", real)
    assert sorted(r[0] for r in rows(db, "status")) == ["delivered", "pending", "pending"]

    second = make({"name": "file", "kinds": ["mou"], "channel": f"file:{out}"})
    assert handle(second, db, documents) == 0
    assert second.deliver_pending(db) == 2
    ids = [json.loads(line)["alert_id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(ids) == sorted(r[0] for r in db.execute("SELECT id FROM alerts").fetchall())
    assert len(ids) == 3
    assert [r[0] for r in rows(db, "status")] == ["delivered"] * 3


# -- secrets -------------------------------------------------------------------------------------------------


def test_secrets_never_reach_logs_records_events_or_errors(
    make: Make,
    db: duckdb.DuckDBPyConnection,
    receiver: Receiver,
    announcement: dict[str, Any],
    clock: Clock,
    settings: Settings,
    alerts_topic: Topic,
    deadletter_topic: Topic,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("DEBUG")
    receiver.answer = lambda _n: Answer(status=500)
    dispatcher = make(
        {"name": "hook", "kinds": ["mou"], "channel": f"webhook:{receiver.url}", "secret": SECRET},
        {"name": "mail", "kinds": ["mou"], "channel": "email:team@example.org"},
        smtp={
            "host": "127.0.0.1",
            "port": free_port(),
            "security": "none",
            "username": "u",
            "password": SMTP_PASSWORD,
        },
        retry_for_s=5.0,
    )
    handle(dispatcher, db, [announcement])
    for _ in range(5):
        dispatcher.deliver_pending(db)
        clock.advance(3)
    assert [r[0] for r in rows(db, "status")] == ["failed", "failed"]
    stored = json.dumps(db.execute("SELECT * FROM alert_events").fetchall(), default=str)
    stored += json.dumps(db.execute("SELECT * FROM alert_match_state").fetchall(), default=str)
    published = b"".join(v for _k, v in alerts_topic.sent + deadletter_topic.sent)
    published += b"".join(base64.b64decode(dead["payload_base64"]) for dead in deadletter_topic.values())
    assert len(deadletter_topic.sent) == 2
    for secret in (SECRET, SMTP_PASSWORD):
        assert secret not in caplog.text
        assert secret not in stored
        assert secret.encode() not in published
        assert secret not in repr(dispatcher.subscriptions)


def test_a_token_in_a_webhook_url_is_used_but_never_stored_or_logged(
    make: Make,
    db: duckdb.DuckDBPyConnection,
    receiver: Receiver,
    announcement: dict[str, Any],
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("DEBUG")
    token = "Zx9TOKENq7Lm2Pw4Rt6Yu8"
    receiver.answer = lambda n: Answer(status=503 if n == 0 else 200)
    url = f"{receiver.url}/{token}?token={token}"
    dispatcher = make({"name": "hook", "kinds": ["mou"], "channel": f"webhook:{url}", "secret": SECRET})
    handle(dispatcher, db, [announcement])
    for _ in range(3):
        dispatcher.deliver_pending(db)
        clock.advance(60)
    assert rows(db, "status") == [("delivered",)]
    assert [r.path for r in receiver.received][-1] == f"/hook/{token}?token={token}"  # the real URL was used
    stored = json.dumps(db.execute("SELECT * FROM alert_events").fetchall(), default=str)
    assert token not in stored and token not in caplog.text
    assert rows(db, "channel") == [(f"webhook:{receiver.url}/***?token=***",)]


def test_a_webhook_sent_just_before_a_kill_is_resent_with_the_same_alert_id(
    make: Make,
    db: duckdb.DuckDBPyConnection,
    receiver: Receiver,
    announcement: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from govwatch.alerts.webhook import deliver_webhook

    spec = {"name": "hook", "kinds": ["mou"], "channel": f"webhook:{receiver.url}", "secret": SECRET}
    first = make(spec)
    handle(first, db, [announcement])

    def sent_then_killed(*args: Any, **kwargs: Any) -> Any:
        deliver_webhook(*args, **kwargs)
        raise Killed

    monkeypatch.setattr("govwatch.alerts.delivery.deliver_webhook", sent_then_killed)
    with pytest.raises(Killed):
        first.deliver_pending(db)
    monkeypatch.setattr("govwatch.alerts.delivery.deliver_webhook", deliver_webhook)
    second = make(spec)
    assert second.deliver_pending(db) == 1
    assert second.deliver_pending(db) == 0
    ids = [request.headers["X-Govwatch-Alert-Id"] for request in receiver.received]
    assert len(ids) == 2 and ids[0] == ids[1]  # at least once; receivers dedupe on the id
    assert rows(db, "status, attempts") == [("delivered", 1)]


def test_a_subscription_redefined_under_the_same_name_starts_afresh(
    make: Make, db: duckdb.DuckDBPyConnection, announcement: dict[str, Any]
) -> None:
    handle(make({"name": "watch", "kinds": ["mou"]}), db, [announcement])
    redefined = make({"name": "watch", "kinds": ["mou"], "min_amount": "£1bn"})
    assert handle(redefined, db, [version(announcement, 2)]) == 1  # a new rule matched for the first time
    assert handle(redefined, db, [version(announcement, 3)]) == 0
    assert rows(db, "version") == [(1,), (2,)]


def test_handle_and_delivery_on_two_threads_deliver_every_alert_once(
    settings: Settings, db: duckdb.DuckDBPyConnection, announcement: dict[str, Any], tmp_path: Path
) -> None:
    """What the runner does: the loader thread handles batches (replays included) in transactions while
    a delivery thread, on a cursor of its own, delivers."""
    import threading

    out = tmp_path / "alerts.jsonl"
    configured = replace(
        settings,
        subscriptions=(
            build_subscription({"name": "file", "kinds": ["mou"], "channel": f"file:{out}"}),
            build_subscription({"name": "where", "where": "max_gbp > 1e9", "channel": f"file:{out}"}),
        ),
    )
    dispatcher = AlertDispatcher(configured, env={})
    batches = [[version(announcement, 1, id=f"doc-{b}-{i}") for i in range(5)] for b in range(20)]
    failures: list[BaseException] = []
    loading_done = threading.Event()

    def load() -> None:
        try:
            for number, batch in enumerate(batches):
                replayed = batches[number - 1] if number else []
                handle(dispatcher, db, batch + replayed)
        except BaseException as exc:
            failures.append(exc)
        finally:
            loading_done.set()

    def deliver() -> None:
        cursor = db.cursor()
        try:
            while (
                not loading_done.is_set()
                or one(cursor, "SELECT count(*) FROM alerts WHERE status = 'pending'")[0]
            ):
                dispatcher.deliver_pending(cursor)
        except BaseException as exc:
            failures.append(exc)
        finally:
            cursor.close()

    threads = [threading.Thread(target=load), threading.Thread(target=deliver)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    dispatcher.close()
    assert failures == []
    ids = [json.loads(line)["alert_id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(ids) == len(set(ids)) == 2 * 5 * len(batches)
    assert set(ids) == {
        r[0] for r in db.execute("SELECT id FROM alerts WHERE status = 'delivered'").fetchall()
    }


# -- whatever the schema accepts ------------------------------------------------------------------------------

_FUZZ_IDS = itertools.count()


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(overrides=announcement_overrides())
def test_any_announcement_the_schema_accepts_is_handled(
    make: Make, db: duckdb.DuckDBPyConnection, announcement: dict[str, Any], overrides: dict[str, Any]
) -> None:
    # A message the dispatcher cannot handle would fail its batch at every restart.
    dispatcher = make(
        {"name": "mous", "kinds": ["mou"]},
        {"name": "big", "min_amount": "£1bn", "on_change": True},
        {"name": "words", "keywords": ["AI", "data"]},
        {"name": "where", "where": "max_gbp >= 100e6 and list_contains(organisations, 'dsit')"},
    )
    message = {**copy.deepcopy(announcement), **overrides, "id": f"fuzz-{next(_FUZZ_IDS)}"}
    value = json.dumps(message).encode()
    try:
        decoded = decode("announcement", value)
    except SchemaError:
        return
    # Through the alert consumer's own adapter: a message the schema accepts but the typed record does not
    # fit (an offset of 3e38 that JSON reads as a float) is dead-lettered there instead of failing the batch.
    consumed = ConsumedMessage(topic="govwatch.announcements", partition=0, offset=0, key=None, value=value)
    if not one(db, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'deadletter_rows'")[0]:
        for _number, name, sql in migrations():  # the run's database has the dead-letter tables too
            if "deadletter" in name:
                db.execute(sql)
    dead_letters = "SELECT count(*) FROM deadletter_rows WHERE stage = 'alerts'"
    before = one(db, dead_letters)[0]
    db.execute("BEGIN TRANSACTION")
    handled = DispatcherAdapter(dispatcher).handle(db, [(consumed, decoded)])
    db.execute("COMMIT")
    alerted = one(db, f"SELECT count(*) FROM alerts WHERE announcement_id = '{decoded['id']}'")[0]
    assert alerted <= 4
    assert handled == alerted or one(db, dead_letters)[0] > before  # alerted, or dead-lettered
    # either way it is done with: its version is recorded as matched, so its document can settle
    assert (
        one(db, f"SELECT count(*) FROM alert_evaluations WHERE announcement_id = '{decoded['id']}'")[0] == 1
    )
