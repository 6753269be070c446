"""Page times of `govwatch serve` on a store of 100,000 announcements, beside the bare DuckDB queries.

Generates 100k announcements (with agreements, money figures, entities and topics; ~1 KB bodies) and
stores them through the real loader, serves the page on a real uvicorn on 127.0.0.1, and times HTTP GETs
(p50/p95 over repeated requests) of: the first list page, a list page deep in the list (keyset cursor),
a filtered list, a full-text search, and one announcement. Beside each: the bare DuckDB query for the same
page's rows on an already open read-only connection (the floor: no HTTP, templates or connection opening).
Target: p95 < 150 ms for the list and one announcement. Also printed: what the read path costs a page
before its statement runs (opening the file afresh and a trivial query).
"""

from __future__ import annotations

import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import httpx

from govwatch.config import load_settings
from govwatch.db import connect_writer
from govwatch.query import read_rows
from govwatch.serve.filters import ListFilters, encode_cursor, list_sql
from govwatch.serve.pages import ANNOUNCEMENT_SQL
from govwatch.serve.server import BackgroundServer
from govwatch.store.loader import AnnouncementLoader
from govwatch.store.records import ConsumedMessage

ANNOUNCEMENTS = 100_000
BATCH = 5_000
REPEATS = 60
SEARCH_REPEATS = 3  # search_announcements reads every body: seconds per query at 100k
TARGET_P95_MS = 150.0
ORGANISATIONS = [f"Department {i}" for i in range(25)]
KINDS = ["memorandum_of_understanding", "contract", "grant", "investment", "strategic_partnership"]
WORDS = [
    "data",
    "centre",
    "supercomputer",
    "quantum",
    "skills",
    "broadband",
    "cyber",
    "research",
    "cloud",
    "AI",
]


def _message(i: int, rng: random.Random) -> dict[str, Any]:
    org = rng.choice(ORGANISATIONS)
    partner = f"Company {rng.randrange(2000)}"
    sentence = (
        f"{org} and {partner} signed a memorandum of understanding worth £{rng.randrange(1, 900)} million."
    )
    filler = " ".join(rng.choice(WORDS) for _ in range(150))
    body = f"{sentence} {filler}."
    day = f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00+00:00"
    mou = body.index("memorandum")
    money = body.index("£")
    return {
        "schema_version": "1.0",
        "id": f"bench-{i:06d}",
        "version": 1,
        "url": f"https://www.gov.uk/government/news/bench-{i}",
        "canonical_url": None,
        "title": f"{org} agreement {i} on {rng.choice(WORDS)}",
        "document_type": "press_release",
        "published_at": day,
        "updated_at": None,
        "organisations": [org],
        "summary": "A summary.",
        "body_text": body,
        "language": "en",
        "source": "bench",
        "fetched_at": day,
        "content_hash": f"{i:032x}",
        "withdrawn": False,
        "extraction_status": "ok",
        "notes_offset": None,
        "repairs": [],
        "partnerships": [
            {
                "kind": rng.choice(KINDS),
                "parties": [org, partner],
                "status": "signed",
                "signatories": [],
                "legal_nature": None,
                "date": None,
                "evidence": [{"sentence": sentence, "start": mou, "end": mou + 27}],
            }
        ],
        "figures": [
            {
                "kind": "money",
                "value": float(rng.randrange(1, 900)) * 1e6,
                "value_max": None,
                "currency": "GBP",
                "unit": None,
                "qualifier": None,
                "text": "£1 million",
                "purpose": None,
                "evidence": {"sentence": sentence, "start": money, "end": money + 12},
            }
        ],
        "entities": [
            {
                "kind": "organisation",
                "name": partner,
                "role": None,
                "evidence": {
                    "sentence": sentence,
                    "start": body.index(partner),
                    "end": body.index(partner) + len(partner),
                },
            }
        ],
        "topics": [rng.choice(["ai", "quantum", "telecoms", "cyber"])],
    }


def _generate(db_path: Path) -> None:
    rng = random.Random(15)
    conn = connect_writer(db_path)
    loader = AnnouncementLoader()
    try:
        for start in range(0, ANNOUNCEMENTS, BATCH):
            messages = [_message(i, rng) for i in range(start, start + BATCH)]
            items = [
                (
                    ConsumedMessage(
                        topic="bench",
                        partition=0,
                        offset=start + n,
                        key=m["id"].encode(),
                        value=json.dumps(m).encode(),
                    ),
                    m,
                )
                for n, m in enumerate(messages)
            ]
            conn.execute("BEGIN TRANSACTION")
            loader.handle(conn, items)
            conn.execute("COMMIT")
        conn.execute("CHECKPOINT")
    finally:
        conn.close()


def _times_ms(call: Callable[[], object], repeats: int = REPEATS) -> tuple[float, float]:
    call()  # warm
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def _bare_query(
    bare: duckdb.DuckDBPyConnection, filters: ListFilters | None, one_id: str
) -> Callable[[], object]:
    """The page's own SQL on an open connection: the list's statement, or the announcement's."""
    sql, params = list_sql(filters) if filters is not None else (ANNOUNCEMENT_SQL, [one_id])

    def run() -> object:
        return bare.execute(sql, params).fetchall()

    return run


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.duckdb"
        started = time.perf_counter()
        _generate(db)
        print(
            f"stored {ANNOUNCEMENTS:,} announcements through the loader in {time.perf_counter() - started:.1f}s"
        )
        settings = load_settings(None, env={}, db_path=db)
        with duckdb.connect(str(db), read_only=True) as first:
            deep_row = first.execute(
                "SELECT coalesce(updated_at, published_at), id FROM announcements "
                "ORDER BY 1 DESC NULLS LAST, id DESC LIMIT 1 OFFSET 50000"
            ).fetchone()
        assert deep_row is not None
        deep = ListFilters(after=(deep_row[0], deep_row[1]))
        one_id = "bench-050000"
        pages: list[tuple[str, str, ListFilters | None]] = [
            ("list, first page", "/", ListFilters()),
            ("list, 50,000 rows deep", "/?after=" + encode_cursor(deep.after or (None, "")), deep),
            ("list, kind=grant", "/?kind=grant", ListFilters(kind="grant")),
            (
                "list, organisation + £500m",
                "/?organisation=Department+7&min_amount=%C2%A3500m",
                ListFilters(organisation="Department 7", min_gbp=500e6),
            ),
            ("search 'quantum cyber'", "/?q=quantum+cyber", ListFilters(q="quantum cyber")),
            ("one announcement", "/announcement?id=" + one_id, None),
        ]
        # HTTP first, with no other connection open in this process: DuckDB would otherwise share that
        # connection's warm database instance with the page's reads, and the page would look faster than
        # it is when served on its own.
        http: dict[str, tuple[float, float]] = {}
        with (
            BackgroundServer(settings, host="127.0.0.1", port=0) as server,
            httpx.Client(timeout=120) as client,
        ):
            base = f"http://127.0.0.1:{server.port}"
            for name, path, _filters in pages:

                def get(path: str = path) -> None:
                    response = client.get(base + path)
                    response.raise_for_status()

                http[name] = _times_ms(get, SEARCH_REPEATS if name.startswith("search") else REPEATS)
        # What every page pays before its statement: the read path opens the file afresh for each read
        # (a reader that kept it open would keep a writer out).
        open_p50, open_p95 = _times_ms(lambda: read_rows(settings, "SELECT 1"), 20)
        print(
            f"{'page':30} {'HTTP p50':>9} {'HTTP p95':>9} {'bare p50':>9} {'bare p95':>9}  target p95 < {TARGET_P95_MS:.0f} ms"
        )
        with duckdb.connect(str(db), read_only=True) as bare:
            for name, _path, filters in pages:
                repeats = SEARCH_REPEATS if name.startswith("search") else REPEATS
                bare_p50, bare_p95 = _times_ms(_bare_query(bare, filters, one_id), repeats)
                http_p50, http_p95 = http[name]
                verdict = (
                    "" if name.startswith("search") else ("ok" if http_p95 < TARGET_P95_MS else "MISSED")
                )
                print(f"{name:30} {http_p50:9.1f} {http_p95:9.1f} {bare_p50:9.1f} {bare_p95:9.1f}  {verdict}")
        print(f"{'read path: open + SELECT 1':30} {open_p50:9.1f} {open_p95:9.1f}")
