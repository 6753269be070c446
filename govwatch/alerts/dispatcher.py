"""The alert dispatcher: record matches inside the loader's transaction, deliver them outside it.

`handle` runs in the caller's DuckDB transaction, committed together with the consumer offsets, so each
announcement version is evaluated exactly once: it inserts pending alerts keyed by (subscription,
document id, version) with ON CONFLICT DO NOTHING and keeps per-subscription matching state. It does no
network I/O. `deliver_pending` then sends what is due, one attempt per alert per call, recording status,
attempts and errors after each attempt; a failing receiver gets a later `next_attempt_at` instead of
holding up other alerts, and fails for good when `AlertSettings.retry_for_s` has passed.

Delivery is at-least-once towards the channel, made effectively-once by the alert id: webhooks send
`X-Govwatch-Alert-Id` for receivers to dedupe on, and the file channel skips ids it already holds.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO

import duckdb

from govwatch.alerts.channels import DeliveryResult
from govwatch.alerts.delivery import Sender, delivery_of, next_attempt
from govwatch.alerts.index import MatchIndex, build_index, match_announcement
from govwatch.alerts.match import diff_facts, extract_facts
from govwatch.alerts.message import (
    alert_event,
    alert_id,
    alert_payload,
    period_end,
)
from govwatch.alerts.records import Match, Subscription
from govwatch.alerts.store import (
    DueAlert,
    MatchState,
    due_alerts,
    finish,
    postpone,
    read_states,
    retry_later,
    write_batch,
)
from govwatch.alerts.subscriptions import load_subscriptions
from govwatch.alerts.where import WhereEvaluator, announcement_record
from govwatch.config import Settings
from govwatch.errors import GovwatchError
from govwatch.messages import deadletter_record, encode
from govwatch.pipeline.records import Announcement
from govwatch.redact import mask_text, secret_forms

log = logging.getLogger(__name__)

Publish = Callable[[bytes, bytes], None]


@dataclass(frozen=True, slots=True, kw_only=True)
class _InForce:
    """The subscriptions in force, by name and indexed: replaced whole when the file changes."""

    subscriptions: tuple[Subscription, ...]
    by_name: Mapping[str, Subscription]
    index: MatchIndex


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _json_value(value: Any) -> Any:
    """The value as it reads back from a JSON column (tuples become lists), so comparisons are fair."""
    return json.loads(json.dumps(value))


def _evaluate(
    sub: Subscription,
    match: Match | None,
    state: MatchState | None,
    announcement: Announcement,
    now: datetime,
) -> tuple[dict[str, Any] | None, MatchState]:
    """The subscription's new state for this document version, and the alert row when one is due."""
    version = announcement.version
    document = announcement.id
    if match is None:
        return None, MatchState(version=version, matched=False, rule=sub.rule)
    after = _json_value(match.facts())
    new_state = MatchState(version=version, matched=True, facts=json.dumps(after), rule=sub.rule)
    changes: list[dict[str, Any]] = []
    if state is not None and state.matched and state.rule == sub.rule:
        if not sub.on_change:
            return None, new_state
        changes = diff_facts(json.loads(state.facts or "{}"), after)
        if not changes:
            return None, new_state
    ident = alert_id(sub.name, document, version)
    payload = alert_payload(match, announcement, alert_id=ident, created_at=now, changes=changes)
    due = period_end(sub.frequency, now)
    alert = {
        "id": ident, "subscription": sub.name, "announcement_id": document, "version": version,
        "channel": sub.channel.shown(), "change": payload["change"], "frequency": sub.frequency, "created_at": now,
        "due_at": due, "title": announcement.title, "payload": json.dumps(payload, ensure_ascii=False),
    }  # fmt: skip
    return alert, new_state


class AlertDispatcher:
    """Evaluates announcements against subscriptions and delivers the resulting alerts.

    One instance serves one run loop. `handle` (on the loader's thread and connection) and
    `deliver_pending` (on a delivery thread with a cursor of its own) may run at the same time: they
    share only the subscriptions in force, swapped whole under a lock, and the predicate database,
    used under that lock.

    Args:
        settings: subscriptions (config and CLI file), SMTP and alert settings.
        publish: sends `(key, value)` to the govwatch.alerts topic once an alert is delivered or failed.
        deadletter: sends `(key, value)` to govwatch.deadletter when an alert fails for good.
        clock: the current time (tests move it forward instead of sleeping).
        env: where `GOVWATCH_WEBHOOK_SECRET` is read (defaults to `os.environ`).
        stdout: the stream of the `stdout` channel.

    Raises:
        ConfigError: a subscription is invalid (the CLI file is re-read when it changes; a later bad edit
            is logged and the previous subscriptions stay in force).
    """

    consumer_name: str = "alerts"

    def __init__(
        self,
        settings: Settings,
        *,
        publish: Publish | None = None,
        deadletter: Publish | None = None,
        clock: Callable[[], datetime] = _utcnow,
        env: Mapping[str, str] | None = None,
        stdout: TextIO | None = None,
    ) -> None:
        self._settings = settings
        self._publish = publish
        self._deadletter = deadletter
        self._clock = clock
        self._env = os.environ if env is None else env
        self._sender = Sender(
            smtp=settings.smtp, webhook_timeout_s=settings.alerts.webhook_timeout_s, stdout=stdout
        )
        self._evaluator = WhereEvaluator()
        self._lock = threading.Lock()  # handle and deliver_pending may run on two threads
        self._file_stamp: tuple[int, int] | None = None
        self._in_force: _InForce | None = None
        self._reload(strict=True)

    # -- subscriptions ---------------------------------------------------------------------------------

    def _stamp(self) -> tuple[int, int] | None:
        try:
            stat = self._settings.subscriptions_path.stat()
        except FileNotFoundError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def _reload(self, *, strict: bool = False) -> _InForce:
        """The subscriptions in force, re-read when the CLI's subscriptions file changed."""
        with self._lock:
            stamp = self._stamp()
            if self._in_force is not None and stamp == self._file_stamp:
                return self._in_force
            try:
                subscriptions = load_subscriptions(self._settings, env=self._env, evaluator=self._evaluator)
            except GovwatchError as exc:
                if strict or self._in_force is None:
                    raise
                log.error("keep previous subscriptions: %s", exc)
                return self._in_force
            self._file_stamp = stamp
            self._in_force = _InForce(
                subscriptions=subscriptions,
                by_name={sub.name: sub for sub in subscriptions},
                index=build_index(subscriptions),
            )
            log.info("alert subscriptions: %d", len(subscriptions))
            return self._in_force

    @property
    def subscriptions(self) -> tuple[Subscription, ...]:
        """The subscriptions in force (re-read when the CLI's subscriptions file changed)."""
        return self._reload().subscriptions

    # -- matching, inside the caller's transaction ------------------------------------------------------

    def handle(self, conn: duckdb.DuckDBPyConnection, announcements: Sequence[Announcement]) -> int:
        """Record alerts for new matches in the caller's transaction; returns how many were inserted.

        A version alerts a subscription when it newly matches (the previous version did not, or there
        was none), or, for on-change subscriptions, when a fact it matched on changed (with before and
        after). Versions not newer than the last one seen are skipped, so a replay adds nothing.
        """
        in_force = self._reload()
        subscriptions = in_force.subscriptions
        if not subscriptions or not announcements:
            return 0
        now = self._clock()
        facts = [extract_facts(a) for a in announcements]
        predicates = {sub.name: sub.where for sub in subscriptions if sub.where}
        records = (
            [announcement_record(a, f) for a, f in zip(announcements, facts, strict=True)]
            if predicates
            else []
        )
        with self._lock:
            held = self._evaluator.evaluate(predicates, records)
        states = read_states(conn, [fact.id for fact in facts])
        changed: dict[tuple[str, str], MatchState] = {}
        alerts: list[dict[str, Any]] = []
        for row, (announcement, fact) in enumerate(zip(announcements, facts, strict=True)):
            where_hits = {name for name, rows in held.items() if row in rows}
            matches = {m.subscription: m for m in match_announcement(in_force.index, fact, where_hits)}
            known = states[fact.id]
            for name in sorted(set(matches) | {n for n, s in known.items() if s.matched}):
                sub = in_force.by_name.get(name)
                state = known.get(name)
                if sub is None or (state is not None and fact.version <= state.version):
                    continue
                alert, known[name] = _evaluate(sub, matches.get(name), state, announcement, now)
                changed[(name, fact.id)] = known[name]
                if alert is not None:
                    alerts.append(alert)
        inserted = write_batch(conn, changed, alerts)
        if inserted:
            log.info("alerts recorded: %d for %d announcements", inserted, len(announcements))
        return inserted

    # -- delivery, outside any transaction --------------------------------------------------------------

    def deliver_pending(self, conn: duckdb.DuckDBPyConnection) -> int:
        """Deliver every due alert once (immediate ones, and digests whose period ended).

        Returns the number of alerts delivered by this call (a digest counts each alert it lists).
        """
        in_force = self._reload()
        groups: dict[tuple[str, str], list[DueAlert]] = {}
        for alert in due_alerts(conn, self._clock()):
            part = alert.id if alert.frequency == "immediate" else alert.due_at.isoformat()
            groups.setdefault((alert.subscription, part), []).append(alert)
        delivered = 0
        postponed: dict[str, datetime] = {}
        for (name, _), group in groups.items():
            sub = in_force.by_name.get(name)
            try:
                delivered += self._deliver_group(conn, name, sub, group, postponed)
            except duckdb.TransactionException as exc:
                # A write conflict with the loader's transaction: the alerts stay pending and are tried
                # again on the next call (receivers dedupe on the alert id).
                log.warning(
                    "alert(s) %s: status not recorded, retried later: %s", ", ".join(a.id for a in group), exc
                )
        return delivered

    def _deliver_group(
        self,
        conn: duckdb.DuckDBPyConnection,
        name: str,
        sub: Subscription | None,
        group: list[DueAlert],
        postponed: dict[str, datetime],
    ) -> int:
        """One attempt at one delivery (an alert or a digest); returns the number of alerts delivered."""
        ids = [alert.id for alert in group]
        if sub is None:
            self._finish(conn, ids, None, DeliveryResult(ok=False, error=f"subscription {name} was removed"))
            return 0
        target = str(sub.channel)
        if target in postponed:
            postpone(conn, ids, postponed[target])
            return 0
        first = group[0]
        delivery, payload = delivery_of(
            name, first.frequency, first.due_at, ids, [json.loads(a.payload) for a in group]
        )
        attempt_at = self._clock()
        result = self._sender.send(sub, delivery, payload, attempt_at)
        if result.ok or not result.retryable:
            self._finish(conn, ids, delivery, result)
            return len(ids) if result.ok else 0
        decision = next_attempt(
            result,
            attempts=max(a.attempts for a in group),
            first_attempt_at=min(
                (a.first_attempt_at for a in group if a.first_attempt_at), default=attempt_at
            ),
            now=attempt_at,
            settings=self._settings.alerts,
        )
        if decision.retry_at is None:
            self._finish(conn, ids, delivery, DeliveryResult(ok=False, error=decision.error))
            return 0
        postponed[target] = decision.retry_at
        error = self._redact(result.error)
        retry_later(conn, ids, attempt_at=attempt_at, retry_at=decision.retry_at, error=error)
        log.warning(
            "alert %s to %s: %s; retry at %s",
            delivery,
            sub.channel.kind,
            error,
            decision.retry_at.isoformat(),
        )
        return 0

    def _redact(self, text: str) -> str:
        in_force = self._in_force.subscriptions if self._in_force else ()
        smtp = self._settings.smtp
        secrets = [sub.secret for sub in in_force] + secret_forms(smtp.password, username=smtp.username)
        secrets += [sub.channel.target for sub in in_force if sub.channel.kind == "webhook"]
        return mask_text(text, secrets)

    def _finish(
        self,
        conn: duckdb.DuckDBPyConnection,
        ids: Sequence[str],
        delivery: str | None,
        result: DeliveryResult,
    ) -> None:
        """Record a final outcome, then announce it on govwatch.alerts (and govwatch.deadletter if failed)."""
        now = self._clock()
        error = None if result.ok else self._redact(result.error)
        rows = finish(conn, ids, delivered=result.ok, at=now, delivery=delivery, error=error)
        if result.ok:
            log.info("delivered %d alert(s) as %s", len(ids), delivery)
        else:
            log.warning("alert(s) %s failed: %s", ", ".join(ids), error)
        event = alert_event(delivery or ids[0], rows)
        self._emit("alerts", self._publish, event["id"], "alert", event)
        if not result.ok:
            value = json.dumps(event, ensure_ascii=False).encode("utf-8")  # the failed alert event itself
            record = deadletter_record(
                stage="alerts", reason=error or "failed", payload=value, key=event["id"], at=now
            )
            self._emit("deadletter", self._deadletter, event["id"], "deadletter", record)

    @staticmethod
    def _emit(topic: str, sink: Publish | None, key: str, kind: str, value: dict[str, Any]) -> None:
        if sink is None:
            return
        try:
            sink(key.encode("utf-8"), encode(kind, value))
        except Exception as exc:  # a broker or schema problem must not undo a recorded delivery
            log.error("cannot publish %s %s to %s: %s", kind, key, topic, exc)

    def close(self) -> None:
        """Close the HTTP client and the in-memory predicate database."""
        self._sender.close()
        self._evaluator.close()
