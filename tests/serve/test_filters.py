"""The list's SQL finds exactly what the public views and `search_announcements` find, whatever the filter."""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import pytest

from govwatch.config import Settings
from govwatch.serve.filters import ListFilters, list_sql
from tests.serve.conftest import store
from tests.support.announcements import make_announcement

WORDS_CORPUS = {
    "w-title": ("Quantum computing centre opens", "A new building."),
    "w-body": ("A new building", "The QUANTUM centre opens; cyber-security follows."),
    "w-split": ("Cyber plan", "Quantum too."),
    "w-prefix": ("Airports", "Airlines and airspace, said the minister."),
    "w-ai": ("AI growth zones", "Data centres for A.I. and AI."),
    "w-under": ("snake_case names", "Words_with underscores and 5G masts in 2025."),
    "w-accent": ("Café culture", "naïve résumé of the café's plans; cafe"),
    "w-old": ("Old title quantum", "An old version mentions quantum."),
}
QUERIES = [
    "quantum",
    "Quantum Cyber",
    "cyber-security",
    "ai",
    "air",
    "AI growth",
    "snake_case",
    "words_with",
    "5g",
    "2025",
    "café",
    "caf",
    "na ve",
    "old",
    "  ",
    "!!!",
    "centre opens quantum",
]


def _store_corpus(settings: Settings) -> None:
    messages = [
        make_announcement(ident, title=title, body_text=body) for ident, (title, body) in WORDS_CORPUS.items()
    ]
    # A newer version of w-old that no longer says "quantum" or "old": only the current version counts.
    messages.append(make_announcement("w-old", version=2, title="Renamed", body_text="Nothing here now."))
    store(settings, messages)


def _list_ids(conn: duckdb.DuckDBPyConnection, filters: ListFilters) -> list[str]:
    sql, params = list_sql(filters, limit=1000)
    return [row[0] for row in conn.execute(sql, params).fetchall()]


@pytest.mark.parametrize("q", QUERIES)
def test_words_filter_finds_what_search_announcements_finds(settings: Settings, q: str) -> None:
    _store_corpus(settings)
    with duckdb.connect(str(settings.db_path), read_only=True) as conn:
        expected = sorted(
            r[0] for r in conn.execute("SELECT id FROM search_announcements(?)", [q]).fetchall()
        )
        assert sorted(_list_ids(conn, ListFilters(q=q))) == expected


def _two_versions(settings: Settings) -> None:
    """Documents whose older version matches filters their current version does not (and back)."""
    old = make_announcement(
        "doc-moved",
        version=1,
        organisations=["Old Department"],
        topics=["quantum"],
        published_at="2024-01-05T10:00:00+00:00",
        updated_at=None,
    )
    old["partnerships"][0]["kind"] = "grant"
    old["figures"][0]["value"] = 9e9
    new = make_announcement(
        "doc-moved",
        version=2,
        organisations=["New Department"],
        topics=["ai"],
        published_at="2024-01-05T10:00:00+00:00",
        updated_at="2025-06-01T10:00:00+00:00",
    )
    new["figures"][0]["value"] = 1e6
    plain = make_announcement("doc-plain", organisations=["Old Department"], topics=["quantum"])
    plain["partnerships"][0]["kind"] = "grant"
    store(settings, [old, new, plain, make_announcement("doc-other", published_at=None, updated_at=None)])


VIEW_FILTERS: list[tuple[ListFilters, str, list[Any]]] = [
    (ListFilters(), "true", []),
    (ListFilters(organisation="Old Department"), "list_contains(a.organisations, ?)", ["Old Department"]),
    (
        ListFilters(kind="grant"),
        "a.id IN (SELECT announcement_id FROM partnerships WHERE kind = ?)",
        ["grant"],
    ),
    (
        ListFilters(topic="quantum"),
        "a.id IN (SELECT announcement_id FROM topics WHERE topic = ?)",
        ["quantum"],
    ),
    (
        ListFilters(min_amount="£5bn", min_gbp=5e9),
        "a.id IN (SELECT announcement_id FROM figures WHERE kind = 'money' AND value >= ?)",
        [5e9],
    ),
    (
        ListFilters(since=date(2025, 1, 1)),
        "coalesce(a.updated_at, a.published_at) >= ?::DATE",
        ["2025-01-01"],
    ),
]


@pytest.mark.parametrize(("filters", "predicate", "params"), VIEW_FILTERS)
def test_list_matches_the_public_views_at_the_current_version(
    settings: Settings, filters: ListFilters, predicate: str, params: list[Any]
) -> None:
    _two_versions(settings)
    with duckdb.connect(str(settings.db_path), read_only=True) as conn:
        expected = [
            r[0]
            for r in conn.execute(
                f"SELECT id FROM announcements a WHERE {predicate} "
                "ORDER BY coalesce(a.updated_at, a.published_at) DESC NULLS LAST, a.id DESC",
                params,
            ).fetchall()
        ]
        assert _list_ids(conn, filters) == expected
