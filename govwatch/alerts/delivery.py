"""Sending one delivery (an alert or a digest) to its channel, and deciding when to retry a failure.

`Sender` holds what channels share between deliveries (one HTTP client, the SMTP settings, the stdout
stream). `next_attempt` is the retry policy as a pure function: exponential backoff from
`AlertSettings.backoff_base_s` doubling up to `backoff_max_s`, or the receiver's Retry-After when it
gave one, within `retry_for_s` of the first attempt; past that window the delivery fails for good.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

import httpx

from govwatch.alerts.channels import DeliveryResult, deliver_file, deliver_stdout
from govwatch.alerts.mail import build_email, deliver_email
from govwatch.alerts.message import digest_id, digest_payload, period_start, render_email
from govwatch.alerts.records import Subscription
from govwatch.alerts.webhook import ALERT_ID_HEADER, deliver_webhook
from govwatch.config import AlertSettings, SmtpSettings
from govwatch.redact import mask_library_logs


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryDecision:
    """Try again at `retry_at`, or (when it is None) give up with `error`."""

    retry_at: datetime | None
    error: str


def next_attempt(
    result: DeliveryResult,
    *,
    attempts: int,
    first_attempt_at: datetime,
    now: datetime,
    settings: AlertSettings,
) -> RetryDecision:
    """When to try a retryable failure again, or why to stop.

    Args:
        result: the failed, retryable attempt.
        attempts: attempts made before this one.
        first_attempt_at: start of the retry window.
        now: when this attempt was made.
        settings: backoff and retry window.

    >>> from datetime import UTC
    >>> start = datetime(2025, 1, 1, tzinfo=UTC)
    >>> failed = DeliveryResult(ok=False, retryable=True, error="answered 503")
    >>> next_attempt(failed, attempts=2, first_attempt_at=start, now=start, settings=AlertSettings()).retry_at
    datetime.datetime(2025, 1, 1, 0, 0, 4, tzinfo=datetime.timezone.utc)
    """
    delay_s = result.retry_after_s
    if delay_s is None:
        delay_s = min(settings.backoff_max_s, settings.backoff_base_s * 2**attempts)
    retry_at = now + timedelta(seconds=delay_s)
    if retry_at > first_attempt_at + timedelta(seconds=settings.retry_for_s):
        spent_s = (now - first_attempt_at).total_seconds()
        return RetryDecision(
            retry_at=None, error=f"{result.error}; gave up after {attempts + 1} attempts over {spent_s:.0f}s"
        )
    return RetryDecision(retry_at=retry_at, error=result.error)


def delivery_of(
    subscription: str,
    frequency: str,
    due_at: datetime,
    ids: Sequence[str],
    payloads: Sequence[Mapping[str, Any]],
) -> tuple[str, dict[str, Any]]:
    """The id and payload of one delivery: the alert itself, or a digest of every alert of the period."""
    if frequency == "immediate":
        return ids[0], dict(payloads[0])
    digest = digest_id(subscription, due_at)
    return digest, digest_payload(
        digest=digest,
        subscription=payloads[0]["subscription"],
        start=period_start(frequency, due_at),
        end=due_at,
        alerts=payloads,
    )


class Sender:
    """Sends deliveries to their channel; one instance keeps one HTTP client for connection reuse."""

    def __init__(self, *, smtp: SmtpSettings, webhook_timeout_s: float, stdout: TextIO | None = None) -> None:
        mask_library_logs()  # httpx logs each request's URL, and a webhook URL may carry a token
        self._smtp = smtp
        self._timeout_s = webhook_timeout_s
        self._stdout = stdout
        self._client: httpx.Client | None = None

    def send(
        self, sub: Subscription, delivery: str, payload: dict[str, Any], now: datetime
    ) -> DeliveryResult:
        """One attempt; failures come back as a `DeliveryResult`, never as an exception."""
        channel = sub.channel
        if channel.kind == "webhook":
            if self._client is None:
                self._client = httpx.Client(follow_redirects=False)
            body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
            return deliver_webhook(
                self._client,
                channel.target,
                body,
                alert_id=delivery,
                secret=sub.secret,
                now=now,
                timeout_s=self._timeout_s,
            )
        if channel.kind == "email":
            subject, text, page = render_email(payload)
            message = build_email(
                sender=self._smtp.sender, recipient=channel.target, subject=subject, text=text, html=page
            )
            message[ALERT_ID_HEADER] = delivery
            return deliver_email(self._smtp, message)
        if channel.kind == "file":
            return deliver_file(Path(channel.target), delivery, payload)
        return deliver_stdout(self._stdout or sys.stdout, payload)

    def close(self) -> None:
        """Close the HTTP client."""
        if self._client is not None:
            self._client.close()
            self._client = None
