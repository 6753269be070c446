"""The announcement list's filters and its keyset cursor, as SQL built from plain values.

The list is ordered newest first by (`latest_at`, `id`); a page ends with a cursor naming its last row,
and the next page asks for rows strictly after it. The database then reads only the rows of one page
whatever the depth, where OFFSET would read and discard every row before it.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from govwatch.alerts.data import PARTNERSHIP_KINDS
from govwatch.errors import GovwatchError

PAGE_SIZE = 50


class FilterError(ValueError):
    """A filter value that cannot be read; the message says what a good one looks like."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ListFilters:
    """What the announcements list is narrowed to; empty values do not filter."""

    q: str = ""
    organisation: str = ""
    kind: str = ""
    topic: str = ""
    since: date | None = None
    until: date | None = None
    min_amount: str = ""
    min_gbp: float | None = field(default=None, compare=False)
    after: tuple[datetime | None, str] | None = None

    def query_string(self, **changes: Any) -> str:
        """The filters as a URL query (without the cursor unless `after` is passed in `changes`)."""
        values = replace(self, **{"after": None, **changes})
        pairs: list[tuple[str, str]] = [
            (name, str(getattr(values, name)))
            for name in ("q", "organisation", "kind", "topic", "since", "until", "min_amount")
            if getattr(values, name) not in ("", None)
        ]
        if values.after is not None:
            pairs.append(("after", encode_cursor(values.after)))
        return urlencode(pairs)

    @property
    def active(self) -> bool:
        return bool(
            self.q
            or self.organisation
            or self.kind
            or self.topic
            or self.since
            or self.until
            or self.min_amount
        )


def _date(name: str, text: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise FilterError(f"{name} must be a date like 2025-07-01, not {text!r}") from exc


def encode_cursor(after: tuple[datetime | None, str]) -> str:
    """The last row of a page as an opaque URL-safe token.

    >>> decode_cursor(encode_cursor((datetime(2025, 7, 1, 9, 30), "abc")))
    (datetime.datetime(2025, 7, 1, 9, 30), 'abc')
    """
    at, ident = after
    raw = f"{at.isoformat() if at else ''}\n{ident}"
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(token: str) -> tuple[datetime | None, str]:
    """Read a token made by `encode_cursor`; a damaged one is a FilterError, never a crash."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("utf-8")
        at, ident = raw.split("\n", 1)
        return (datetime.fromisoformat(at) if at else None, ident)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise FilterError("the page link is damaged; start again from the first page") from exc


def read_filters(params: dict[str, str], parse_amount: Any) -> ListFilters:
    """Build ListFilters from query parameters.

    Args:
        params: the request's query parameters.
        parse_amount: turns '£100m' into pounds (the alert subscriptions' own reader).

    Raises:
        FilterError: a bad date, kind, amount or cursor.
    """
    kind = params.get("kind", "").strip()
    if kind and kind not in PARTNERSHIP_KINDS:
        raise FilterError(f"kind must be one of {', '.join(PARTNERSHIP_KINDS)}")
    min_amount = params.get("min_amount", "").strip()
    min_gbp = None
    if min_amount:
        try:
            min_gbp = float(parse_amount(min_amount))
        except (ValueError, GovwatchError) as exc:
            raise FilterError(f"amount: {exc}") from exc
    after = params.get("after", "").strip()
    return ListFilters(
        q=params.get("q", "").strip()[:200],
        organisation=params.get("organisation", "").strip(),
        kind=kind,
        topic=params.get("topic", "").strip().lower(),
        since=_date("from", params.get("since", "")),
        until=_date("to", params.get("until", "")),
        min_amount=min_amount,
        min_gbp=min_gbp,
        after=decode_cursor(after) if after else None,
    )


LATEST_AT = "coalesce(a.updated_at, a.published_at)"
#: What `search_announcements` splits words at: any run of characters that are not word characters
#: (DuckDB's regular expressions are RE2's, whose word characters are ASCII letters, digits and '_').
_NOT_WORD = re.compile(r"[^0-9A-Za-z_]+")


def word_patterns(q: str) -> list[str]:
    r"""One regular expression per distinct word of a search, read as `search_announcements` reads it:
    every word must occur whole, in any case, in the title or the body.

    >>> word_patterns("  AI growth-zones, AI ")
    ['(?i)\\bai\\b', '(?i)\\bgrowth\\b', '(?i)\\bzones\\b']
    >>> word_patterns("!!!")
    []
    """
    words = dict.fromkeys(word.lower() for word in _NOT_WORD.split(q) if word)
    return [rf"(?i)\b{word}\b" for word in words]


def list_sql(filters: ListFilters, limit: int = PAGE_SIZE) -> tuple[str, list[Any]]:
    """SQL for one page of the list (one row more than `limit`, to know whether a next page exists).

    >>> sql, params = list_sql(ListFilters(kind="grant", organisation="dsit"))
    >>> params[:2]
    ['dsit', 'grant']
    """
    # Each document's current version straight from the version table (no newer version of it), and the
    # other filters on the version tables at that version: the public views would each find every
    # document's current version again, once per view the page touches.
    where: list[str] = [
        "NOT EXISTS (SELECT 1 FROM announcement_versions n WHERE n.id = a.id AND n.version > a.version)"
    ]
    params: list[Any] = []
    if filters.organisation:
        where.append("list_contains(a.organisations, ?)")
        params.append(filters.organisation)
    if filters.kind:
        where.append(
            "(a.id, a.version) IN (SELECT announcement_id, version FROM partnership_rows WHERE kind = ?)"
        )
        params.append(filters.kind)
    if filters.topic:
        where.append(
            "(a.id, a.version) IN (SELECT announcement_id, version FROM topic_rows WHERE lower(topic) = ?)"
        )
        params.append(filters.topic)
    if filters.since:
        where.append(f"{LATEST_AT} >= ?::DATE")
        params.append(filters.since.isoformat())
    if filters.until:
        where.append(f"{LATEST_AT} < ?::DATE + INTERVAL 1 DAY")
        params.append(filters.until.isoformat())
    if filters.min_gbp is not None:
        where.append(
            "(a.id, a.version) IN (SELECT f.announcement_id, f.version FROM figure_rows f "
            "JOIN gbp_rates r ON r.currency = f.currency "
            "WHERE f.kind = 'money' AND coalesce(f.value_max, f.value) * r.gbp_per_unit >= ?)"
        )
        params.append(filters.min_gbp)
    if filters.q:
        patterns = word_patterns(filters.q)
        # What search_announcements finds, each word's pattern a constant the database compiles once
        # (the table macro builds a pattern per row and word: seconds at 100k announcements).
        where.extend(["(regexp_matches(a.title, ?) OR regexp_matches(a.body_text, ?))"] * len(patterns))
        params.extend(pattern for pattern in patterns for _ in range(2))
        if not patterns:
            where.append("false")
    if filters.after is not None:
        at, ident = filters.after
        if at is None:
            where.append(f"{LATEST_AT} IS NULL AND a.id < ?")
            params.append(ident)
        else:
            # Parameters stay JSON-ready (text): the read path may send them to the writing process.
            where.append(
                f"({LATEST_AT} < ?::TIMESTAMPTZ OR ({LATEST_AT} = ?::TIMESTAMPTZ AND a.id < ?) "
                f"OR {LATEST_AT} IS NULL)"
            )
            params.extend([at.isoformat(), at.isoformat(), ident])
    # The page's rows first (top-N on the list's order), then their agreements and money, read for those
    # rows only: correlated subqueries would make DuckDB aggregate the whole tables for every page. The
    # page knows each row's current version, so its agreements and money come from the version tables
    # directly: the public views would find every document's current version again, twice per page.
    sql = f"""
WITH page AS (
    SELECT a.id, a.version, a.title, a.url, a.organisations, {LATEST_AT} AS latest_at
    FROM announcement_versions a
    WHERE {" AND ".join(where)}
    ORDER BY latest_at DESC NULLS LAST, a.id DESC
    LIMIT {int(limit) + 1}
),
agreements AS (
    SELECT p.announcement_id AS id, list(DISTINCT p.kind ORDER BY p.kind) AS kinds,
           list_sort(list_distinct(flatten(list(p.parties)))) AS parties
    FROM partnership_rows p WHERE (p.announcement_id, p.version) IN (SELECT (id, version) FROM page)
    GROUP BY p.announcement_id
),
money AS (
    SELECT f.announcement_id AS id, max(coalesce(f.value_max, f.value) * r.gbp_per_unit) AS largest_gbp
    FROM figure_rows f JOIN gbp_rates r ON r.currency = f.currency
    WHERE f.kind = 'money' AND (f.announcement_id, f.version) IN (SELECT (id, version) FROM page)
    GROUP BY f.announcement_id
)
SELECT page.id, page.title, page.url, page.organisations, page.latest_at, agreements.kinds,
       agreements.parties, money.largest_gbp
FROM page LEFT JOIN agreements USING (id) LEFT JOIN money USING (id)
ORDER BY page.latest_at DESC NULLS LAST, page.id DESC
"""
    return sql, params
