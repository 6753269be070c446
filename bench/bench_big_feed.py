"""A feed with a very long backlog: one poll's peak memory and time to its first document, by feed size.

A newsroom on 127.0.0.1 serves a generated RSS feed of 1,000, 10,000 and 100,000 items (each item's
article page is served too). For each size, a fresh process polls it once with the default per-poll cap
and reports its peak RSS, the seconds to the first document and to the end of the poll, and how many
documents the poll yielded. Beside it, the baseline: a fresh process that only parses the same feed with
bare `feedparser.parse`, the least any feed reader holds. Run: `python -m bench big_feed`.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = (1_000, 10_000, 100_000)
ROOT = Path(__file__).parents[1]


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _poll(feed_url: str, folder: str) -> dict[str, float]:
    from govwatch.config import GovukSettings, HttpSettings, Settings, SourceConfig
    from govwatch.connectors.checkpoint import Checkpoint
    from govwatch.connectors.http import HttpClient
    from govwatch.connectors.poll import poll_source, trusted_hosts
    from govwatch.connectors.records import FetchedDocument

    http_settings = HttpSettings(requests_per_second_per_host=0.0, max_bytes=256 * 1024 * 1024)
    source = SourceConfig(name="big", kind="rss", url=feed_url)
    settings = Settings(govuk=GovukSettings(base_url=feed_url), http=http_settings, sources=(source,))
    before = _peak_rss_mb()
    started = time.perf_counter()
    first_s = float("nan")
    documents = 0
    with HttpClient(http_settings, trusted_hosts=trusted_hosts(settings)) as http:
        checkpoint = Checkpoint(Path(folder) / "state.sqlite")
        for item in poll_source(source, settings=settings, http=http, checkpoint=checkpoint):
            if isinstance(item, FetchedDocument):
                documents += 1
                if documents == 1:
                    first_s = time.perf_counter() - started
        checkpoint.close()
    return {
        "rss_before_mb": before,
        "peak_rss_mb": _peak_rss_mb(),
        "first_s": first_s,
        "poll_s": time.perf_counter() - started,
        "documents": documents,
    }


def _parse_only(feed_url: str) -> dict[str, float]:
    import urllib.request

    import feedparser

    body = urllib.request.urlopen(feed_url, timeout=60).read()
    before = _peak_rss_mb()
    started = time.perf_counter()
    parsed = feedparser.parse(body)
    return {
        "rss_before_mb": before,
        "peak_rss_mb": _peak_rss_mb(),
        "poll_s": time.perf_counter() - started,
        "documents": len(parsed.entries),
    }


def _child(mode: str, feed_url: str, folder: str) -> None:
    result = _poll(feed_url, folder) if mode == "poll" else _parse_only(feed_url)
    print(json.dumps(result))


def _measure(mode: str, feed_url: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        out = subprocess.run(
            [sys.executable, "-m", "bench.bench_big_feed", mode, feed_url, folder],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from tests.support import newsroom
    from tests.support.http_server import LoopbackServer, Reply

    print(
        f"{'items':>8} {'feed MB':>8} | {'poll: peak RSS MB':>17} {'1st doc s':>9} {'poll s':>7} {'docs':>5}"
        f" | {'feedparser alone: peak RSS MB':>29} {'s':>6}"
    )
    for size in SIZES:
        with LoopbackServer() as server:
            feed = newsroom.newsroom_rss(server.base_url, size)
            server.route(newsroom.FEED_PATH, Reply(body=feed, content_type="application/rss+xml"))
            for index in range(size):
                server.route(newsroom.article_path(index), Reply(body=newsroom.article_page(index)))
            feed_url = server.url(newsroom.FEED_PATH)
            poll = _measure("poll", feed_url)
            bare = _measure("parse", feed_url)
        print(
            f"{size:>8} {len(feed) / 1e6:>8.1f} | {poll['peak_rss_mb']:>17.0f} {poll['first_s']:>9.2f}"
            f" {poll['poll_s']:>7.1f} {poll['documents']:>5.0f} | {bare['peak_rss_mb']:>29.0f}"
            f" {bare['poll_s']:>6.1f}",
            flush=True,
        )


if __name__ == "__main__":
    if len(sys.argv) == 4:
        _child(sys.argv[1], sys.argv[2], sys.argv[3])
    else:
        main()
