"""`govwatch backfill` pages the Search API through the pipeline into DuckDB and resumes without refetching."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from govwatch.backfill import ProgressFile, read_progress, run_backfill
from govwatch.demo.run import demo_settings
from govwatch.demo.server import SampleServer, expected_counts


def test_backfill_stores_every_govuk_announcement_then_skips_them(tmp_path: Path) -> None:
    with SampleServer() as server:
        settings = demo_settings(server.base_url, tmp_path / "b.duckdb", [])
        summary = run_backfill(
            settings, since=date(2024, 1, 1), until=date(2026, 12, 31), show_progress=False
        )
        assert summary.stored == expected_counts(1)["govuk"]
        server.reset_counts()
        again = run_backfill(settings, since=date(2024, 1, 1), until=date(2026, 12, 31), show_progress=False)
        assert again.stored == 0
        fetched_articles = {p: n for p, n in server.request_counts().items() if p.startswith("/api/content")}
        assert fetched_articles == {}
    conn = duckdb.connect(str(settings.db_path), read_only=True)
    assert conn.execute(
        "select count(*) from announcements where source = 'govuk_search_backfill'"
    ).fetchone() == (expected_counts(1)["govuk"],)


def test_backfill_filters_by_organisation(tmp_path: Path) -> None:
    with SampleServer() as server:
        slug = server.organisation_slugs()[0]
        settings = demo_settings(server.base_url, tmp_path / "b.duckdb", [])
        summary = run_backfill(
            settings,
            since=date(2024, 1, 1),
            until=date(2026, 12, 31),
            organisations=(slug,),
            show_progress=False,
        )
    assert 0 < summary.stored < expected_counts(1)["govuk"]


def test_progress_file_round_trips(tmp_path: Path) -> None:
    progress = ProgressFile(tmp_path / "p.json")
    progress.found(10)
    progress.fetched(3)
    progress.skipped(2)
    progress.flush()
    assert read_progress(tmp_path / "p.json") == {"found": 10, "fetched": 3, "skipped": 2, "published": 0}
