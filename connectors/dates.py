"""Timestamps from feeds and GOV.UK APIs, normalised to one comparable form: UTC, seconds, `Z`.

The same GOV.UK document is dated `2025-07-21T23:30:00+01:00` in an Atom feed and
`2025-07-21T23:30:00.000+01:00` in the Search API; comparing them as strings would call it changed.
"""

from __future__ import annotations

import calendar
import time
from datetime import UTC, datetime


def normalise_timestamp(value: str | None) -> str | None:
    """Return an ISO 8601 timestamp as UTC `YYYY-MM-DDTHH:MM:SSZ`, or None when it cannot be read.

    A date without a time is taken as midnight UTC; a time without a zone as UTC.

    >>> normalise_timestamp("2025-07-21T23:30:00.000+01:00")
    '2025-07-21T22:30:00Z'
    >>> normalise_timestamp("2025-07-21")
    '2025-07-21T00:00:00Z'
    >>> normalise_timestamp("yesterday") is None
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
    return format_utc(parsed)


def format_utc(moment: datetime) -> str:
    """Format an aware datetime as UTC `YYYY-MM-DDTHH:MM:SSZ`.

    >>> format_utc(datetime(2025, 7, 21, 22, 30, tzinfo=UTC))
    '2025-07-21T22:30:00Z'
    """
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def struct_time_to_utc(value: time.struct_time | None) -> str | None:
    """Convert feedparser's parsed dates (struct_time in UTC) to our timestamp form.

    >>> struct_time_to_utc(time.strptime("2025-07-21 22:30:00", "%Y-%m-%d %H:%M:%S"))
    '2025-07-21T22:30:00Z'
    """
    if value is None:
        return None
    return format_utc(datetime.fromtimestamp(calendar.timegm(value), tz=UTC))


def parse_utc(value: str) -> datetime:
    """Read a timestamp written by `format_utc` back into an aware datetime.

    >>> parse_utc("2025-07-21T22:30:00Z").hour
    22
    """
    return datetime.fromisoformat(value).astimezone(UTC)
