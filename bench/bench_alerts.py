"""Alert matching cost and webhook delivery latency.

1. Matching: 1,000 random subscriptions (kinds, organisations, topics, keywords, amounts) against varied
   announcements built from the canonical MoU fixture: µs per announcement for reading the facts, for
   reading and matching through the index (target < 1 ms), and for reading and checking every
   subscription one by one (the naive baseline, same run, same answers), for three mixes of
   subscriptions (broad, diverse, selective; see `bench_matching`). Also DuckDB `--where` evaluation:
   20 predicates over a batch of 100 announcements, per announcement.
2. `handle` as the run loop calls it, with its DuckDB writes (µs per announcement).
3. Delivery: from `deliver_pending` start to the request's arrival at a local receiver, one alert at a
   time (p50/p95 over 200), against a bare `httpx` POST of the same body (the floor); then 200 pending
   alerts in one `deliver_pending` call (alerts/s).
"""

from __future__ import annotations

import copy
import json
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import duckdb
import httpx

from govwatch.alerts.dispatcher import AlertDispatcher
from govwatch.alerts.index import build_index, match_announcement
from govwatch.alerts.match import extract_facts, match_subscription
from govwatch.alerts.records import Subscription
from govwatch.alerts.store import apply_migration
from govwatch.alerts.subscriptions import compile_subscription
from govwatch.alerts.where import WhereEvaluator, announcement_record
from govwatch.config import build_subscription, load_settings
from govwatch.pipeline.records import read_announcement
from tests.support.http_server import KeepAliveHandler

FIXTURE = Path(__file__).parents[1] / "tests" / "alerts" / "fixtures" / "announcement_openai_mou.json"
SUBSCRIPTIONS = 1000
ANNOUNCEMENTS = 50
ALERTS = 200
SEED = 7

KINDS = [
    "mou",
    "contract",
    "grant",
    "investment",
    "strategic_partnership",
    "framework_agreement",
    "collaboration",
]
ORGANISATIONS = [
    "dsit",
    "hmt",
    "mod",
    "dhsc",
    "openai",
    "anthropic",
    "google",
    "nvidia",
    "cabinet-office",
    "dft",
]
TOPICS = ["ai", "defence", "health", "compute_and_data_centres", "public_services", "ai_safety", "quantum"]
KEYWORDS = ["Humphrey", "quantum", "data centres", "supercomputer", "London office", "semiconductor", "GPT"]
AMOUNTS = ["£1m", "£10m", "£100m", "£500m", "£1bn", "$2 billion"]


def _announcement() -> dict[str, Any]:
    return dict(json.loads(FIXTURE.read_text(encoding="utf-8")))


def _variants(rng: random.Random, organisations: list[str]) -> list[dict[str, Any]]:
    base = _announcement()
    variants = []
    for i in range(ANNOUNCEMENTS):
        item = copy.deepcopy(base)
        item["id"] = f"doc-{i}"
        item["organisations"] = [rng.choice(organisations)]
        item["partnerships"][0]["parties"] = [rng.choice(organisations), "UK government"]
        item["topics"] = rng.sample(TOPICS, 2)
        item["partnerships"][0]["kind"] = rng.choice(["memorandum_of_understanding", "contract", "grant"])
        item["figures"][0]["value"] = rng.choice([1e6, 5e7, 2e8, 2e9])
        variants.append(item)
    return variants


def _subscriptions(
    rng: random.Random, pools: dict[str, list[str]], *, always: str = ""
) -> list[Subscription]:
    subs = []
    for i in range(SUBSCRIPTIONS):
        raw: dict[str, Any] = {"name": f"s{i}", "channel": "stdout"}
        fields = rng.sample(sorted(pools), rng.randint(1, 3))
        if always and always not in fields:
            fields.append(always)
        for field_name in fields:
            raw[field_name] = rng.sample(pools[field_name], rng.randint(1, 2))
        if rng.random() < 0.3:
            raw["min_amount"] = rng.choice(AMOUNTS)
        subs.append(compile_subscription(build_subscription(raw), env={}))
    return subs


def _per_item_us(func: Callable[[], object], items: int, rounds: int = 5) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - started)
    return best / items * 1e6


def bench_matching(mix: str) -> None:
    """`broad`: filters drawn from a few values each, so many subscriptions match every announcement (a
    worst case); `diverse`: 160 organisations and 100 more keywords; `selective`: like diverse, but every
    subscription follows at least one organisation, as most users do."""
    rng = random.Random(SEED)
    pools = {"kinds": KINDS, "organisations": ORGANISATIONS, "topics": TOPICS, "keywords": KEYWORDS}
    if mix in {"diverse", "selective"}:
        pools = {
            **pools,
            "organisations": ORGANISATIONS + [f"organisation-{i}" for i in range(150)],
            "keywords": KEYWORDS + [f"term{i}" for i in range(100)],
        }
    announcements = [read_announcement(a) for a in _variants(rng, pools["organisations"])]
    subs = _subscriptions(rng, pools, always="organisations" if mix == "selective" else "")
    index = build_index(subs)
    facts = [extract_facts(a) for a in announcements]
    matched = sum(len(match_announcement(index, f)) for f in facts)
    naive = sum(1 for f in facts for s in subs if match_subscription(s, f) is not None)
    if naive != matched:
        print(f"warning: the index found {matched} matches, checking every subscription {naive}")
    count = len(announcements)
    # Each timed run reads fresh facts: words found in a body are kept on its facts, and a run over
    # facts read before would not pay for finding them.
    read_us = _per_item_us(lambda: [extract_facts(a) for a in announcements], count)
    indexed_us = _per_item_us(
        lambda: [match_announcement(index, extract_facts(a)) for a in announcements], count
    )
    naive_us = _per_item_us(
        lambda: [[match_subscription(s, f) for s in subs] for f in map(extract_facts, announcements)],
        count,
        rounds=2,
    )
    print(f"[{mix} mix] subscriptions: {len(subs)}, announcements: {count}, "
          f"matches: {matched / count:.1f} per announcement")  # fmt: skip
    print(f"read facts:                                {read_us:8.1f} µs / announcement")
    print(
        f"read + match via index:                    {indexed_us:8.1f} µs / announcement (target < 1000 µs)"
    )
    print(f"read + check every subscription (naive):   {naive_us:8.1f} µs / announcement (baseline)")
    print(f"index vs naive:                            {naive_us / indexed_us:8.1f}x faster")
    evaluator = WhereEvaluator()
    predicates = {f"w{i}": f"max_gbp >= {10 ** (6 + i % 4)} and list_contains(topics, '{TOPICS[i % 7]}')"
                  for i in range(20)}  # fmt: skip
    batch = [announcement_record(a, f) for a, f in zip(announcements * 2, facts * 2, strict=True)]
    where_us = _per_item_us(lambda: evaluator.evaluate(predicates, batch), len(batch))
    evaluator.close()
    print(
        f"--where, 20 predicates:                    {where_us:8.1f} µs / announcement "
        f"(batches of {len(batch)})"
    )


class _Receiver:
    def __init__(self) -> None:
        self.arrivals: list[float] = []
        owner = self

        class Handler(KeepAliveHandler):
            def do_POST(self) -> None:
                owner.arrivals.append(time.perf_counter())
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _percentiles(samples_s: list[float]) -> str:
    ordered = sorted(samples_s)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return f"p50 {statistics.median(ordered) * 1e3:6.2f} ms, p95 {p95 * 1e3:6.2f} ms"


def bench_delivery() -> None:
    receiver = _Receiver()
    announcement = _announcement()
    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings(None, env={}, db_path=Path(folder) / "bench.duckdb")
        settings = replace(
            settings,
            subscriptions=(
                build_subscription(
                    {
                        "name": "hook",
                        "kinds": ["mou"],
                        "channel": f"webhook:{receiver.url}",
                        "secret": "bench",
                    }
                ),
            ),
        )
        conn = duckdb.connect(str(settings.db_path))
        apply_migration(conn)
        dispatcher = AlertDispatcher(settings, env={})
        latencies = []
        for i in range(ALERTS):
            item = dict(announcement, id=f"one-{i}")
            conn.execute("BEGIN TRANSACTION")
            dispatcher.handle(conn, [read_announcement(item)])
            conn.execute("COMMIT")
            started = time.perf_counter()
            dispatcher.deliver_pending(conn)
            latencies.append(receiver.arrivals[-1] - started)
        body = json.dumps(item).encode()
        floor = []
        with httpx.Client() as client:
            for _ in range(ALERTS):
                started = time.perf_counter()
                client.post(receiver.url, content=body)
                floor.append(receiver.arrivals[-1] - started)
        conn.execute("BEGIN TRANSACTION")
        dispatcher.handle(
            conn, [read_announcement(dict(announcement, id=f"batch-{i}")) for i in range(ALERTS)]
        )
        conn.execute("COMMIT")
        started = time.perf_counter()
        delivered = dispatcher.deliver_pending(conn)
        elapsed = time.perf_counter() - started
        dispatcher.close()
        conn.close()
    receiver.stop()
    print(f"deliver_pending start -> arrival, one alert: {_percentiles(latencies)} over {len(latencies)}")
    print(
        f"bare httpx POST -> arrival (floor):          {_percentiles(floor)}; "
        f"ratio p50 {statistics.median(latencies) / statistics.median(floor):.1f}x"
    )
    print(
        f"one deliver_pending with {ALERTS} due alerts: {delivered} delivered in {elapsed:.2f}s "
        f"({delivered / elapsed:.0f} alerts/s)"
    )


def bench_handle() -> None:
    """`handle` as the run loop calls it: 1,000 diverse subscriptions (20 of them with --where), batches
    of 50 announcements, each batch in one transaction on a DuckDB file, alerts and state written."""
    rng = random.Random(SEED)
    pools = {
        "kinds": KINDS,
        "organisations": ORGANISATIONS + [f"organisation-{i}" for i in range(150)],
        "topics": TOPICS,
        "keywords": KEYWORDS + [f"term{i}" for i in range(100)],
    }
    raws = []
    for i in range(SUBSCRIPTIONS):
        raw: dict[str, Any] = {"name": f"s{i}", "channel": "stdout"}
        for field_name in rng.sample(sorted(pools), rng.randint(1, 3)):
            raw[field_name] = rng.sample(pools[field_name], rng.randint(1, 2))
        if i < 20:
            raw["where"] = f"max_gbp >= {10 ** (6 + i % 4)} and list_contains(topics, '{TOPICS[i % 7]}')"
        raws.append(build_subscription(raw))
    batches = [_variants(rng, pools["organisations"]) for _ in range(4)]
    with tempfile.TemporaryDirectory() as folder:
        settings = replace(
            load_settings(None, env={}, db_path=Path(folder) / "h.duckdb"), subscriptions=tuple(raws)
        )
        conn = duckdb.connect(str(settings.db_path))
        apply_migration(conn)
        dispatcher = AlertDispatcher(settings, env={})
        alerts, spent = 0, 0.0
        for number, batch in enumerate(batches):
            for item in batch:
                item["id"] = f"{item['id']}-{number}"
            started = time.perf_counter()
            conn.execute("BEGIN TRANSACTION")
            alerts += dispatcher.handle(conn, [read_announcement(item) for item in batch])
            conn.execute("COMMIT")
            spent += time.perf_counter() - started
        dispatcher.close()
        conn.close()
    count = sum(len(b) for b in batches)
    print(f"handle (match + where + write), 1,000 subscriptions: {spent / count * 1e6:8.0f} µs / announcement "
          f"({alerts / count:.1f} alerts each, batches of {ANNOUNCEMENTS})")  # fmt: skip


def main() -> None:
    bench_matching("broad")
    bench_matching("diverse")
    bench_matching("selective")
    bench_handle()
    bench_delivery()


if __name__ == "__main__":
    main()
