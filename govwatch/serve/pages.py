"""What each page shows, read from the store through `govwatch.query` (the one read path).

Each function takes the Settings and plain filter values and returns plain records for a template; none
of them writes. Evidence JSON is read leniently: a row whose evidence cannot be read still shows, without
its highlight.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from govwatch.alerts.match import extract_facts, match_subscription
from govwatch.alerts.records import Subscription
from govwatch.config import Settings
from govwatch.query import open_query, read_rows
from govwatch.serve.changes import Change, VersionFacts, version_changes
from govwatch.serve.chart import Bar, format_gbp
from govwatch.serve.filters import PAGE_SIZE, ListFilters, list_sql
from govwatch.serve.highlight import Span, usable_spans

log = logging.getLogger(__name__)

PREVIEW_SCAN_LIMIT = 5000
PREVIEW_SHOW_LIMIT = 100
SQL_ROW_LIMIT = 1000
TABLE_LIMIT = 500


def _dicts(settings: Settings, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    columns, rows = read_rows(settings, sql, params)
    return [dict(zip(columns, row, strict=True)) for row in rows]


def _json(value: Any) -> Any:
    """A JSON column's value: DuckDB returns JSON as text; unreadable text reads as None."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def _as_list(value: Any) -> list[Any]:
    parsed = _json(value)
    if isinstance(parsed, list):
        return parsed
    return [parsed] if isinstance(parsed, dict) else []


def _time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


# --- the list ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ListRow:
    id: str
    title: str
    url: str
    organisations: list[str]
    latest_at: datetime | None
    kinds: list[str]
    parties: list[str]
    largest_gbp: float | None

    @property
    def largest(self) -> str:
        return format_gbp(self.largest_gbp)


@dataclass(frozen=True, slots=True, kw_only=True)
class ListPage:
    rows: list[ListRow]
    next_after: tuple[datetime | None, str] | None


def announcement_page(settings: Settings, filters: ListFilters, limit: int = PAGE_SIZE) -> ListPage:
    """One page of the announcements list, newest first, and the cursor of the next page (if any)."""
    sql, params = list_sql(filters, limit)
    rows = [
        ListRow(
            id=str(r["id"]),
            title=str(r["title"] or ""),
            url=str(r["url"] or ""),
            organisations=list(r["organisations"] or []),
            latest_at=_time(r["latest_at"]),
            kinds=list(r["kinds"] or []),
            parties=list(r["parties"] or []),
            largest_gbp=r["largest_gbp"],
        )
        for r in _dicts(settings, sql, params)
    ]
    more = len(rows) > limit
    rows = rows[:limit]
    return ListPage(rows=rows, next_after=(rows[-1].latest_at, rows[-1].id) if more and rows else None)


def filter_choices(settings: Settings) -> dict[str, list[str]]:
    """The organisations and topics that occur, for the filter form's suggestions."""
    orgs = read_rows(
        settings,
        "SELECT org FROM (SELECT unnest(organisations) AS org FROM announcements) GROUP BY org "
        "ORDER BY count(*) DESC, org LIMIT 200",
    )[1]
    topics = read_rows(settings, "SELECT DISTINCT topic FROM topics ORDER BY topic LIMIT 200")[1]
    return {"organisations": [str(r[0]) for r in orgs], "topics": [str(r[0]) for r in topics]}


# --- one announcement --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Note:
    """One tagged fact of the body, listed beside it and linked from its highlight."""

    number: int
    category: str
    label: str
    sentence: str
    marked: bool = False


@dataclass(slots=True, kw_only=True)
class AnnouncementView:
    row: dict[str, Any]
    body: str
    spans: list[Span]
    notes: list[Note]
    partnerships: list[dict[str, Any]]
    figures: list[dict[str, Any]]
    topics: list[str]
    repairs: list[dict[str, Any]]
    versions: list[tuple[VersionFacts, list[Change]]] = field(default_factory=list)


def _evidence_spans(
    items: Sequence[Mapping[str, Any]], category: str, label: str, notes: list[Note]
) -> Iterator[Span]:
    """Spans (body part only) for the evidence items of one fact, adding one note for the fact."""
    number = len(notes) + 1
    sentence = ""
    for item in items:
        if not isinstance(item, Mapping):
            continue
        sentence = sentence or str(item.get("sentence") or "")
        if item.get("part", "body") != "body":
            continue
        try:
            start, end = int(item["start"]), int(item["end"])
        except (KeyError, TypeError, ValueError):
            continue
        yield Span(start=start, end=end, category=category, label=label, note=number)
    notes.append(Note(number=number, category=category, label=label, sentence=sentence))


# One statement per page: every read opens the file afresh (a reader must never keep a writer out), so a
# page costs one connection, not one per table.
ANNOUNCEMENT_SQL = """
SELECT a.id, a.version, a.url, a.canonical_url, a.title, a.document_type, a.published_at, a.updated_at,
       a.organisations, a.summary, a.body_text, a.language, a.repairs, a.source, a.withdrawn,
       a.extraction_status,
       (SELECT list({'kind': kind, 'parties': parties, 'status': status, 'legal_nature': legal_nature,
                     'date': date, 'evidence': evidence})
        FROM partnerships WHERE announcement_id = $1) AS partnerships,
       (SELECT list({'kind': f.kind, 'value': f.value, 'value_max': f.value_max, 'currency': f.currency,
                     'text': f.text, 'evidence': f.evidence,
                     'gbp': coalesce(f.value_max, f.value) * r.gbp_per_unit})
        FROM figures f LEFT JOIN gbp_rates r ON r.currency = f.currency WHERE f.announcement_id = $1) AS figures,
       (SELECT list({'kind': kind, 'name': name, 'role': role, 'evidence': evidence})
        FROM entities WHERE announcement_id = $1) AS entities,
       (SELECT list(DISTINCT topic ORDER BY topic) FROM topics WHERE announcement_id = $1) AS topics,
       (SELECT list({'version': version, 'title': title, 'loaded_at': loaded_at} ORDER BY version)
        FROM announcement_history WHERE id = $1) AS history,
       (SELECT list({'version': version, 'kind': kind, 'parties': parties, 'status': status})
        FROM partnership_rows WHERE announcement_id = $1) AS agreements_by_version,
       (SELECT list({'version': version, 'text': text})
        FROM figure_rows WHERE announcement_id = $1 AND kind = 'money') AS money_by_version
FROM announcements a WHERE a.id = $1
"""


def read_announcement(settings: Settings, announcement_id: str) -> AnnouncementView | None:
    """Everything the announcement page shows, or None when no such announcement is stored."""
    found = _dicts(settings, ANNOUNCEMENT_SQL, [announcement_id])
    if not found:
        return None
    row = found[0]
    body = str(row["body_text"] or "")
    partnerships: list[dict[str, Any]] = row.pop("partnerships") or []
    figures: list[dict[str, Any]] = row.pop("figures") or []
    entities: list[dict[str, Any]] = row.pop("entities") or []
    topics = [str(t) for t in row.pop("topics") or []]
    notes: list[Note] = []
    spans: list[Span] = []
    for p in partnerships:
        label = f"agreement: {p['kind']}, {p['status']}" + (
            f", {p['legal_nature']}" if p["legal_nature"] else ""
        )
        label += " — parties: " + ", ".join(p["parties"] or [])
        spans.extend(_evidence_spans(_as_list(p["evidence"]), "agreement", label, notes))
    party_names = {str(name) for p in partnerships for name in p["parties"] or []}
    for e in entities:
        category = "party" if e["name"] in party_names else "entity"
        label = f"{category}: {e['name']} ({e['kind']}{', ' + e['role'] if e['role'] else ''})"
        spans.extend(_evidence_spans(_as_list(e["evidence"]), category, label, notes))
    for f in figures:
        label = f"figure: {f['kind']} {f['text']}"
        if f["gbp"] is not None and f["currency"] not in (None, "GBP"):
            label += f" (≈ {format_gbp(float(f['gbp']))})"
        spans.extend(_evidence_spans(_as_list(f["evidence"]), "figure", label, notes))
    marked = {span.note for span in usable_spans(body, spans)}
    notes = [
        Note(
            number=n.number,
            category=n.category,
            label=n.label,
            sentence=n.sentence,
            marked=n.number in marked,
        )
        for n in notes
    ]
    return AnnouncementView(
        row=row,
        body=body,
        spans=spans,
        notes=notes,
        partnerships=partnerships,
        figures=figures,
        topics=topics,
        repairs=[r for r in _as_list(row["repairs"]) if isinstance(r, dict)],
        versions=version_changes(
            version_facts(
                row.pop("history") or [],
                row.pop("agreements_by_version") or [],
                row.pop("money_by_version") or [],
            )
        ),
    )


def version_facts(
    history: Sequence[Mapping[str, Any]],
    agreements: Sequence[Mapping[str, Any]],
    money: Sequence[Mapping[str, Any]],
) -> list[VersionFacts]:
    """The facts of each stored version, from its history row, its agreements and its money figures."""
    return [
        VersionFacts(
            version=int(h["version"]),
            title=str(h["title"]),
            loaded_at=str(h["loaded_at"] or ""),
            parties=frozenset(
                str(p) for a in agreements if a["version"] == h["version"] for p in a["parties"] or []
            ),
            amounts=frozenset(str(m["text"]) for m in money if m["version"] == h["version"]),
            statuses=frozenset(
                f"{a['kind']}: {a['status']}" for a in agreements if a["version"] == h["version"]
            ),
        )
        for h in history
    ]


# --- partnerships, money -------------------------------------------------------------------------------


def partnership_rows(settings: Settings, kind: str = "") -> list[dict[str, Any]]:
    """Agreements, newest first, with the sentence that reports each."""
    rows = _dicts(
        settings,
        "SELECT p.announcement_id, a.title, p.kind, p.parties, p.status, p.date, p.evidence, "
        "coalesce(a.updated_at, a.published_at) AS latest_at "
        "FROM partnerships p JOIN announcements a ON a.id = p.announcement_id "
        + ("WHERE p.kind = ? " if kind else "")
        + f"ORDER BY latest_at DESC NULLS LAST, p.announcement_id LIMIT {TABLE_LIMIT}",
        [kind] if kind else [],
    )
    for row in rows:
        evidence = [e for e in _as_list(row.pop("evidence")) if isinstance(e, dict)]
        row["sentence"] = str(evidence[0].get("sentence", "")) if evidence else ""
    return rows


def frequent_partners(settings: Settings, per_organisation: int = 5) -> list[dict[str, Any]]:
    """The parties each publishing organisation most often signs with."""
    return _dicts(
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


def money_months(settings: Settings) -> list[dict[str, Any]]:
    return _dicts(
        settings,
        "SELECT organisation, month, figures, total_gbp, largest_gbp FROM money_by_department_month "
        f"ORDER BY month DESC NULLS LAST, total_gbp DESC LIMIT {TABLE_LIMIT}",
    )


def gbp_rates(settings: Settings) -> list[tuple[str, float]]:
    return [(str(r[0]), float(r[1])) for r in read_rows(settings, "SELECT * FROM gbp_rates ORDER BY 1")[1]]


def money_figures(settings: Settings, organisation: str, month: str = "") -> list[dict[str, Any]]:
    """The money figures behind one bar (a department, optionally one month)."""
    sql = (
        "SELECT a.id, a.title, f.text, f.currency, f.value * r.gbp_per_unit AS gbp, "
        "date_trunc('month', coalesce(a.published_at, a.updated_at)) AS month "
        "FROM figures f JOIN announcements a ON a.id = f.announcement_id "
        "JOIN gbp_rates r ON r.currency = f.currency "
        "WHERE f.kind = 'money' AND list_contains(a.organisations, ?)"
    )
    params: list[Any] = [organisation]
    if month:
        sql += " AND strftime(date_trunc('month', coalesce(a.published_at, a.updated_at)), '%Y-%m') = ?"
        params.append(month)
    return _dicts(settings, sql + f" ORDER BY gbp DESC LIMIT {TABLE_LIMIT}", params)


# --- subscriptions -----------------------------------------------------------------------------------


def alert_counts(settings: Settings) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for sub, status, n in read_rows(
        settings, "SELECT subscription, status, count(*) FROM alerts GROUP BY ALL"
    )[1]:
        counts.setdefault(str(sub), {})[str(status)] = int(n)
    return counts


def recent_alerts(settings: Settings, subscription: str = "", limit: int = 100) -> list[dict[str, Any]]:
    return _dicts(
        settings,
        "SELECT subscription, announcement_id, version, title, status, attempts, created_at, delivered_at, "
        "last_error FROM alerts "
        + ("WHERE subscription = ? " if subscription else "")
        + f"ORDER BY created_at DESC LIMIT {int(limit)}",
        [subscription] if subscription else [],
    )


def _announcement_messages(settings: Settings, limit: int) -> Iterator[dict[str, Any]]:
    """The newest stored announcements shaped like announcement messages, for matching."""
    rows = _dicts(
        settings,
        f"""
WITH recent AS (
    SELECT id, version, title, body_text, organisations FROM announcements
    ORDER BY coalesce(updated_at, published_at) DESC NULLS LAST LIMIT {int(limit)}
)
SELECT r.*,
    (SELECT list({{'kind': kind, 'parties': parties, 'status': status}}) FROM partnerships p
     WHERE p.announcement_id = r.id) AS partnerships,
    (SELECT list({{'kind': kind, 'value': value, 'value_max': value_max, 'currency': currency, 'text': text}})
     FROM figures f WHERE f.announcement_id = r.id) AS figures,
    (SELECT list(topic) FROM topics t WHERE t.announcement_id = r.id) AS topics
FROM recent r
""",
    )
    yield from rows


def preview_matches(settings: Settings, sub: Subscription) -> tuple[int, list[dict[str, Any]]]:
    """What `sub` would have matched among the newest stored announcements: (scanned, matches)."""
    scanned = 0
    matches: list[dict[str, Any]] = []
    for message in _announcement_messages(settings, PREVIEW_SCAN_LIMIT):
        scanned += 1
        match = match_subscription(sub, extract_facts(message))
        if match is not None and len(matches) < PREVIEW_SHOW_LIMIT:
            matches.append(
                {
                    "id": message["id"],
                    "title": message["title"],
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
