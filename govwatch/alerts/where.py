"""The per-announcement record that `--where` predicates read, and their validation and evaluation.

A `--where` predicate is a DuckDB SQL boolean expression over one row of a table named `announcement`
with these columns (one row per announcement version):

========================  ============  ==========================================================
column                    type          meaning
========================  ============  ==========================================================
id                        VARCHAR       document id (GOV.UK content_id, else canonical URL)
version                   INTEGER       version of the document, from 1
url                       VARCHAR       page address
title                     VARCHAR       title
summary                   VARCHAR       summary (GOV.UK description)
body_text                 VARCHAR       repaired body text
document_type             VARCHAR       GOV.UK document type, e.g. 'press_release'
published_at              TIMESTAMPTZ   first publication time
updated_at                TIMESTAMPTZ   last public update
language                  VARCHAR       ISO language code
source                    VARCHAR       name of the configured source
withdrawn                 BOOLEAN       the document has been withdrawn
organisations             VARCHAR[]     publishing organisations as lower-case slugs, plus known
                                        acronyms ('dsit', 'hmt', ...)
kinds                     VARCHAR[]     partnership kinds ('memorandum_of_understanding', ...)
parties                   VARCHAR[]     partnership parties, as written
statuses                  VARCHAR[]     partnership statuses ('signed', 'announced', ...)
topics                    VARCHAR[]     topics ('ai', 'compute_and_data_centres', ...)
entities                  VARCHAR[]     names of people, organisations, places and programmes
money_gbp                 DOUBLE[]      money figures in pounds (fixed rates for USD and EUR)
max_gbp                   DOUBLE        largest money figure in pounds; NULL when there is none
partnership_count         INTEGER       number of partnerships
figure_count              INTEGER       number of figures of any kind
========================  ============  ==========================================================

Example: `max_gbp >= 100e6 and list_contains(organisations, 'dsit')`. Predicates run in an in-memory
DuckDB behind the same guards as `govwatch query` (`govwatch.sandbox`: no files, network or extensions, a
locked configuration, bounded memory, a time limit, no value built to a size of its own choosing), one
statement only, over the announcements of one batch: write them about the row's own columns (a subquery
over `announcement` would see the whole batch).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Final

import duckdb

from govwatch.alerts.records import AnnouncementFacts
from govwatch.errors import ConfigError, QueryError
from govwatch.pipeline.records import Announcement
from govwatch.sandbox import QueryLimits, check_value_builders, connect_in_memory, time_limit

log = logging.getLogger(__name__)

RECORD_COLUMNS: Final = (
    ("id", "VARCHAR"),
    ("version", "INTEGER"),
    ("url", "VARCHAR"),
    ("title", "VARCHAR"),
    ("summary", "VARCHAR"),
    ("body_text", "VARCHAR"),
    ("document_type", "VARCHAR"),
    ("published_at", "TIMESTAMPTZ"),
    ("updated_at", "TIMESTAMPTZ"),
    ("language", "VARCHAR"),
    ("source", "VARCHAR"),
    ("withdrawn", "BOOLEAN"),
    ("organisations", "VARCHAR[]"),
    ("kinds", "VARCHAR[]"),
    ("parties", "VARCHAR[]"),
    ("statuses", "VARCHAR[]"),
    ("topics", "VARCHAR[]"),
    ("entities", "VARCHAR[]"),
    ("money_gbp", "DOUBLE[]"),
    ("max_gbp", "DOUBLE"),
    ("partnership_count", "INTEGER"),
    ("figure_count", "INTEGER"),
)
TABLE_NAME: Final = "announcement"
#: What the predicates of one batch may use: they run in the process that writes the database.
WHERE_LIMITS: Final = QueryLimits(memory_limit="512MB", time_limit_s=10.0)
_ROW_COLUMN = "_row"


def _timestamp(value: object) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def announcement_record(announcement: Announcement, facts: AnnouncementFacts) -> dict[str, Any]:
    """The `announcement` row a `--where` predicate sees, built from an announcement and its facts."""
    partnerships = facts.partnerships
    money = [m.gbp for m in facts.money]
    return {
        "id": facts.id,
        "version": facts.version,
        "url": announcement.url,
        "title": facts.title,
        "summary": announcement.summary,
        "body_text": facts.body_text,
        "document_type": announcement.document_type,
        "published_at": _timestamp(announcement.published_at),
        "updated_at": _timestamp(announcement.updated_at),
        "language": announcement.language,
        "source": announcement.source,
        "withdrawn": announcement.withdrawn,
        "organisations": sorted(facts.organisation_keys),
        "kinds": sorted(facts.kinds),
        "parties": [party for p in partnerships for party in p.parties],
        "statuses": [p.status for p in partnerships],
        "topics": sorted(facts.topics),
        "entities": [e.name for e in announcement.entities],
        "money_gbp": money,
        "max_gbp": max(money) if money else None,
        "partnership_count": len(partnerships),
        "figure_count": len(announcement.figures),
    }


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


class WhereEvaluator:
    """An in-memory DuckDB with the `announcement` table, to check and run `--where` predicates.

    It runs behind the guards of `govwatch.sandbox`, so a predicate cannot read files or URLs
    (`read_csv(...)` fails), change a setting, or take more than `limits` allow.
    One instance is not thread-safe; the dispatcher keeps one.
    """

    def __init__(self, limits: QueryLimits = WHERE_LIMITS) -> None:
        columns = ", ".join(f"{name} {kind}" for name, kind in RECORD_COLUMNS)
        self._limits = limits
        self._conn = connect_in_memory(
            limits, setup=f"CREATE TABLE {TABLE_NAME} ({_ROW_COLUMN} INTEGER, {columns})"
        )
        self._insert = f"INSERT INTO {TABLE_NAME} VALUES (?, {', '.join('?' for _ in RECORD_COLUMNS)})"

    def validate(self, predicate: str) -> None:
        """Refuse a predicate that is not one boolean SQL expression over the record's columns.

        Raises:
            ConfigError: syntax error, unknown column or function, several statements, or not a boolean.
        """
        columns = ", ".join(name for name, _ in RECORD_COLUMNS)
        hint = f"write a boolean SQL expression over the columns {columns}"
        if not predicate.strip():
            raise ConfigError(f"--where is empty; {hint}")
        query = f"SELECT {_ROW_COLUMN} FROM {TABLE_NAME} WHERE ({predicate})"
        try:
            statements = self._conn.extract_statements(query)
        except duckdb.Error as exc:
            raise ConfigError(f"--where is not valid SQL ({_first_line(exc)}); {hint}") from exc
        if len(statements) != 1:
            raise ConfigError(f"--where must be one predicate, not several statements; {hint}")
        try:
            check_value_builders(query)
        except QueryError as exc:
            raise ConfigError(f"--where {exc}; {hint}") from exc
        try:
            kinds = self._conn.execute(
                f"DESCRIBE SELECT ({predicate}) AS matched FROM {TABLE_NAME}"
            ).fetchall()
            self._conn.execute(f"DESCRIBE {query}").fetchall()
        except duckdb.Error as exc:
            raise ConfigError(f"--where cannot be used ({_first_line(exc)}); {hint}") from exc
        if len(kinds) != 1 or kinds[0][1] != "BOOLEAN":
            found = ", ".join(str(row[1]) for row in kinds)
            raise ConfigError(f"--where must be a predicate (true or false), but it gives {found}; {hint}")

    def evaluate(
        self, predicates: Mapping[str, str], records: Sequence[Mapping[str, Any]]
    ) -> dict[str, set[int]]:
        """Run each named predicate over the records; for each name, the indexes of records it holds for.

        A predicate that fails at run time (a bad cast, say) holds for nothing and is logged.
        """
        hits: dict[str, set[int]] = {name: set() for name in predicates}
        if not predicates or not records:
            return hits
        self._conn.execute(f"DELETE FROM {TABLE_NAME}")
        rows = [[i, *(record.get(name) for name, _ in RECORD_COLUMNS)] for i, record in enumerate(records)]
        self._conn.executemany(self._insert, rows)
        for name, predicate in predicates.items():
            query = f"SELECT {_ROW_COLUMN} FROM {TABLE_NAME} WHERE ({predicate})"
            try:
                check_value_builders(query)
                with time_limit(self._conn, self._limits.time_limit_s):
                    found = self._conn.execute(query).fetchall()
            except QueryError as exc:
                log.warning("skip --where of subscription %s: %s", name, exc)
                continue
            hits[name] = {int(row[0]) for row in found}
        return hits

    def close(self) -> None:
        """Release the in-memory database."""
        self._conn.close()
