"""Partnerships, money, subscriptions and the SQL box, read from the store through `govwatch.query`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from govwatch.alerts.match import extract_facts, match_subscription
from govwatch.alerts.records import Subscription
from govwatch.config import Settings
from govwatch.pipeline.records import Announcement, read_announcement
from govwatch.query import open_query, read_rows
from govwatch.serve.chart import Bar
from govwatch.serve.reading import as_time, dicts, json_list

PREVIEW_SCAN_LIMIT = 5000
PREVIEW_SHOW_LIMIT = 100
SQL_ROW_LIMIT = 1000
TABLE_LIMIT = 500


# --- partnerships, money -------------------------------------------------------------------------------


def partnership_rows(settings: Settings, kind: str = "") -> list[dict[str, Any]]:
    """Agreements, newest first, with the sentence that reports each."""
    rows = dicts(
        settings,
        "SELECT p.announcement_id, a.title, p.kind, p.parties, p.status, p.date, p.evidence, "
        "coalesce(a.updated_at, a.published_at) AS latest_at "
        "FROM partnerships p JOIN announcements a ON a.id = p.announcement_id "
        + ("WHERE p.kind = ? " if kind else "")
        + f"ORDER BY latest_at DESC NULLS LAST, p.announcement_id LIMIT {TABLE_LIMIT}",
        [kind] if kind else [],
    )
    for row in rows:
        evidence = [e for e in json_list(row.pop("evidence")) if isinstance(e, dict)]
        row["sentence"] = str(evidence[0].get("sentence", "")) if evidence else ""
    return rows


def frequent_partners(settings: Settings, per_organisation: int = 5) -> list[dict[str, Any]]:
    """The parties each publishing organisation most often signs with."""
    return dicts(
        settings,
        "SELECT org AS organisation, party, count(*) AS agreements "
        "FROM partnerships p JOIN announcements a ON a.id = p.announcement_id, "
        "unnest(a.organisations) AS o(org), unnest(p.parties) AS u(party) "
        "GROUP BY org, party QUALIFY row_number() OVER (PARTITION BY org ORDER BY count(*) DESC, party) <= ? "
        "ORDER BY organisation, agreements DESC, party",
        [per_organisation],
    )


def money_bars(settings: Settings) -> list[Bar]:
    """Money announced per department, in pounds at `gbp_rates`, largest first."""
    rows = read_rows(
        settings,
        "SELECT organisation, sum(total_gbp) AS total FROM money_by_department_month "
        "GROUP BY organisation ORDER BY total DESC, organisation LIMIT 30",
    )[1]
    return [
        Bar(
            label=str(r[0]),
            value=float(r[1] or 0),
            href="/money/figures?" + urlencode({"organisation": r[0]}),
        )
        for r in rows
    ]


def money_month_bars(settings: Settings) -> list[Bar]:
    """Money announced per month (all departments), in pounds, newest month first.

    Each figure counts once however many departments published it (unlike the per-department sums).
    """
    rows = read_rows(
        settings,
        "SELECT strftime(date_trunc('month', coalesce(a.published_at, a.updated_at)), '%Y-%m') AS month, "
        "sum(f.value * r.gbp_per_unit) FROM figures f JOIN announcements a ON a.id = f.announcement_id "
        "JOIN gbp_rates r ON r.currency = f.currency WHERE f.kind = 'money' "
        "GROUP BY month ORDER BY month DESC NULLS LAST LIMIT 24",
    )[1]
    return [
        Bar(
            label=str(r[0] or "undated"),
            value=float(r[1] or 0),
            href="/money/figures?" + urlencode({"month": r[0] or ""}),
        )
        for r in rows
    ]


def money_months(settings: Settings) -> list[dict[str, Any]]:
    return dicts(
        settings,
        "SELECT organisation, month, figures, total_gbp, largest_gbp FROM money_by_department_month "
        f"ORDER BY month DESC NULLS LAST, total_gbp DESC LIMIT {TABLE_LIMIT}",
    )


def gbp_rates(settings: Settings) -> list[tuple[str, float]]:
    return [(str(r[0]), float(r[1])) for r in read_rows(settings, "SELECT * FROM gbp_rates ORDER BY 1")[1]]


def money_figures(settings: Settings, organisation: str = "", month: str = "") -> list[dict[str, Any]]:
    """The money figures behind one bar: a department's, a month's (YYYY-MM), or both."""
    sql = (
        "SELECT a.id, a.title, f.text, f.currency, f.value * r.gbp_per_unit AS gbp, "
        "date_trunc('month', coalesce(a.published_at, a.updated_at)) AS month "
        "FROM figures f JOIN announcements a ON a.id = f.announcement_id "
        "JOIN gbp_rates r ON r.currency = f.currency "
        "WHERE f.kind = 'money'"
    )
    params: list[Any] = []
    if organisation:
        sql += " AND list_contains(a.organisations, ?)"
        params.append(organisation)
    if month:
        sql += " AND strftime(date_trunc('month', coalesce(a.published_at, a.updated_at)), '%Y-%m') = ?"
        params.append(month)
    return dicts(settings, sql + f" ORDER BY gbp DESC LIMIT {TABLE_LIMIT}", params)


# --- subscriptions -----------------------------------------------------------------------------------


def alert_counts(settings: Settings) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for sub, status, n in read_rows(
        settings, "SELECT subscription, status, count(*) FROM alerts GROUP BY ALL"
    )[1]:
        counts.setdefault(str(sub), {})[str(status)] = int(n)
    return counts


def recent_alerts(settings: Settings, subscription: str = "", limit: int = 100) -> list[dict[str, Any]]:
    return dicts(
        settings,
        "SELECT subscription, announcement_id, version, title, status, attempts, created_at, delivered_at, "
        "last_error FROM alerts "
        + ("WHERE subscription = ? " if subscription else "")
        + f"ORDER BY created_at DESC LIMIT {int(limit)}",
        [subscription] if subscription else [],
    )


def _stored_announcements(settings: Settings, limit: int) -> list[Announcement]:
    """The newest stored announcements as records, for matching.

    Everything matching reads is stored; the sentences behind agreements and figures (`evidence`) and
    the signatories are left out, since the preview shows the rule and the fact, not the sentence.
    """
    rows = dicts(
        settings,
        f"""
WITH recent AS (
    SELECT a.* EXCLUDE (loaded_at, kafka_topic, kafka_partition, kafka_offset)
    FROM announcement_versions a JOIN current_versions c USING (id, version)
    ORDER BY coalesce(a.updated_at, a.published_at) DESC NULLS LAST LIMIT {int(limit)}
)
SELECT r.*,
    coalesce((SELECT list({{'kind': kind, 'parties': parties, 'status': status,
                            'legal_nature': legal_nature, 'date': date}})
              FROM partnerships p WHERE p.announcement_id = r.id), []) AS partnerships,
    coalesce((SELECT list({{'kind': kind, 'value': value, 'value_max': value_max, 'currency': currency,
                            'unit': unit, 'qualifier': qualifier, 'text': text, 'purpose': purpose}})
              FROM figures f WHERE f.announcement_id = r.id), []) AS figures,
    coalesce((SELECT list({{'kind': kind, 'name': name, 'role': role}})
              FROM entities e WHERE e.announcement_id = r.id), []) AS entities,
    coalesce((SELECT list(topic) FROM topics t WHERE t.announcement_id = r.id), []) AS topics
FROM recent r
""",
    )
    for row in rows:
        row["repairs"] = json_list(row["repairs"])
        for name in ("published_at", "updated_at", "fetched_at"):
            moment = as_time(row[name])
            row[name] = None if moment is None else moment.isoformat()
    return [read_announcement(row) for row in rows]


def preview_matches(settings: Settings, sub: Subscription) -> tuple[int, list[dict[str, Any]]]:
    """What `sub` would have matched among the newest stored announcements: (scanned, matches)."""
    scanned = 0
    matches: list[dict[str, Any]] = []
    for announcement in _stored_announcements(settings, PREVIEW_SCAN_LIMIT):
        scanned += 1
        match = match_subscription(sub, extract_facts(announcement))
        if match is not None and len(matches) < PREVIEW_SHOW_LIMIT:
            matches.append(
                {
                    "id": announcement.id,
                    "title": announcement.title,
                    "reasons": [f"{r.rule}: {r.fact}" for r in match.reasons],
                }
            )
    return scanned, matches


# --- SQL ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class SqlResult:
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool


def run_sql(settings: Settings, sql: str, limit: int = SQL_ROW_LIMIT) -> SqlResult:
    """At most `limit` rows of a read-only query, through the same path as `govwatch query`.

    Raises:
        QueryError: the statement is refused or fails.
    """
    rows: list[list[Any]] = []
    with open_query(settings, sql) as result:
        for row in result.rows:
            if len(rows) == limit:
                return SqlResult(columns=result.columns, rows=rows, truncated=True)
            rows.append(row)
        return SqlResult(columns=result.columns, rows=rows, truncated=False)
