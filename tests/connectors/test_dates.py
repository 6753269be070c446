"""Dates from feeds and GOV.UK APIs: placeholders, impossible years and garbage cost the field, never raise."""

from __future__ import annotations

import re
import time

import feedparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govwatch.connectors.dates import PLAUSIBLE_YEARS, normalise_timestamp, struct_time_to_utc

STAMP = re.compile(r"^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def _feedparser_date(text: str) -> time.struct_time | None:
    """The struct_time feedparser makes of an RSS `pubDate`, as the feed connector receives it."""
    body = f'<rss version="2.0"><channel><item><link>http://x.example/a</link><pubDate>{text}</pubDate>'
    # A feed reaches feedparser as bytes; text no encoder accepts (a lone surrogate) arrives as the bytes
    # a careless encoder would write, not as an encoding error of the test's own making.
    data = (body + "</item></channel></rss>").encode("utf-8", "surrogatepass")
    entry = feedparser.parse(data).entries[0]
    parsed: time.struct_time | None = entry.get("published_parsed")
    return parsed


def _is_plausible_stamp(value: str | None) -> bool:
    match = STAMP.match(value or "")
    return match is not None and int(match.group(1)) in PLAUSIBLE_YEARS


@pytest.mark.parametrize(
    "written",
    [
        "0000-00-00T00:00:00Z",  # feedparser: year -1
        "0000-01-01T00:00:00Z",  # year 0
        "Mon, 01 Jan 0001 00:00:00 GMT",  # year 1, once written as '1-01-01' and read back as year 100
        "Sat, 01 Jan 0100 00:00:00 GMT",
        "9999-12-31T23:59:59-14:00",  # year 10000 in UTC
        "0001-01-01T00:00:00+14:00",  # year 0 in UTC
    ],
)
def test_placeholder_and_impossible_feed_dates_are_dropped(written: str) -> None:
    assert struct_time_to_utc(_feedparser_date(written)) is None


def test_ordinary_feed_dates_survive() -> None:
    assert struct_time_to_utc(_feedparser_date("Mon, 21 Jul 2025 23:30:00 +0100")) == "2025-07-21T22:30:00Z"


@pytest.mark.parametrize(
    "written",
    [
        "0000-00-00T00:00:00Z",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59-14:00",
        "0001-01-01T00:00:00+14:00",
    ],
)
def test_placeholder_and_impossible_api_timestamps_are_dropped(written: str) -> None:
    assert normalise_timestamp(written) is None


@settings(max_examples=400, deadline=None)
@given(st.lists(st.integers(min_value=-(2**40), max_value=2**40), min_size=9, max_size=9))
def test_any_struct_time_gives_a_plausible_stamp_or_none(parts: list[int]) -> None:
    try:
        value = time.struct_time(parts)
    except (OverflowError, ValueError):
        return
    result = struct_time_to_utc(value)
    assert result is None or _is_plausible_stamp(result)


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.text(max_size=40),
        st.from_regex(r"\A-?\d{1,5}-\d{1,2}-\d{1,2}(T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)?)?\Z"),
    )
)
def test_any_api_timestamp_gives_a_plausible_stamp_or_none(text: str) -> None:
    result = normalise_timestamp(text)
    assert result is None or _is_plausible_stamp(result)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.text(alphabet=st.characters(blacklist_characters="<&"), max_size=40),
        st.from_regex(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2}|Z)\Z"),
        st.from_regex(r"\A[A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{1,5} \d{2}:\d{2}:\d{2} ([+-]\d{4}|GMT)\Z"),
    )
)
def test_any_feed_date_gives_a_plausible_stamp_or_none(text: str) -> None:
    result = struct_time_to_utc(_feedparser_date(text))
    assert result is None or _is_plausible_stamp(result)
