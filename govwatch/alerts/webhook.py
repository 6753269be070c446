"""The webhook channel: a signed JSON POST with httpx.

Each request carries
- `X-Govwatch-Alert-Id`: the alert (or digest) id; the same on every retry, so receivers dedupe on it;
- `X-Govwatch-Timestamp`: Unix seconds when this attempt was signed;
- `X-Govwatch-Signature`: `sha256=` + hex HMAC-SHA256, keyed by the subscription's secret, over
  `timestamp + "." + body`. Receivers recompute it (see `verify_signature`) and reject stale timestamps.

Timeouts, transport errors, 408, 429 and 5xx are retryable (Retry-After is passed on); other answers are
final. Errors name the host only, never the full URL (it may carry a token) nor the secret.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from urllib.parse import urlsplit

import httpx

from govwatch.alerts.channels import DeliveryResult
from govwatch.connectors.politeness import parse_retry_after_s

SIGNATURE_HEADER = "X-Govwatch-Signature"
TIMESTAMP_HEADER = "X-Govwatch-Timestamp"
ALERT_ID_HEADER = "X-Govwatch-Alert-Id"
SIGNATURE_TOLERANCE_S = 300.0
_RETRYABLE_STATUS = frozenset({408, 425, 429})


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header value for a body sent at `timestamp`.

    >>> sign("s3cret", "1700000000", b'{}')[:15]
    'sha256=97926816'
    """
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def verify_signature(
    secret: str,
    timestamp: str,
    body: bytes,
    signature: str,
    *,
    now_s: float,
    tolerance_s: float = SIGNATURE_TOLERANCE_S,
) -> bool:
    """What a receiver does: recompute the signature (constant time) and refuse timestamps too far off."""
    try:
        age_s = abs(now_s - float(timestamp))
    except ValueError:
        return False
    return age_s <= tolerance_s and hmac.compare_digest(sign(secret, timestamp, body), signature)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or an HTTP date); None when absent or bad.

    >>> from datetime import UTC
    >>> parse_retry_after("120", datetime(2025, 1, 1, tzinfo=UTC))
    120.0
    >>> parse_retry_after("Wed, 01 Jan 2025 00:00:30 GMT", datetime(2025, 1, 1, tzinfo=UTC))
    30.0
    """
    return parse_retry_after_s(value, now_s=now.timestamp())


def deliver_webhook(
    client: httpx.Client,
    url: str,
    body: bytes,
    *,
    alert_id: str,
    secret: str,
    now: datetime,
    timeout_s: float,
) -> DeliveryResult:
    """POST one alert body; never raises for network or HTTP failures, it returns them.

    Args:
        client: a shared client (connection reuse keeps delivery latency low).
        url: the subscription's webhook URL.
        body: the JSON body, signed as sent.
        alert_id: sent as `X-Govwatch-Alert-Id`.
        secret: the subscription's HMAC key.
        now: the attempt's time (its Unix seconds become the timestamp).
        timeout_s: for connect, read and write each.
    """
    timestamp = str(int(now.timestamp()))
    headers = {
        "Content-Type": "application/json",
        ALERT_ID_HEADER: alert_id,
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(secret, timestamp, body),
    }
    host = urlsplit(url).hostname or "receiver"
    try:
        response = client.post(url, content=body, headers=headers, timeout=timeout_s)
    except httpx.TimeoutException:
        return DeliveryResult(
            ok=False, retryable=True, error=f"webhook {host} timed out after {timeout_s:g}s"
        )
    except httpx.TransportError as exc:
        return DeliveryResult(
            ok=False, retryable=True, error=f"cannot reach webhook {host} ({type(exc).__name__})"
        )
    status = response.status_code
    if 200 <= status < 300:
        return DeliveryResult(ok=True)
    said = f"webhook {host} answered {status} {response.reason_phrase}".rstrip()
    if status in _RETRYABLE_STATUS or status >= 500:
        return DeliveryResult(
            ok=False,
            retryable=True,
            retry_after_s=parse_retry_after(response.headers.get("Retry-After"), now),
            error=said,
        )
    return DeliveryResult(
        ok=False, retryable=False, error=f"{said}; not retried, fix the receiver or the subscription"
    )
