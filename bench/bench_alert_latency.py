"""Alert latency through the whole run loop: announcement message on Kafka → webhook request received.

The real `Stack` (loader, dispatcher and delivery threads as in `govwatch run`) on the embedded broker,
a local webhook receiver, 200 announcements with an MoU each, produced 20 ms apart. Target: p95 < 1 s.
Printed beside the bare produce→consume time of the same messages (the floor).
"""

from __future__ import annotations

import json
import statistics
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

from kafka import KafkaProducer

from bench.local_run import hook_url, webhook_receiver
from govwatch.config import SubscriptionConfig, load_settings
from govwatch.kafka import ANNOUNCEMENTS, kafka_stack, producer_options, topic_name
from govwatch.runner import Stack
from tests.support.announcements import make_announcement

ANNOUNCEMENTS_SENT = 200
GAP_S = 0.02


def main() -> None:
    arrivals: dict[str, float] = {}
    receiver = webhook_receiver(arrivals.setdefault)
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(None, env={}, db_path=Path(tmp) / "bench.duckdb")
        hook = f"webhook:{hook_url(receiver)}"
        settings = replace(
            settings,
            subscriptions=(
                SubscriptionConfig(
                    name="mous", kinds=("memorandum_of_understanding",), channel=hook, secret="s"
                ),
            ),
        )
        with kafka_stack(settings) as (ready, broker):
            stack = Stack.open(ready, broker=broker)
            stop = threading.Event()

            def consume() -> None:
                while not stop.is_set():
                    stack.poll_once(timeout_ms=50)

            def deliver() -> None:
                while not stop.is_set():
                    stack.deliver()
                    stop.wait(0.05)

            threads = [threading.Thread(target=consume), threading.Thread(target=deliver)]
            for thread in threads:
                thread.start()
            producer = KafkaProducer(**{**producer_options(ready.kafka), "linger_ms": 0})
            topic = topic_name(ready.kafka, ANNOUNCEMENTS)
            sent: dict[str, float] = {}
            acked: dict[str, float] = {}
            for i in range(ANNOUNCEMENTS_SENT):
                doc_id = f"bench-{i}"
                value = json.dumps(make_announcement(doc_id)).encode()
                sent[doc_id] = time.perf_counter()
                producer.send(topic, key=doc_id.encode(), value=value).get(timeout=10)
                acked[doc_id] = time.perf_counter()
                time.sleep(GAP_S)
            deadline = time.perf_counter() + 60
            while len(arrivals) < ANNOUNCEMENTS_SENT and time.perf_counter() < deadline:
                time.sleep(0.05)
            stop.set()
            for thread in threads:
                thread.join()
            producer.close()
            stack.close()
    receiver.shutdown()
    latencies = sorted(arrivals[k] - acked[k] for k in acked if k in arrivals)
    produce = sorted(acked[k] - sent[k] for k in sent)
    if not latencies:
        print("no webhook arrived")
        return
    p50, p95 = statistics.median(latencies), latencies[max(0, int(len(latencies) * 0.95) - 1)]
    print(f"produce ack (floor):         p50 {statistics.median(produce) * 1000:6.1f} ms")
    print(
        f"Kafka → webhook received:    p50 {p50 * 1000:6.1f} ms   p95 {p95 * 1000:6.1f} ms   "
        f"({len(latencies)}/{ANNOUNCEMENTS_SENT} delivered; target p95 < 1000 ms)"
    )


if __name__ == "__main__":
    main()
