"""Hostile feeds through the whole stack: `run --once` against a newsroom on 127.0.0.1, rows read from DuckDB.

Each probe serves a feed that once cost a poll or a run, and checks that every good item is stored and
the bad part costs no more than itself.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import zlib
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


BOMB_DECODED_BYTES = 256 * 1024 * 1024
RSS_BOUND_MB = 1024  # generous: a gzip bomb inflated or a huge page read whole would pass it
RUN_TIMEOUT_S = 300


def _gzip_bomb() -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = b"\0" * (1024 * 1024)
    out = [packer.compress(zeros) for _ in range(BOMB_DECODED_BYTES // len(zeros))]
    return b"".join(out) + packer.flush()


def _hostile_newsroom(server: LoopbackServer) -> dict[str, str]:
    """Serve a newsroom whose entries link the hostile corpus; return each entry's name → its link."""
    base = server.base_url
    links = {f"good-{i}": f"{base}{newsroom.article_path(i)}" for i in range(4)}
    links |= {
        "bad-date": f"{base}{newsroom.article_path(4)}",
        "gzip-bomb": f"{base}/hostile/bomb.html",
        "huge-page": f"{base}/hostile/huge.html",
        "redirect-loop": f"{base}/hostile/loop.html",
        "slow-loris": f"{base}/hostile/loris.html",
        "6to4-loopback": f"http://[2002:7f00:1::]:{server.port}/hostile/inside.html",
        "non-http": "file:///etc/passwd",
    }
    for i in range(5):
        server.route(newsroom.article_path(i), Reply(body=newsroom.article_page(i)))
    server.route("/hostile/bomb.html", Reply(body=_gzip_bomb(), headers={"Content-Encoding": "gzip"}))
    server.route("/hostile/huge.html", Reply(body=b"<p>" + b"x" * (20 * 1024 * 1024)))
    server.route("/hostile/loop.html", Reply(status=302, headers={"Location": "/hostile/loop.html"}))
    server.route("/hostile/loris.html", Reply(body=newsroom.article_page(9), drip_s=0.05))
    items = "".join(
        f"<item><title>{name}</title><link>{link}</link><pubDate>"
        + ("0000-00-00T00:00:00Z" if name == "bad-date" else "Mon, 21 Jul 2025 09:00:00 GMT")
        + "</pubDate></item>"
        for name, link in links.items()
    )
    items += "<item><title>id only</title><guid isPermaLink='false'>story-77</guid></item>"
    feed = f"<?xml version='1.0'?><rss version='2.0'><channel><title>N</title>{items}</channel></rss>"
    server.route(newsroom.FEED_PATH, Reply(body=feed.encode(), content_type="application/rss+xml"))
    wide = (
        '<?xml version="1.0" encoding="UTF-16"?><feed xmlns="http://www.w3.org/2005/Atom"><title>W</title>'
        f'<entry><id>tag:w,1</id><title>wide</title><link href="{base}/wide/story.html"/></entry></feed>'
    )
    server.route(
        "/wide.atom",
        Reply(body=wide.encode("utf-16-le"), content_type="application/atom+xml; charset=utf-16"),
    )
    server.route("/wide/story.html", Reply(body=newsroom.article_page(8)))
    links["utf16-feed"] = f"{base}/wide/story.html"
    return links


def _config(folder: Path, server: LoopbackServer) -> Path:
    path = folder / "govwatch.toml"
    path.write_text(
        f'[duckdb]\npath = "{folder / "govwatch.duckdb"}"\n'
        "[http]\nrequests_per_second_per_host = 0.0\ntotal_timeout_s = 2.0\nread_timeout_s = 1.0\n"
        "max_retries = 1\npoll_retry_budget_s = 2.0\nmax_bytes = 1048576\n"
        f'[[sources]]\nname = "newsroom"\nkind = "rss"\nurl = "{server.url(newsroom.FEED_PATH)}"\n'
        f'[[sources]]\nname = "wide"\nkind = "rss"\nurl = "{server.url("/wide.atom")}"\n'
    )
    return path


def test_the_hostile_corpus_ends_as_stored_rows_or_clear_dead_letters(tmp_path: Path) -> None:
    with LoopbackServer() as server:
        links = _hostile_newsroom(server)
        config = _config(tmp_path, server)
        process = subprocess.Popen(
            [sys.executable, "-m", "govwatch", "run", "--once", "--config", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            _, stderr = process.communicate(timeout=RUN_TIMEOUT_S)
        finally:
            process.kill()
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert process.returncode == 0, stderr.decode(errors="replace")[-2000:]
    assert usage.ru_maxrss / 1024 < RSS_BOUND_MB
    conn = duckdb.connect(str(tmp_path / "govwatch.duckdb"), read_only=True)
    try:
        stored = dict(conn.execute("select url, published_at from announcements").fetchall())
        dead = conn.execute("select stage, url, reason from deadletters").fetchall()
    finally:
        conn.close()
    for name in ("good-0", "good-1", "good-2", "good-3", "bad-date", "utf16-feed"):
        assert links[name] in stored, name
    assert stored[links["bad-date"]] is None
    assert len(stored) == 6
    expected_reasons = {
        "gzip-bomb": "cap",
        "huge-page": "cap",
        "redirect-loop": "redirects",
        "slow-loris": "total",
        "6to4-loopback": "non-public address",
    }
    for name, words in expected_reasons.items():
        reasons = [reason for _stage, url, reason in dead if url == links[name]]
        assert reasons and all(words in reason for reason in reasons), (name, reasons)
    feed_problems = [reason for stage, _url, reason in dead if stage == "feed"]
    assert feed_problems and all("no usable http(s) link" in reason for reason in feed_problems)
