"""Politeness toward the servers we poll: per-host request spacing, backoff with jitter, Retry-After.

Pure helpers, kept apart from the HTTP client so they can be tested without sockets or clocks.
"""

from __future__ import annotations

import email.utils
import random
import threading
import time
from collections.abc import Callable


def parse_retry_after_s(value: str | None, *, now_s: float) -> float | None:
    """Read a `Retry-After` header: delta seconds or an HTTP date, as seconds from `now_s` (epoch).

    >>> parse_retry_after_s("3", now_s=0.0)
    3.0
    >>> parse_retry_after_s("Thu, 01 Jan 1970 00:00:10 GMT", now_s=4.0)
    6.0
    >>> parse_retry_after_s("soon", now_s=0.0) is None
    True
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now_s)


def backoff_delay_s(attempt: int, *, base_s: float, max_s: float, rng: random.Random) -> float:
    """Exponential backoff with full jitter: a random delay in [0, min(max, base * 2**attempt)].

    Full jitter spreads retries of many clients (or threads) so they do not hit a recovering server
    together.

    >>> 0.0 <= backoff_delay_s(3, base_s=0.5, max_s=2.0, rng=random.Random(1)) <= 2.0
    True
    """
    return rng.uniform(0.0, min(max_s, base_s * (2**attempt)))


class HostRateLimiter:
    """Spaces requests to one host at least `1 / rate` seconds apart, across threads.

    Each caller reserves the next free slot under a lock and sleeps outside it, so threads queue fairly
    without holding the lock while they wait. `clock` and `sleep` are injectable for tests.
    """

    def __init__(
        self,
        requests_per_second: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._interval_s = 1.0 / requests_per_second if requests_per_second > 0 else 0.0
        self._next_s: dict[str, float] = {}
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep

    def wait(self, host: str) -> None:
        """Block until a request to `host` is allowed."""
        if self._interval_s <= 0:
            return
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_s.get(host, now))
            self._next_s[host] = slot + self._interval_s
        if slot > now:
            self._sleep(slot - now)


class RetryBudget:
    """Seconds that retries may take, shared by every fetch of one poll: waits plus the retried attempts.

    Without it each of a poll's fetches could retry `max_retries` times at `total_timeout_s` each, so one
    slow server held a poll for minutes per article. First attempts are not charged: the per-poll cap on
    articles and the per-fetch deadline bound those.

    >>> budget = RetryBudget(10.0)
    >>> budget.allows(4.0), budget.spend(8.0), budget.allows(4.0), budget.remaining_s
    (True, None, False, 2.0)
    """

    def __init__(self, seconds: float) -> None:
        self._remaining_s = max(seconds, 0.0)
        self._lock = threading.Lock()

    @property
    def remaining_s(self) -> float:
        with self._lock:
            return self._remaining_s

    def allows(self, delay_s: float) -> bool:
        """True when a retry that first waits `delay_s` still leaves time for the attempt itself."""
        with self._lock:
            return self._remaining_s > delay_s

    def spend(self, seconds: float) -> None:
        """Charge time spent waiting for or running a retry."""
        with self._lock:
            self._remaining_s = max(self._remaining_s - max(seconds, 0.0), 0.0)
