"""Backfill of 5,000 articles end to end, beside the sum of its bare stages measured in the same run.

A GOV.UK-format site on 127.0.0.1 (`bench/govuk_site.py`) holds 5,000 published announcements (~6 KB
Content API items, each an MoU with a money figure). `govwatch backfill --since ...` runs as a process of
its own on the embedded broker, with the politeness limit off, and its articles/s counts from start to
exit (interpreter start, Beam pipeline, broker and DuckDB included). The baseline is the same work done
bare, one stage at a time, with nothing overlapping: fetching the items (httpx, one client), processing
each (`process_document`: extraction, repair, tagging), producing the messages (kafka-python, the
project's producer options) and inserting them (`AnnouncementLoader` into a fresh DuckDB). Run:
`python -m bench backfill` (`python -m bench.bench_backfill --articles N` for another size).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import httpx
from kafka import KafkaProducer

from bench.govuk_site import FIRST_PUBLISHED, GovukSite, base_path
from govwatch.broker import EmbeddedBroker
from govwatch.config import load_settings
from govwatch.db import connect_writer
from govwatch.kafka import ANNOUNCEMENTS, ensure_topics, producer_options, topic_name
from govwatch.pipeline.process import local_document, process_document
from govwatch.pipeline.tag import load_lexicon
from govwatch.store.loader import AnnouncementLoader
from tests.support.announcements import as_consumed

ROOT = Path(__file__).parents[1]
ARTICLES = 5_000
INSERT_BATCH = 500


def _config(site: GovukSite, folder: Path) -> Path:
    path = folder / "govwatch.toml"
    path.write_text(
        f'[govuk]\nbase_url = "{site.base_url}"\n\n[duckdb]\npath = "{folder / "govwatch.duckdb"}"\n\n'
        "[http]\nrequests_per_second_per_host = 0.0\n"
    )
    return path


def _timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def _backfill(config: Path, folder: Path, articles: int) -> float:
    """Seconds `govwatch backfill` takes to store `articles` announcements, from start to exit."""
    since = FIRST_PUBLISHED.date().isoformat()
    seconds, _ = _timed(
        lambda: subprocess.run(
            [sys.executable, "-m", "govwatch", "backfill", "--since", since, "--config", str(config)],
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
        )
    )
    conn = duckdb.connect(str(folder / "govwatch.duckdb"), read_only=True)
    try:
        stored = conn.execute("select count(*) from announcements").fetchone()
    finally:
        conn.close()
    if stored != (articles,):
        raise SystemExit(f"backfill stored {stored} announcements, expected {articles}")
    return seconds


def _bare_stages(site: GovukSite, folder: Path, articles: int) -> dict[str, float]:
    """Seconds for each stage alone, over the same articles."""
    urls = [f"{site.base_url}/api/content{base_path(i)}" for i in range(articles)]
    with httpx.Client() as client:
        fetch_s, payloads = _timed(lambda: [client.get(url).text for url in urls])
    documents = [
        replace(
            local_document(text, url=f"https://www.gov.uk{base_path(i)}", source="bench"), id=f"bench-{i}"
        )
        for i, text in enumerate(payloads)
    ]
    process_s, messages = _timed(lambda: [process_document(doc, lexicon=load_lexicon()) for doc in documents])
    with EmbeddedBroker() as broker:
        settings = load_settings(None, env={}, db_path=folder / "bare.duckdb")
        kafka = replace(settings.kafka, bootstrap_servers=broker.bootstrap_servers, topic_prefix="bare")
        ensure_topics(kafka)
        topic = topic_name(kafka, ANNOUNCEMENTS)
        producer = KafkaProducer(**producer_options(kafka))
        encoded = [(m["id"].encode(), json.dumps(m).encode()) for m in messages]

        def produce() -> None:
            for key, value in encoded:
                producer.send(topic, key=key, value=value)
            producer.flush()

        produce_s, _ = _timed(produce)
        producer.close()
    conn = connect_writer(settings.db_path)
    consumed = as_consumed(messages)
    loader = AnnouncementLoader()
    batches = [consumed[i : i + INSERT_BATCH] for i in range(0, len(consumed), INSERT_BATCH)]

    def insert() -> None:
        for batch in batches:  # one transaction per batch, as the loader commits
            conn.begin()
            loader.handle(conn, batch)
            conn.commit()

    insert_s, _ = _timed(insert)
    conn.close()
    return {"fetch": fetch_s, "process": process_s, "produce": produce_s, "insert": insert_s}


def run(articles: int = ARTICLES) -> None:
    with tempfile.TemporaryDirectory() as tmp, GovukSite() as site:
        folder = Path(tmp)
        site.publish(articles)
        config = _config(site, folder)
        backfill_s = _backfill(config, folder, articles)
        stages = _bare_stages(site, folder, articles)
    bare_s = sum(stages.values())
    print(f"{articles:,} articles, ~6 KB Content API items, a local GOV.UK-format site, politeness off")
    print(
        f"govwatch backfill (whole command):      {articles / backfill_s:8.1f} articles/s ({backfill_s:.1f} s)"
    )
    print(f"bare stages one after another:          {articles / bare_s:8.1f} articles/s ({bare_s:.1f} s) =")
    for name, seconds in stages.items():
        print(
            f"  {name:<8} {articles / seconds:10.0f} articles/s ({seconds:6.2f} s, {seconds / bare_s:4.0%})"
        )
    print(f"backfill / bare: x{backfill_s / bare_s:.2f} the time")


def main() -> None:
    run()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=ARTICLES)
    run(parser.parse_args().articles)
