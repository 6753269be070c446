"""Timestamps from feeds and GOV.UK APIs, normalised to one comparable form: UTC, seconds, `Z`.

The same GOV.UK document is dated `2025-07-21T23:30:00+01:00` in an Atom feed and
`2025-07-21T23:30:00.000+01:00` in the Search API; comparing them as strings would call it changed.

Dates are untrusted input. Feeds carry placeholders (`0000-00-00T00:00:00Z`, `Mon, 01 Jan 0001`),
years no calendar library can hold (`9999-12-31T23:59:59-14:00` is year 10000 in UTC) and plain
garbage. Every reader here returns None for such a value instead of raising, so a bad date costs its
field, never the entry, the source or the run; only years in `PLAUSIBLE_YEARS` are believed.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

# The first web newsrooms are from the 1990s and nothing is announced centuries ahead; a year outside
# this range is a placeholder or a typo, and keeping it would sort the document before or after all others.
PLAUSIBLE_YEARS = range(1900, 2200)


def is_plausible(moment: datetime) -> bool:
    """Say whether a datetime's year is one a real announcement can carry (see `PLAUSIBLE_YEARS`).

    >>> is_plausible(datetime(2025, 7, 21)), is_plausible(datetime(1, 1, 1))
    (True, False)
    """
    return moment.year in PLAUSIBLE_YEARS


def normalise_timestamp(value: str | None) -> str | None:
    """Return an ISO 8601 timestamp as UTC `YYYY-MM-DDTHH:MM:SSZ`, or None when it cannot be read.

    A date without a time is taken as midnight UTC; a time without a zone as UTC.

    >>> normalise_timestamp("2025-07-21T23:30:00.000+01:00")
    '2025-07-21T22:30:00Z'
    >>> normalise_timestamp("2025-07-21")
    '2025-07-21T00:00:00Z'
    >>> normalise_timestamp("yesterday") is None
    True
    >>> normalise_timestamp("0001-01-01T00:00:00+14:00") is None  # before year 1 in UTC
    True
    """
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        parsed = parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return format_utc(parsed) if is_plausible(parsed) else None


def format_utc(moment: datetime) -> str:
    """Format an aware datetime as UTC `YYYY-MM-DDTHH:MM:SSZ` (the year always four digits).

    >>> format_utc(datetime(2025, 7, 21, 22, 30, tzinfo=UTC))
    '2025-07-21T22:30:00Z'
    >>> format_utc(datetime(999, 1, 2, tzinfo=UTC))
    '0999-01-02T00:00:00Z'
    """
    utc = moment.astimezone(UTC)
    return f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}Z"


def struct_time_to_utc(value: time.struct_time | None) -> str | None:
    """Convert feedparser's parsed dates (struct_time in UTC) to our timestamp form; None if implausible.

    feedparser hands over whatever the feed wrote, normalised only arithmetically: `0000-00-00` arrives
    as year -1, and `9999-12-31T23:59:59-14:00` as year 10000.

    >>> struct_time_to_utc(time.strptime("2025-07-21 22:30:00", "%Y-%m-%d %H:%M:%S"))
    '2025-07-21T22:30:00Z'
    >>> struct_time_to_utc(time.struct_time((-1, 11, 30, 0, 0, 0, 1, 334, 0))) is None
    True
    """
    if value is None:
        return None
    try:
        year, month, day, hour, minute, second = (int(part) for part in tuple(value)[:6])
        # a leap second (60) and feedparser's occasional 61 are read as the last second of the minute
        moment = datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None
    return format_utc(moment) if is_plausible(moment) else None


def parse_utc(value: str) -> datetime:
    """Read a timestamp written by `format_utc` back into an aware datetime.

    >>> parse_utc("2025-07-21T22:30:00Z").hour
    22
    """
    return datetime.fromisoformat(value).astimezone(UTC)
