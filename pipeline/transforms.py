"""Thin Beam wrappers around the connectors and the pure steps; all logic lives elsewhere.

`PollAndPublish` is the whole pipeline: poll sources → extract/repair/tag → validate → Kafka, with every
failure sent to the dead-letter topic and counted. The same transform serves one-shot, backfill and
streaming runs, and runs unchanged on other Beam runners (pass their options through).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.pvalue import TaggedOutput

from govwatch.config import Settings
from govwatch.connectors.records import FetchedDocument, SourceFailure
from govwatch.errors import GovwatchError, SinkError
from govwatch.kafka import (
    ANNOUNCEMENTS,
    DEADLETTER,
    close_producer,
    flush_producer,
    new_producer,
    topic_name,
)
from govwatch.messages import deadletter_record, encode
from govwatch.metrics import PROCESS_FAILURES, observe_latency
from govwatch.pipeline.process import process_document
from govwatch.pipeline.tag import Lexicon, load_lexicon

log = logging.getLogger(__name__)

DEADLETTER_TAG = "deadletter"
# Messages sent before waiting for their acknowledgements: a poll that yields many documents has them
# stored (and its checkpoint moving) as it goes, and holds at most this many in memory.
PUBLISH_BATCH = 50
PublishedCallback = Callable[[Sequence[FetchedDocument]], None]


def deadletter_element(
    record: dict[str, Any], doc: FetchedDocument | None = None
) -> tuple[Any, bytes, bytes]:
    """A dead-letter record as a publishable element; `doc` is reported published with it, so the
    connector's checkpoint (and the feed's validators) can move past a document that cannot be processed."""
    return doc, (record.get("key") or "").encode("utf-8"), encode("deadletter", record)


def failure_record(failure: SourceFailure) -> dict[str, Any]:
    return deadletter_record(
        stage=failure.stage,
        reason=failure.reason,
        payload=failure.payload,
        source=failure.source,
        url=failure.url,
        retryable=failure.retryable,
    )


class PollSourcesFn(beam.DoFn):
    """Poll one configured source by name; documents go on, failures to the dead-letter output."""

    def __init__(self, settings: Settings, *, force: bool = False) -> None:
        self.settings = settings
        self.force = force
        self.failures = Metrics.counter("connectors", "source-failures")
        self.documents = Metrics.counter("connectors", "documents")

    def setup(self) -> None:
        from govwatch.connectors.checkpoint import Checkpoint
        from govwatch.connectors.http import HttpClient
        from govwatch.connectors.poll import trusted_hosts

        self.http = HttpClient(self.settings.http, trusted_hosts=trusted_hosts(self.settings))
        self.checkpoint = Checkpoint(self.settings.checkpoint_path)

    def process(self, source_name: str) -> Iterator[Any]:
        from govwatch.connectors.poll import poll_source

        source = next(s for s in self.settings.sources if s.name == source_name)
        for item in poll_source(
            source, settings=self.settings, http=self.http, checkpoint=self.checkpoint, force=self.force
        ):
            if isinstance(item, SourceFailure):
                self.failures.inc()
                yield TaggedOutput(DEADLETTER_TAG, deadletter_element(failure_record(item)))
            else:
                self.documents.inc()
                yield item

    def teardown(self) -> None:
        self.http.close()
        self.checkpoint.close()


class DueSourcesFn(beam.DoFn):
    """On each tick, the names of the sources whose own interval (with jitter) has come round and that
    are not backing off; the schedule lives in the connectors' checkpoint."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def setup(self) -> None:
        from govwatch.connectors.checkpoint import Checkpoint

        self.checkpoint = Checkpoint(self.settings.checkpoint_path)
        self.queued: dict[str, datetime] = {}

    def process(self, _tick: object) -> Iterator[str]:
        from govwatch.connectors.poll import due_sources

        now = datetime.now(UTC)
        for name in due_sources(self.settings, self.checkpoint.source_states(), now, self.queued):
            self.queued[name] = now
            yield name

    def teardown(self) -> None:
        self.checkpoint.close()


class ProcessDocumentFn(beam.DoFn):
    """Extract, repair, tag and validate one document into an encoded announcement message.

    It is given the lexicon folders (`[tagging] lexicon_dirs`), not the lexicon: plain strings travel to
    any runner's workers, and each worker loads the lexicon once, in `setup`.
    """

    def __init__(self, lexicon_dirs: Sequence[str]) -> None:
        self.lexicon_dirs = tuple(lexicon_dirs)
        self.failed = Metrics.counter("pipeline", "process-failures")

    def setup(self) -> None:
        self.lexicon: Lexicon = load_lexicon(*self.lexicon_dirs)

    def process(self, doc: FetchedDocument) -> Iterator[Any]:
        try:
            value = encode("announcement", process_document(doc, lexicon=self.lexicon))
        except Exception as exc:  # a poison document must not stop the others; it is dead-lettered
            self.failed.inc()
            PROCESS_FAILURES.labels("validate" if isinstance(exc, GovwatchError) else "process").inc()
            log.warning("dead-letter %s v%d: %s: %s", doc.url, doc.version, type(exc).__name__, exc)
            stage = "validate" if isinstance(exc, GovwatchError) else "process"
            record = deadletter_record(
                stage=stage,
                reason=f"{type(exc).__name__}: {exc}",
                payload=doc.payload,
                source=doc.source,
                url=doc.url,
                key=doc.id,
            )
            yield TaggedOutput(DEADLETTER_TAG, deadletter_element(record, doc))
            return
        yield doc, doc.id.encode("utf-8"), value


class PublishFn(beam.DoFn):
    """Send encoded messages to Kafka; after each flush (every `PUBLISH_BATCH` messages and at the end of
    the bundle) every send is acknowledged (acks=all), and only then are the documents reported as
    published."""

    def __init__(self, settings: Settings, kind: str, on_published: PublishedCallback | None = None) -> None:
        self.settings = settings
        self.topic = topic_name(settings.kafka, kind)
        self.on_published = on_published
        self.sent = Metrics.counter("kafka", f"sent-{kind}")

    def setup(self) -> None:
        self.producer = new_producer(self.settings.kafka)

    def start_bundle(self) -> None:
        self.pending: list[tuple[Any, FetchedDocument | None]] = []

    def process(self, element: tuple[FetchedDocument | None, bytes, bytes]) -> None:
        doc, key, value = element
        self.pending.append((self.producer.send(self.topic, key=key, value=value), doc))
        if len(self.pending) >= PUBLISH_BATCH:
            self._settle()

    def finish_bundle(self) -> None:
        self._settle()

    def _settle(self) -> None:
        from kafka.errors import KafkaError

        if not self.pending:
            return
        flush_producer(self.producer, self.settings.kafka)
        published: list[FetchedDocument] = []
        for future, doc in self.pending:
            try:
                future.get(timeout=0)  # flushed: every future is done, acknowledged or failed
            except KafkaError as exc:
                raise SinkError(f"Kafka did not acknowledge a message on {self.topic}: {exc}") from exc
            if doc is not None:
                published.append(doc)
                if self.topic.endswith(ANNOUNCEMENTS):
                    observe_latency("kafka", doc.feed_updated_at)
        self.sent.inc(len(self.pending))
        self.pending = []
        if published and self.on_published is not None:
            self.on_published(published)

    def teardown(self) -> None:
        close_producer(self.producer, self.settings.kafka)


class PublishDocuments(beam.PTransform):
    """FetchedDocuments → announcement messages on Kafka; failures → dead-letter topic."""

    def __init__(self, settings: Settings, on_published: PublishedCallback | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.on_published = on_published

    def expand(self, documents: Any) -> Any:
        processed = documents | "ExtractRepairTag" >> beam.ParDo(
            ProcessDocumentFn(self.settings.tagging.lexicon_dirs)
        ).with_outputs(DEADLETTER_TAG, main="messages")
        processed.messages | "PublishAnnouncements" >> beam.ParDo(
            PublishFn(self.settings, ANNOUNCEMENTS, self.on_published)
        )
        return processed[DEADLETTER_TAG]


class PollAndPublish(beam.PTransform):
    """Source names → poll → process → Kafka, with one dead-letter stream for every failure."""

    def __init__(
        self, settings: Settings, *, force: bool = False, on_published: PublishedCallback | None = None
    ) -> None:
        super().__init__()
        self.settings = settings
        self.force = force
        self.on_published = on_published

    def expand(self, source_names: Any) -> Any:
        polled = source_names | "PollSources" >> beam.ParDo(
            PollSourcesFn(self.settings, force=self.force)
        ).with_outputs(DEADLETTER_TAG, main="documents")
        failed = polled.documents | "Publish" >> PublishDocuments(self.settings, self.on_published)
        dead = (polled[DEADLETTER_TAG], failed) | "AllDeadLetters" >> beam.Flatten()
        return dead | "PublishDeadLetters" >> beam.ParDo(
            PublishFn(self.settings, DEADLETTER, self.on_published)
        )


def run_bounded(
    settings: Settings,
    source_names: Iterable[str],
    *,
    beam_args: Sequence[str] = (),
    on_published: PublishedCallback | None = None,
    force: bool = False,
) -> None:
    """Run the pipeline once over `source_names` and wait for it to finish."""
    from apache_beam.options.pipeline_options import PipelineOptions

    options = PipelineOptions(list(beam_args) or ["--runner=DirectRunner", "--direct_num_workers=1"])
    with beam.Pipeline(options=options) as pipeline:
        (
            pipeline
            | "Sources" >> beam.Create(sorted(source_names))
            | "PollAndPublish" >> PollAndPublish(settings, force=force, on_published=on_published)
        )


def keep_runner_metrics_bounded() -> None:
    """Make Beam's FnApiRunner merge its per-bundle metrics as it goes, instead of keeping every bundle's.

    The DirectRunner runs the streaming pipeline on the FnApiRunner, which folds each bundle's
    monitoring infos into the ones before with `consolidate`, a generator that is only read when the
    pipeline ends. A pipeline that never ends therefore keeps a growing chain of generators holding
    every bundle's protobuf results: hundreds of MB a minute, most of it outside Python's heap. Reading
    each merge at once keeps one merged list per stage. Idempotent; harmless for bounded pipelines.
    """
    from apache_beam.metrics import monitoring_infos
    from apache_beam.runners.portability.fn_api_runner import fn_runner

    if getattr(fn_runner.consolidate_monitoring_infos, "eager", False):
        return

    def consolidate_now(
        metrics: Iterable[Any], key: Callable[[Any], Any] = monitoring_infos.to_key
    ) -> list[Any]:
        return list(monitoring_infos.consolidate(metrics, key))

    consolidate_now.eager = True  # type: ignore[attr-defined]
    fn_runner.consolidate_monitoring_infos = consolidate_now


def run_streaming(
    settings: Settings,
    *,
    tick_s: float,
    beam_args: Sequence[str] = (),
    on_published: PublishedCallback | None = None,
    stop_timestamp: float | None = None,
) -> None:
    """Run the streaming pipeline: every `tick_s` a PeriodicImpulse polls the sources that are due, each
    by its own interval.

    Blocks until `stop_timestamp` (Unix seconds; None runs until the process is interrupted).
    """
    import time

    from apache_beam.options.pipeline_options import PipelineOptions
    from apache_beam.transforms.periodicsequence import PeriodicImpulse
    from apache_beam.utils.timestamp import MAX_TIMESTAMP

    options = PipelineOptions([*(list(beam_args) or ["--runner=DirectRunner"]), "--streaming"])
    keep_runner_metrics_bounded()
    impulse = PeriodicImpulse(
        start_timestamp=time.time(),
        stop_timestamp=stop_timestamp if stop_timestamp is not None else MAX_TIMESTAMP,
        fire_interval=tick_s,
        apply_windowing=False,
    )
    with beam.Pipeline(options=options) as pipeline:
        (
            pipeline
            | "EveryTick" >> impulse
            | "DueSources" >> beam.ParDo(DueSourcesFn(settings))
            | "PollAndPublish" >> PollAndPublish(settings, on_published=on_published)
        )
