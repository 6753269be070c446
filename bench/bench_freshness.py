"""Freshness: from an announcement's appearance in a GOV.UK feed to its row in DuckDB and to its webhook.

A GOV.UK-format site on 127.0.0.1 (`bench/govuk_site.py`) publishes an announcement (an MoU) every
`GAP_S` seconds while `govwatch run` (the real command, embedded broker, one `govuk_atom` source polled
every `INTERVAL_S`) watches its feed with a webhook subscription to a local receiver. The bench asks for
new rows through the run's query endpoint every `LOOK_EVERY_S` (so a row's time is late by at most that).

Printed, p50/p95 over `ARTICLES` announcements: appearance → row, appearance → webhook; and apart, the
two parts of the first: appearance → the next feed request (the wait for a poll, set by the interval: a
pipeline that cost nothing would still show it, so it is the baseline) and that feed request → row (what
govwatch itself costs). Run: `python -m bench freshness` (`python -m bench.bench_freshness --articles N
--gap S --interval S` for other settings).
"""

from __future__ import annotations

import argparse
import bisect
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.govuk_site import GovukSite
from bench.local_run import govwatch_run, hook_url, run_config, webhook_receiver
from govwatch.config import load_settings
from govwatch.errors import GovwatchError
from govwatch.query import read_rows

ARTICLES = 100
GAP_S = 2.0
INTERVAL_S = 5.0
LOOK_EVERY_S = 0.2
SETTLE_TIMEOUT_S = 120.0


def _index(announcement_id: str) -> int:
    return int(announcement_id.rsplit("-", 1)[-1])


def _percentiles(values: Sequence[float]) -> str:
    ordered = sorted(values)
    if not ordered:
        return "no values"
    p50 = ordered[len(ordered) // 2]
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"p50 {p50:6.2f} s   p95 {p95:6.2f} s   ({len(ordered)} articles)"


def _look(settings: Any, seen: dict[int, float]) -> None:
    try:
        _columns, rows = read_rows(settings, "select id from announcement_versions")
    except GovwatchError:
        return  # the run is between states; look again
    now = time.perf_counter()
    for (announcement_id,) in rows:
        seen.setdefault(_index(str(announcement_id)), now)


def run(articles: int = ARTICLES, gap_s: float = GAP_S, interval_s: float = INTERVAL_S) -> None:
    arrivals: dict[int, float] = {}
    stored: dict[int, float] = {}
    receiver = webhook_receiver(lambda announcement_id, at: arrivals.setdefault(_index(announcement_id), at))
    with tempfile.TemporaryDirectory() as tmp, GovukSite() as site:
        folder = Path(tmp)
        config = run_config(site, folder, hook_url(receiver), interval_s=interval_s)
        settings = load_settings(config, env={})
        with govwatch_run(site, config, folder) as process:
            next_at = time.perf_counter()
            deadline = next_at + SETTLE_TIMEOUT_S
            while len(site.published_at) < articles or len(stored) < articles or len(arrivals) < articles:
                now = time.perf_counter()
                if len(site.published_at) < articles and now >= next_at:
                    site.publish()
                    next_at += gap_s
                    deadline = now + gap_s + SETTLE_TIMEOUT_S
                if now > deadline or process.poll() is not None:
                    print(f"stopped waiting: {len(stored)} rows, {len(arrivals)} webhooks of {articles}")
                    break
                _look(settings, stored)
                time.sleep(LOOK_EVERY_S)
        receiver.shutdown()
        published, polls = site.published_at, sorted(site.feed_requests)

    def next_poll(i: int) -> float | None:
        at = bisect.bisect_left(polls, published[i])
        return polls[at] if at < len(polls) else None

    to_row = [stored[i] - published[i] for i in stored if i < len(published)]
    to_hook = [arrivals[i] - published[i] for i in arrivals if i < len(published)]
    waits = [(i, p) for i in stored if (p := next_poll(i)) is not None]
    print(
        f"{articles} GOV.UK announcements, one every {gap_s:g} s; `govwatch run`, feed polled every "
        f"{interval_s:g} s; rows looked for every {LOOK_EVERY_S:g} s"
    )
    print(f"appearance → row in DuckDB:   {_percentiles(to_row)}")
    print(f"appearance → webhook:         {_percentiles(to_hook)}")
    print(
        f"  apart: appearance → poll:   {_percentiles([p - published[i] for i, p in waits])}  (the baseline)"
    )
    print(
        f"         poll → row:          {_percentiles([stored[i] - p for i, p in waits])}  (govwatch's cost)"
    )
    print(f"polls of the feed: {len(polls)} (every {(polls[-1] - polls[0]) / max(1, len(polls) - 1):.1f} s)")


def main() -> None:
    run()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=ARTICLES)
    parser.add_argument("--gap", type=float, default=GAP_S)
    parser.add_argument("--interval", type=float, default=INTERVAL_S)
    args = parser.parse_args()
    run(args.articles, args.gap, args.interval)
