"""The webhook channel against a real HTTP server on 127.0.0.1: signing, and which failures are retried."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from govwatch.alerts.webhook import deliver_webhook, sign, verify_signature
from tests.alerts.conftest import Answer, Receiver, free_port

NOW = datetime(2025, 7, 22, 9, 0, tzinfo=UTC)


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client() as http:
        yield http


def post(
    client: httpx.Client, url: str, *, timeout_s: float = 2.0, secret: str = "s3cret", now: datetime = NOW
):
    return deliver_webhook(
        client, url, b'{"a": 1}', alert_id="alert-1", secret=secret, now=now, timeout_s=timeout_s
    )


def test_request_is_signed_over_timestamp_and_body(receiver: Receiver, client: httpx.Client) -> None:
    assert post(client, receiver.url).ok
    request = receiver.received[0]
    assert request.headers["X-Govwatch-Alert-Id"] == "alert-1"
    assert request.headers["Content-Type"] == "application/json"
    timestamp = request.headers["X-Govwatch-Timestamp"]
    assert timestamp == str(int(NOW.timestamp()))
    signature = request.headers["X-Govwatch-Signature"]
    assert verify_signature("s3cret", timestamp, request.body, signature, now_s=NOW.timestamp())
    assert not verify_signature("other", timestamp, request.body, signature, now_s=NOW.timestamp())
    assert not verify_signature("s3cret", timestamp, request.body + b" ", signature, now_s=NOW.timestamp())
    assert not verify_signature("s3cret", timestamp, request.body, signature, now_s=NOW.timestamp() + 3600)


def test_signature_is_hmac_sha256_hex() -> None:
    import hashlib
    import hmac

    expected = hmac.new(b"k", b"1700000000.{}", hashlib.sha256).hexdigest()
    assert sign("k", "1700000000", b"{}") == "sha256=" + expected


@pytest.mark.parametrize(
    ("status", "retryable"),
    [
        (500, True),
        (503, True),
        (429, True),
        (408, True),
        (404, False),
        (401, False),
        (400, False),
        (301, False),
    ],
)
def test_which_answers_are_retried(
    receiver: Receiver, client: httpx.Client, status: int, retryable: bool
) -> None:
    receiver.answer = lambda _n: Answer(status=status)
    result = post(client, receiver.url)
    assert not result.ok
    assert result.retryable is retryable
    assert str(status) in result.error


def test_retry_after_is_passed_on(receiver: Receiver, client: httpx.Client) -> None:
    receiver.answer = lambda _n: Answer(status=429, headers={"Retry-After": "42"})
    assert post(client, receiver.url).retry_after_s == 42.0


def test_a_receiver_that_hangs_times_out(receiver: Receiver, client: httpx.Client) -> None:
    receiver.answer = lambda _n: Answer(hang=True)
    started = time.monotonic()
    result = post(client, receiver.url, timeout_s=0.3)
    assert not result.ok and result.retryable
    assert "timed out" in result.error
    assert time.monotonic() - started < 5  # bounded by the timeout, not by the receiver


def test_a_receiver_that_is_down_is_retryable(client: httpx.Client) -> None:
    result = post(client, f"http://127.0.0.1:{free_port()}/hook")
    assert not result.ok and result.retryable
    assert "cannot reach webhook 127.0.0.1" in result.error


def test_errors_name_the_host_but_not_the_url_token_or_secret(
    receiver: Receiver, client: httpx.Client
) -> None:
    receiver.answer = lambda _n: Answer(status=500)
    result = post(client, receiver.url + "?token=url-token-123", secret="very-secret-key")
    assert "127.0.0.1" in result.error
    assert "url-token-123" not in result.error and "very-secret-key" not in result.error
