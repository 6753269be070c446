"""The retry policy and how deliveries are put together."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from govwatch.alerts.channels import DeliveryResult
from govwatch.alerts.delivery import delivery_of, next_attempt
from govwatch.config import AlertSettings

START = datetime(2025, 7, 22, 9, 0, tzinfo=UTC)
SETTINGS = AlertSettings(retry_for_s=300.0, backoff_base_s=1.0, backoff_max_s=60.0)
FAILED = DeliveryResult(ok=False, retryable=True, error="webhook example.org answered 503")


@pytest.mark.parametrize(("attempts", "delay_s"), [(0, 1), (1, 2), (2, 4), (5, 32), (6, 60), (9, 60)])
def test_backoff_doubles_up_to_the_maximum(attempts: int, delay_s: float) -> None:
    decision = next_attempt(FAILED, attempts=attempts, first_attempt_at=START, now=START, settings=SETTINGS)
    assert decision.retry_at == START + timedelta(seconds=delay_s)


def test_retry_after_wins_over_backoff() -> None:
    asked = DeliveryResult(ok=False, retryable=True, retry_after_s=90.0, error="429")
    decision = next_attempt(asked, attempts=0, first_attempt_at=START, now=START, settings=SETTINGS)
    assert decision.retry_at == START + timedelta(seconds=90)


def test_gives_up_when_the_next_try_would_leave_the_window() -> None:
    now = START + timedelta(seconds=250)
    decision = next_attempt(FAILED, attempts=8, first_attempt_at=START, now=now, settings=SETTINGS)
    assert decision.retry_at is None
    assert decision.error == "webhook example.org answered 503; gave up after 9 attempts over 250s"


def test_a_retry_after_beyond_the_window_gives_up_at_once() -> None:
    asked = DeliveryResult(ok=False, retryable=True, retry_after_s=3600.0, error="429")
    assert (
        next_attempt(asked, attempts=0, first_attempt_at=START, now=START, settings=SETTINGS).retry_at is None
    )


def test_retries_stay_within_the_window_whatever_happens() -> None:
    now, attempts = START, 0
    while True:
        decision = next_attempt(FAILED, attempts=attempts, first_attempt_at=START, now=now, settings=SETTINGS)
        if decision.retry_at is None:
            break
        now, attempts = decision.retry_at, attempts + 1
    assert now - START <= timedelta(seconds=SETTINGS.retry_for_s)
    assert (
        attempts + 1 == 10
    )  # tries at 0, 1, 3, 7, 15, 31, 63, 123, 183, 243 s; the next would be past 300 s


def test_an_immediate_delivery_is_the_alert_itself() -> None:
    payload = {"alert_id": "a1", "subscription": {"name": "s", "rule": "r"}}
    assert delivery_of("s", "immediate", START, ["a1"], [payload]) == ("a1", payload)


def test_a_digest_lists_every_alert_under_its_own_id() -> None:
    payloads = [{"alert_id": f"a{i}", "subscription": {"name": "s", "rule": "r"}} for i in range(3)]
    end = datetime(2025, 7, 28, tzinfo=UTC)
    ident, digest = delivery_of("s", "weekly", end, ["a0", "a1", "a2"], payloads)
    assert ident == digest["alert_id"] and ident not in {"a0", "a1", "a2"}
    assert digest["period"] == {"start": "2025-07-21T00:00:00+00:00", "end": "2025-07-28T00:00:00+00:00"}
    assert [a["alert_id"] for a in digest["alerts"]] == ["a0", "a1", "a2"]
    assert delivery_of("s", "weekly", end, ["a0"], payloads[:1])[0] == ident  # same period, same id
