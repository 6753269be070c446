"""The announcements list and one announcement, read from the store through `govwatch.query`.

Each function takes the Settings and plain filter values and returns plain records for a template; none
of them writes. Evidence JSON is read leniently: a row whose evidence cannot be read still shows, without
its highlight.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from govwatch.config import Settings
from govwatch.query import read_rows
from govwatch.serve.changes import Change, VersionFacts, version_changes
from govwatch.serve.chart import format_gbp
from govwatch.serve.filters import PAGE_SIZE, ListFilters, list_sql
from govwatch.serve.highlight import Span, usable_spans
from govwatch.serve.reading import as_time, dicts, json_list

log = logging.getLogger(__name__)


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
            latest_at=as_time(r["latest_at"]),
            kinds=list(r["kinds"] or []),
            parties=list(r["parties"] or []),
            largest_gbp=r["largest_gbp"],
        )
        for r in dicts(settings, sql, params)
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
    found = dicts(settings, ANNOUNCEMENT_SQL, [announcement_id])
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
        spans.extend(_evidence_spans(json_list(p["evidence"]), "agreement", label, notes))
    party_names = {str(name) for p in partnerships for name in p["parties"] or []}
    for e in entities:
        category = "party" if e["name"] in party_names else "entity"
        label = f"{category}: {e['name']} ({e['kind']}{', ' + e['role'] if e['role'] else ''})"
        spans.extend(_evidence_spans(json_list(e["evidence"]), category, label, notes))
    for f in figures:
        label = f"figure: {f['kind']} {f['text']}"
        if f["gbp"] is not None and f["currency"] not in (None, "GBP"):
            label += f" (≈ {format_gbp(float(f['gbp']))})"
        spans.extend(_evidence_spans(json_list(f["evidence"]), "figure", label, notes))
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
        repairs=[r for r in json_list(row["repairs"]) if isinstance(r, dict)],
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
