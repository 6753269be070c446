"""HostRateLimiter, backoff and Retry-After, with a fake clock (no timing assertions)."""

from __future__ import annotations

import random

import pytest

from govwatch.connectors.politeness import HostRateLimiter, backoff_delay_s, parse_retry_after_s


def test_rate_limiter_spaces_requests_per_host() -> None:
    now = [100.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(round(seconds, 6))

    limiter = HostRateLimiter(5.0, clock=lambda: now[0], sleep=sleep)
    limiter.wait("www.gov.uk")
    limiter.wait("www.gov.uk")
    limiter.wait("www.gov.uk")
    limiter.wait("www.canada.ca")
    assert sleeps == [0.2, 0.4]
    now[0] = 101.0
    limiter.wait("www.gov.uk")
    assert sleeps == [0.2, 0.4]


def test_rate_limit_zero_means_unlimited() -> None:
    sleeps: list[float] = []
    limiter = HostRateLimiter(0.0, clock=lambda: 0.0, sleep=sleeps.append)
    limiter.wait("a")
    limiter.wait("a")
    assert sleeps == []


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("120", 120.0),
        ("0", 0.0),
        ("Wed, 21 Oct 2015 07:28:10 GMT", 10.0),
        ("", None),
        ("-5", None),
        ("soon", None),
    ],
)
def test_retry_after_reads_seconds_and_http_dates(header: str, expected: float | None) -> None:
    now = 1445412480.0  # 2015-10-21T07:28:00Z
    assert parse_retry_after_s(header, now_s=now) == expected


def test_retry_after_date_in_the_past_means_now() -> None:
    assert parse_retry_after_s("Wed, 21 Oct 2015 07:28:00 GMT", now_s=1445412490.0) == 0.0


def test_backoff_grows_and_is_capped() -> None:
    rng = random.Random(7)
    ceilings = [min(1.0, 0.1 * 2**attempt) for attempt in range(8)]
    delays = [backoff_delay_s(attempt, base_s=0.1, max_s=1.0, rng=rng) for attempt in range(8)]
    assert all(0.0 <= d <= c for d, c in zip(delays, ceilings, strict=True))
