"""Run the whole stack: broker (embedded or external) → Beam pipeline → Kafka → DuckDB consumers.

One process owns the DuckDB file while it runs. In it, the loader, the dead-letter keeper and the alert
dispatcher each consume their topic with offsets stored in DuckDB, and a query endpoint serves
`govwatch query` (see `govwatch.query_endpoint`: it is published before the file is locked and answers
until the file is released). The connectors' checkpoints advance once documents are durable (see
`govwatch.publication`).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from govwatch.alerts.store import record_evaluated
from govwatch.config import Settings
from govwatch.db import connect_writer, keep_files_private
from govwatch.errors import SchemaError, SinkError
from govwatch.health import HealthServer
from govwatch.kafka import (
    ALERTS,
    ANNOUNCEMENTS,
    DEADLETTER,
    Broker,
    close_producer,
    configured_broker,
    ensure_topics,
    flush_producer,
    kafka_stack,
    new_producer,
    topic_name,
)
from govwatch.messages import encode
from govwatch.metrics import (
    ALERT_DELIVERIES,
    BATCH_SECONDS,
    CONSUMER_LAG,
    DELIVERY_LATENCY,
    LOADED,
    observe_latency,
)
from govwatch.pipeline.records import read_announcement
from govwatch.publication import MarkPublished, SpoolPublished, settle_spool, spool_dir_for
from govwatch.query import query_limits
from govwatch.query_endpoint import QueryServer
from govwatch.status import RunState, SourceStatus, clear_run_state, read_source_statuses, write_run_state
from govwatch.store.batches import consumed_deadletter, decode_batch
from govwatch.store.consumer import DuckdbOffsetConsumer
from govwatch.store.database import RunDatabase
from govwatch.store.deadletters import DeadletterKeeper, store_deadletter
from govwatch.store.loader import AnnouncementLoader, done_versions
from govwatch.store.records import ConsumedMessage
from govwatch.store.writer import BatchWriter

log = logging.getLogger(__name__)

DRAIN_TIMEOUT_S = 120.0
IDLE_POLL_MS = 50  # per consumer: three consumers share one thread, so idle waits add up
DELIVERY_PAUSE_S = 0.05
SETTLE_PAUSE_S = 2.0
#: How long a stopping run waits for its background threads together (a webhook being delivered, a batch
#: being stored); each step they take has a deadline of its own shorter than this.
WORKER_STOP_TIMEOUT_S = 30.0
RUN_STATE_EVERY_S = 2.0
TICK_MIN_S = 0.5
TICK_MAX_S = 30.0
Progress = Callable[[str], None]


@dataclass(slots=True)
class RunSummary:
    """What one run did, for the command's closing line."""

    stored: int = 0
    duplicates: int = 0
    deadlettered: int = 0
    alerts: int = 0
    delivered: int = 0
    settled: int = 0
    sources: list[SourceStatus] = field(default_factory=list)  # `run --once`: what each source did


class DispatcherAdapter:
    """Hands the alert dispatcher the announcements of a batch, each read once into its typed record."""

    consumer_name = "alerts"

    def __init__(self, dispatcher: Any) -> None:
        self.dispatcher = dispatcher

    def handle(
        self, conn: duckdb.DuckDBPyConnection, items: Sequence[tuple[ConsumedMessage, dict[str, Any]]]
    ) -> int:
        records = []
        seen: list[tuple[str, int]] = []
        for consumed, message in items:
            try:
                records.append(read_announcement(message))
            except SchemaError as exc:
                document, version = message.get("id"), message.get("version")
                if isinstance(document, str) and isinstance(version, int):
                    seen.append((document, version))  # dead-lettered below: nothing more to match
                # The schema let it through but the record does not: dead-lettered here, once, in the
                # batch's own transaction, so one odd message never stops the alerts (nor loops them).
                store_deadletter(conn, consumed_deadletter(self.consumer_name, consumed, str(exc)))
                log.warning(
                    "alerts: dead-lettered %s[%s]@%s: %s",
                    consumed.topic,
                    consumed.partition,
                    consumed.offset,
                    exc,
                )
        inserted = int(self.dispatcher.handle(conn, records)) if records else 0
        record_evaluated(conn, [(record.id, record.version) for record in records] + seen)
        return inserted


class Stack:
    """The DuckDB side of a run: consumers, their handlers and the query endpoint, on one database.

    The endpoint is published before the file is locked (queries then wait for this writer instead of
    opening the file, or meeting a lock nobody answers for) and serves as soon as the connection is
    open; `close()` releases the file before the endpoint goes. A caller that owns the database for
    longer (the demo, across its reset) passes its own `query_server`. `broker` describes the Kafka the
    settings point at (from `kafka_stack`); without one it is the configured, durable cluster. Open one
    with `Stack.open`.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        broker: Broker,
        db: RunDatabase,
        query_server: QueryServer,
        owns_query_server: bool,
    ) -> None:
        """Hold what `Stack.open` opened; nothing is opened here."""
        self.settings = settings
        self.broker = broker
        self.db = db
        self.query_server = query_server
        self._owns_query_server = owns_query_server

    @classmethod
    def open(
        cls,
        settings: Settings,
        *,
        with_alerts: bool = True,
        broker: Broker | None = None,
        query_server: QueryServer | None = None,
    ) -> Stack:
        """Publish the query endpoint, take the database, then start the Kafka side (`_start`).

        Whatever fails on the way is closed again, so a stack either opens whole or leaves nothing behind
        but the endpoint a caller passed in.
        """
        keep_files_private(settings.checkpoint_path)
        owns_query_server = query_server is None
        server = query_server or QueryServer(settings.db_path, query_limits(settings)).start()

        def open_writer() -> duckdb.DuckDBPyConnection:
            # Queries that opened the file before the endpoint appeared finish within their time limit.
            return connect_writer(
                settings.db_path,
                wait_s=settings.query.time_limit_s,
                memory_limit=settings.duckdb.memory_limit,
            )

        try:
            db = RunDatabase(open_writer(), reopen=open_writer, reopen_every_s=settings.duckdb.reopen_every_s)
        except BaseException:
            if owns_query_server:
                server.stop()
            raise
        db.around_reopen(server.pause_if_idle, server.attach)
        stack = cls(
            settings,
            broker=broker or configured_broker(settings.kafka),
            db=db,
            query_server=server,
            owns_query_server=owns_query_server,
        )
        try:
            server.attach(db.conn)
            stack._start(settings, with_alerts)
        except BaseException as exc:
            server.detach()
            db.close()
            server.released()
            if owns_query_server:
                server.stop()
            if isinstance(exc, Exception):
                # A consumer that cannot bootstrap is only the consequence of an embedded broker that died.
                for died in stack.broker.death():
                    raise died from exc
            raise
        return stack

    def _start(self, settings: Settings, with_alerts: bool) -> None:
        """Topics, the producer, the consumers and their handlers, the writer thread, health."""
        info = ensure_topics(settings.kafka)
        self.producer = new_producer(settings.kafka)
        self.loader = AnnouncementLoader()
        self.summary = RunSummary()

        def consumer(name: str, kind: str, message_type: str) -> DuckdbOffsetConsumer:
            topic = topic_name(settings.kafka, kind)
            return DuckdbOffsetConsumer(
                settings.kafka,
                self.db,  # read at start and on a new incarnation, from the polling thread
                consumer_name=name,
                topic=topic,
                topic_id=info[topic].topic_id,
                message_type=message_type,
                memory_only_broker=not self.broker.durable,
            )

        self.pairs: list[tuple[DuckdbOffsetConsumer, Any]] = [
            (consumer("loader", ANNOUNCEMENTS, "announcement"), self.loader),
            (consumer("deadletters", DEADLETTER, "deadletter"), DeadletterKeeper()),
        ]
        self.dispatcher: Any = None
        if with_alerts:
            from govwatch.alerts.dispatcher import AlertDispatcher

            alerts_topic = topic_name(settings.kafka, ALERTS)
            deadletter_topic = topic_name(settings.kafka, DEADLETTER)
            self.dispatcher = AlertDispatcher(
                settings,
                publish=lambda key, value: self.producer.send(alerts_topic, key=key, value=value),
                deadletter=lambda key, value: self.producer.send(deadletter_topic, key=key, value=value),
            )
            self.pairs.append(
                (consumer("alerts", ANNOUNCEMENTS, "announcement"), DispatcherAdapter(self.dispatcher))
            )
        for kafka_consumer, _handler in self.pairs:
            kafka_consumer.start()
        # The writer thread has the connection (all transactions); alert delivery, settling reads, health
        # checks and the query endpoint's requests each take cursors of their own.
        self.writer = BatchWriter(self.db)
        self.health: HealthServer | None = None
        if settings.metrics.port:
            self.health = HealthServer(settings, self.db, extra_checks=self._broker_problems).start()
        self._lock = threading.Lock()
        self._started_at = time.time()
        self._next_run_state = 0.0
        self._delivered_since = datetime.now(UTC)
        self.lag: dict[str, dict[int, int]] = {}

    def _broker_problems(self) -> list[str]:
        return [f"embedded broker: {died}" for died in self.broker.death()]

    def _deadletter(self, record: dict[str, Any]) -> None:
        self.producer.send(topic_name(self.settings.kafka, DEADLETTER), value=encode("deadletter", record))

    def _committed(
        self, consumer_name: str, polled_at: float, items: Sequence[tuple[ConsumedMessage, dict[str, Any]]]
    ) -> Callable[[int, int], None]:
        def count(handled: int, new_dead: int) -> None:  # runs on the writer thread after the commit
            BATCH_SECONDS.labels(consumer_name).observe(time.monotonic() - polled_at)
            LOADED.labels(consumer_name).inc(len(items))
            if consumer_name in ("loader", "alerts"):
                stage = "duckdb" if consumer_name == "loader" else "matched"
                for _message, announcement in items:
                    observe_latency(stage, announcement.get("updated_at"))
            # Every dead letter is counted once, when its row is stored: the keeper counts those from
            # the dead-letter topic, the other consumers their own.
            self.summary.deadlettered += new_dead
            if consumer_name == "deadletters":
                self.summary.deadlettered += handled
            if consumer_name == "alerts":
                self.summary.alerts += handled
            self.summary.stored = self.loader.stored
            self.summary.duplicates = self.loader.duplicates

        return count

    def poll_once(self, timeout_ms: int = 100) -> int:
        """One poll of every consumer; decoded batches go to the writer. Returns messages polled."""
        handled = 0
        self.broker.check_alive()
        with self._lock:
            for kafka_consumer, handler in self.pairs:
                batch = kafka_consumer.poll(timeout_ms=timeout_ms)
                if not batch:
                    continue
                name = kafka_consumer.consumer_name
                polled_at = time.monotonic()
                # The loader and the alerts read the same topic: the loader alone records its poison.
                decoded = decode_batch(kafka_consumer, batch, keep_dead=name != "alerts")
                on_dead = self._deadletter if name != "deadletters" else None
                self.writer.submit(
                    handler,
                    decoded,
                    on_deadletter=on_dead,
                    done=self._committed(name, polled_at, decoded.good),
                )
                handled += len(batch)
            if time.monotonic() >= self._next_run_state:
                self._next_run_state = time.monotonic() + RUN_STATE_EVERY_S
                self.lag = {c.consumer_name: c.partition_lag() for c, _h in self.pairs}
                for consumer_name, parts in self.lag.items():
                    for partition, behind in parts.items():
                        CONSUMER_LAG.labels(consumer_name, str(partition)).set(behind)
                write_run_state(
                    self.settings.db_path,
                    RunState(
                        pid=os.getpid(), started_at=self._started_at, updated_at=time.time(), lag=self.lag
                    ),
                )
        return handled

    def drain(self, timeout_s: float = DRAIN_TIMEOUT_S) -> None:
        """Consume until every consumer has caught up with its topic's end and all of it is stored."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            self.poll_once()
            if all(c.lag() == 0 for c, _h in self.pairs):
                self.writer.wait()
                flush_producer(self.producer, self.settings.kafka)
                self.poll_once(timeout_ms=50)
                self.writer.wait()
                if all(c.lag() == 0 for c, _h in self.pairs):
                    return
        raise SinkError(
            f"the consumers did not catch up with Kafka within {timeout_s:.0f}s; everything stored so far is "
            "kept: run the command again (run it with -v to see what is slow)"
        )

    def settle(self) -> int:
        settled = settle_spool(
            spool_dir_for(self.settings.checkpoint_path),
            self.settings.checkpoint_path,
            self._done_everywhere,
        )
        self.summary.settled += settled
        return settled

    def _done_everywhere(self, keys: list[tuple[str, int]]) -> set[tuple[str, int]]:
        """The versions among `keys` that are stored and, when alerts are on, matched by the alert consumer.

        A spooled document settles only once nothing more can happen to it: on a memory-only broker a
        version the loader stored but the alert consumer had not read yet would otherwise be settled, and
        a kill then would lose its alert with the broker's memory. Each version the alert consumer has
        matched is recorded with its offsets (`alert_evaluations`); consumer offsets cannot tell, since a
        version stored by an earlier run is in this run's topics only once it has been fetched again.
        """
        with self.db.cursor() as conn:
            return done_versions(conn, keys, alerted=self.dispatcher is not None)

    def deliver(self) -> int:
        """Deliver due alerts on a connection of its own, so a slow receiver never holds up loading."""
        if self.dispatcher is None:
            return 0
        with self.db.cursor() as conn:
            delivered = int(self.dispatcher.deliver_pending(conn))
            ALERT_DELIVERIES.inc(delivered)
            if delivered:
                self._observe_delivery_latency(conn)
        flush_producer(self.producer, self.settings.kafka)
        self.summary.delivered += delivered
        return delivered

    def _observe_delivery_latency(self, conn: duckdb.DuckDBPyConnection) -> None:
        """Latency to delivery of the alerts delivered since the last look (read back from DuckDB)."""
        rows = conn.execute(
            "SELECT a.delivered_at, epoch(a.delivered_at) - epoch(v.updated_at) FROM alerts a "
            "JOIN announcement_versions v ON v.id = a.announcement_id AND v.version = a.version "
            "WHERE a.status = 'delivered' AND a.delivered_at > ? AND v.updated_at IS NOT NULL",
            [self._delivered_since],
        ).fetchall()
        for delivered_at, seconds in rows:
            DELIVERY_LATENCY.observe(max(0.0, float(seconds)))
            self._delivered_since = max(self._delivered_since, delivered_at)

    def close(self) -> None:
        """Stop, in the order that leaves no query unanswered: the endpoint stops taking queries (those
        under way finish), the file is released, and only then does the endpoint tell queries to read it
        directly and go away. Each part stops within its own deadline, so a dead broker never holds up
        the exit."""
        clear_run_state(self.settings.db_path)
        if self.health is not None:
            self.health.stop()
        self.query_server.detach()
        try:
            self.writer.close()
            for kafka_consumer, _handler in self.pairs:
                kafka_consumer.close()
            close_producer(self.producer, self.settings.kafka)
        finally:
            self.db.close()
            self.query_server.released()
            if self._owns_query_server:
                self.query_server.stop()


def warn_if_checkpoint_outlives_database(settings: Settings, progress: Progress | None) -> None:
    """A new database beside an old checkpoint stores nothing already published: say so, and how to fix it."""
    if settings.db_path.exists() or not settings.checkpoint_path.exists():
        return
    message = (
        f"{settings.db_path} is new but the checkpoint {settings.checkpoint_path} remembers earlier runs: "
        "documents published then will not be fetched again (delete the checkpoint to fetch everything again)"
    )
    log.warning("%s", message)
    if progress:
        progress(message)


def publication_callback(broker: Broker, checkpoint_path: Path) -> MarkPublished | SpoolPublished:
    """Where acknowledged documents go: straight to the checkpoint on a durable broker, else to the
    spool until DuckDB holds them."""
    if broker.durable:
        return MarkPublished(checkpoint_path)
    return SpoolPublished(spool_dir_for(checkpoint_path))


def run_cycle(
    stack: Stack,
    ready: Settings,
    *,
    beam_args: Sequence[str] = (),
    force: bool = False,
    progress: Progress | None = None,
) -> None:
    """Poll every source once through the pipeline, then store, settle and alert before returning."""
    from govwatch.pipeline.transforms import run_bounded

    names = [s.name for s in ready.sources]
    if names:
        if progress:
            progress(f"polling {len(names)} source(s) through the pipeline")
        run_bounded(
            ready,
            names,
            beam_args=beam_args,
            on_published=publication_callback(stack.broker, ready.checkpoint_path),
            force=force,
        )
    if progress:
        progress("loading into DuckDB")
    stack.drain()
    stack.settle()
    if progress:
        progress("delivering alerts")
    stack.deliver()


def run_once(
    settings: Settings,
    *,
    beam_args: Sequence[str] = (),
    force: bool = False,
    progress: Progress | None = None,
    with_alerts: bool = True,
    between: Callable[[int], bool] | None = None,
    query_server: QueryServer | None = None,
) -> RunSummary:
    """`govwatch run --once`: one poll of every source, everything stored and alerted before returning.

    `between(n)`, when given, is called after cycle n and returns True to run another cycle on the same
    broker and database (the demo uses it to publish a second phase of its sample). `query_server`, when
    given, is an endpoint the caller published already (see `Stack`).
    """
    from govwatch.pipeline.process import configured_lexicon

    configured_lexicon(settings)  # a missing lexicon folder stops the run before anything starts
    warn_if_checkpoint_outlives_database(settings, progress)
    started = datetime.now(UTC).replace(microsecond=0)  # the checkpoint keeps whole seconds
    with kafka_stack(settings) as (ready, broker):
        stack = Stack.open(ready, with_alerts=with_alerts, broker=broker, query_server=query_server)
        try:
            stack.settle()  # documents a crashed run left stored but unsettled
            cycle = 0
            while True:
                run_cycle(stack, ready, beam_args=beam_args, force=force, progress=progress)
                cycle += 1
                if between is None or not between(cycle):
                    break
            stack.summary.sources = read_source_statuses(settings, since=started)
            return stack.summary
        except Exception as exc:
            for died in broker.death():
                raise died from exc
            raise
        finally:
            stack.close()


def run_forever(
    settings: Settings,
    *,
    beam_args: Sequence[str] = (),
    progress: Progress | None = None,
    stop_timestamp: float | None = None,
) -> RunSummary:
    """`govwatch run`: a streaming pipeline polls sources as they fall due; storing and alerting run
    continuously beside it, until the process is interrupted (or `stop_timestamp`, for tests).

    The main thread runs the Beam pipeline (a PeriodicImpulse drives the polls); background threads run
    the consumers, alert delivery and the settling of published documents, so alerts go out within a
    second of a message reaching Kafka.
    """
    from govwatch.pipeline.process import configured_lexicon

    configured_lexicon(settings)  # a missing lexicon folder stops the run before anything starts
    stop = threading.Event()
    warn_if_checkpoint_outlives_database(settings, progress)
    worker_error: list[BaseException] = []
    try:
        return _run_forever(settings, stop, worker_error, beam_args, progress, stop_timestamp)
    except KeyboardInterrupt:
        # A background failure interrupts the main thread; the interrupt may land after the pipeline had
        # already stopped for the same cause: the failure, not an interruption, is what to report.
        if worker_error:
            raise worker_error[0] from None
        raise


def _run_forever(
    settings: Settings,
    stop: threading.Event,
    worker_error: list[BaseException],
    beam_args: Sequence[str],
    progress: Progress | None,
    stop_timestamp: float | None,
) -> RunSummary:
    from govwatch.pipeline.transforms import run_streaming

    with kafka_stack(settings) as (ready, broker):
        stack = Stack.open(ready, broker=broker)

        def keep_running(step: Callable[[], object], pause_s: float) -> Callable[[], None]:
            def loop() -> None:
                try:
                    while not stop.is_set():
                        step()
                        stop.wait(pause_s)
                except BaseException as exc:  # reported by the main thread, which then stops the run
                    worker_error.append(exc)
                    if (
                        not stop.is_set()
                    ):  # once the run is stopping, an interrupt would only cut its clean-up
                        stop.set()
                        _interrupt_main_thread()

            return loop

        workers = [
            threading.Thread(
                target=keep_running(lambda: stack.poll_once(timeout_ms=IDLE_POLL_MS), 0.0),
                name="govwatch-consumers",
                daemon=True,
            ),
            threading.Thread(
                target=keep_running(stack.deliver, DELIVERY_PAUSE_S), name="govwatch-alerts", daemon=True
            ),
            threading.Thread(
                target=keep_running(stack.settle, SETTLE_PAUSE_S), name="govwatch-settle", daemon=True
            ),
        ]
        for worker in workers:
            worker.start()
        if progress:
            progress(f"polling {len(ready.sources)} source(s), each at its own interval; Ctrl-C stops")
        try:
            run_streaming(
                ready,
                tick_s=scheduler_tick_s(ready),
                beam_args=beam_args,
                on_published=publication_callback(broker, ready.checkpoint_path),
                stop_timestamp=stop_timestamp,
            )
        except BaseException:
            # A background failure interrupts the pipeline, which Beam may report as an error of its own;
            # the failure is what to report. So is a dead embedded broker behind any error.
            worker_error.extend(broker.death())
            if not worker_error:
                raise
        finally:
            stop.set()
            deadline = time.monotonic() + WORKER_STOP_TIMEOUT_S
            for worker in workers:
                worker.join(timeout=max(0.0, deadline - time.monotonic()))
            try:
                stack.writer.wait()  # batches polled before the stop are stored, then settled
                stack.settle()
            finally:
                stack.close()
        if worker_error:
            raise worker_error[0]
        return stack.summary


def scheduler_tick_s(settings: Settings) -> float:
    """How often the streaming run asks which sources are due: a quarter of the shortest interval, so a
    source is polled within a quarter interval of falling due, between `TICK_MIN_S` and `TICK_MAX_S`.

    >>> from govwatch.config import SourceConfig
    >>> scheduler_tick_s(Settings(sources=(SourceConfig(name="a", kind="rss", url="http://x", interval_s=60),)))
    15.0
    """
    shortest = min((s.interval_s for s in settings.sources), default=TICK_MAX_S * 4)
    return max(TICK_MIN_S, min(TICK_MAX_S, shortest / 4))


def _interrupt_main_thread() -> None:
    """Stop the pipeline in the main thread when a background part of the run failed."""
    import _thread

    _thread.interrupt_main()
