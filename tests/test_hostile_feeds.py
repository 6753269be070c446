"""Hostile feeds through the whole stack: `run --once` against a newsroom on 127.0.0.1, rows read from DuckDB.

Each probe serves a feed that once cost a poll or a run, and checks that every good item is stored and
the bad part costs no more than itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import duckdb

from govwatch.config import HttpSettings, Settings, SourceConfig, load_settings
from govwatch.connectors.records import FetchedDocument
from govwatch.kafka import kafka_stack
from govwatch.pipeline.transforms import PUBLISH_BATCH, run_bounded
from govwatch.runner import run_once
from tests.support import newsroom
from tests.support.http_server import LoopbackServer, Reply


def _settings(tmp_path: Path, source: SourceConfig) -> Settings:
    settings = load_settings(None, env={}, db_path=tmp_path / "govwatch.duckdb")
    return replace(settings, sources=(source,), http=HttpSettings(requests_per_second_per_host=0.0))


def _serve_newsroom(server: LoopbackServer, count: int, dates: dict[int, str]) -> SourceConfig:
    feed = newsroom.newsroom_rss(server.base_url, count, dates=dates)
    server.route(newsroom.FEED_PATH, Reply(body=feed, content_type="application/rss+xml"))
    for index in range(count):
        server.route(newsroom.article_path(index), Reply(body=newsroom.article_page(index)))
    return SourceConfig(name="newsroom", kind="rss", url=server.url(newsroom.FEED_PATH))


def test_a_bad_date_among_forty_items_costs_only_that_date(tmp_path: Path) -> None:
    with LoopbackServer() as server:
        source = _serve_newsroom(
            server, 40, {17: "0000-00-00T00:00:00Z", 23: "Mon, 01 Jan 0001 00:00:00 GMT"}
        )
        settings = _settings(tmp_path, source)
        summary = run_once(settings)
    assert summary.stored == 40
    conn = duckdb.connect(str(settings.db_path), read_only=True)
    try:
        rows = conn.execute(
            "select url, year(published_at) from announcements order by published_at nulls last"
        ).fetchall()
        deadletters = conn.execute("select count(*) from deadletters").fetchone()
    finally:
        conn.close()
    assert len(rows) == 40
    assert {year for _url, year in rows[:38]} == {2025}
    assert sorted(url.rsplit("/", 1)[1] for url, year in rows[38:] if year is None) == [
        "story-17.html",
        "story-23.html",
    ]
    assert deadletters == (0,)


class _BatchLog:
    """An `on_published` callback that writes one line per acknowledged batch (it runs inside Beam, on a
    copy of this object, so it reports through a file)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self, docs: Sequence[FetchedDocument]) -> None:
        with self.path.open("a") as out:
            out.write(f"{len(docs)}\n")


def test_a_big_poll_is_published_in_batches_as_it_goes(tmp_path: Path) -> None:
    with LoopbackServer() as server:
        source = _serve_newsroom(server, 101, {})
        settings = _settings(tmp_path, replace(source, max_articles_per_poll=500))
        batches = _BatchLog(tmp_path / "batches.txt")
        with kafka_stack(settings) as (ready, _broker):
            run_bounded(ready, [source.name], on_published=batches)
    sizes = [int(line) for line in batches.path.read_text().split()]
    assert sum(sizes) == 101
    assert len(sizes) >= 3 and max(sizes) <= PUBLISH_BATCH
