"""A loader process that commits small, slow batches, so a test can kill -9 it mid-run.

Usage: python -m tests.support.loader_process BOOTSTRAP TOPIC_PREFIX DB_PATH
Prints "committed N" after each committed batch.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace

from govwatch.config import load_settings
from govwatch.db import connect_writer
from govwatch.kafka import ANNOUNCEMENTS, ensure_topics, topic_name
from govwatch.store.batches import process_batch
from govwatch.store.consumer import DuckdbOffsetConsumer
from govwatch.store.database import RunDatabase
from govwatch.store.loader import AnnouncementLoader

BATCH_RECORDS = 7


class SlowLoader(AnnouncementLoader):
    def handle(self, conn, items):  # type: ignore[no-untyped-def]
        stored = super().handle(conn, items)
        time.sleep(0.05)  # widen the window in which a kill lands mid-transaction
        return stored


def main() -> None:
    bootstrap, prefix, db = sys.argv[1:4]
    settings = load_settings(None, env={}, db_path=db)
    kafka = replace(settings.kafka, bootstrap_servers=bootstrap, topic_prefix=prefix, partitions=2)
    info = ensure_topics(kafka)
    topic = topic_name(kafka, ANNOUNCEMENTS)
    conn = connect_writer(db)
    consumer = DuckdbOffsetConsumer(
        kafka, RunDatabase(conn), consumer_name="loader", topic=topic, topic_id=info[topic].topic_id
    )
    consumer.start()
    loader = SlowLoader()
    committed = 0
    while True:
        batch = consumer.poll(timeout_ms=100, max_records=BATCH_RECORDS)
        if batch:
            process_batch(consumer, conn, loader, batch)
            committed += len(batch)
            print(f"committed {committed}", flush=True)


if __name__ == "__main__":
    main()
