"""`govwatch backfill`: past announcements from the GOV.UK Search API through the same pipeline.

The Beam pipeline runs the connector's `search_backfill` as its source and the same `PublishDocuments`
transform as every other run, then the loader drains into DuckDB. Progress (found / fetched / skipped /
published) is written by the pipeline to a small JSON file that the command reads for its progress bar,
so the bar works whichever Beam runner executes the pipeline on this machine.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import apache_beam as beam

from govwatch.config import Settings
from govwatch.connectors.records import FetchedDocument, SourceFailure
from govwatch.db import keep_files_private
from govwatch.errors import GovwatchError
from govwatch.runner import RunSummary, Stack, publication_callback

PROGRESS_EVERY_S = 0.2
COUNTERS = ("found", "fetched", "skipped", "published")


class ProgressFile:
    """Backfill counters kept in a JSON file (atomic replace), readable by another thread or process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.counts = dict.fromkeys(COUNTERS, 0)
        self._written = 0.0

    def _bump(self, name: str, count: int, *, absolute: bool = False) -> None:
        self.counts[name] = count if absolute else self.counts[name] + count
        now = time.monotonic()
        if now - self._written >= PROGRESS_EVERY_S or name == "found":
            self.flush()
            self._written = now

    def flush(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.counts), "utf-8")
        os.replace(tmp, self.path)

    def found(self, total: int) -> None:
        self._bump("found", total, absolute=True)

    def fetched(self, count: int) -> None:
        self._bump("fetched", count)

    def skipped(self, count: int) -> None:
        self._bump("skipped", count)

    def published(self, count: int) -> None:
        self._bump("published", count)


def read_progress(path: Path) -> dict[str, int]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return dict.fromkeys(COUNTERS, 0)
    return {name: int(data.get(name, 0)) for name in COUNTERS}


class BackfillFn(beam.DoFn):
    """Run one backfill query; documents go on, failures to the dead-letter output."""

    def __init__(self, settings: Settings, progress_path: Path) -> None:
        self.settings = settings
        self.progress_path = progress_path

    def setup(self) -> None:
        from govwatch.connectors.checkpoint import Checkpoint
        from govwatch.connectors.http import HttpClient
        from govwatch.connectors.poll import trusted_hosts

        self.http = HttpClient(self.settings.http, trusted_hosts=trusted_hosts(self.settings))
        self.checkpoint = Checkpoint(self.settings.checkpoint_path)

    def process(self, query: Any) -> Iterator[Any]:
        from govwatch.connectors.backfill import search_backfill
        from govwatch.pipeline.transforms import DEADLETTER_TAG, deadletter_element, failure_record

        progress = ProgressFile(self.progress_path)
        for item in search_backfill(
            query, settings=self.settings, http=self.http, checkpoint=self.checkpoint, progress=progress
        ):
            if isinstance(item, SourceFailure):
                yield beam.pvalue.TaggedOutput(DEADLETTER_TAG, deadletter_element(failure_record(item)))
            else:
                yield item
        progress.flush()

    def teardown(self) -> None:
        self.http.close()
        self.checkpoint.close()


class CountPublished:
    """Wraps the publication callback to count published documents in the progress file."""

    def __init__(self, inner: Any, progress_path: Path) -> None:
        self.inner = inner
        self.progress_path = progress_path

    def __call__(self, docs: Sequence[FetchedDocument]) -> None:
        self.inner(docs)
        counts = read_progress(self.progress_path)
        counts["published"] += len(docs)
        tmp = self.progress_path.with_suffix(".tmp2")
        tmp.write_text(json.dumps(counts), "utf-8")
        os.replace(tmp, self.progress_path)


def _run_pipeline(
    settings: Settings, query: Any, progress_path: Path, beam_args: Sequence[str], on_published: Any
) -> None:
    from apache_beam.options.pipeline_options import PipelineOptions

    from govwatch.kafka import DEADLETTER
    from govwatch.pipeline.transforms import DEADLETTER_TAG, PublishDocuments, PublishFn

    options = PipelineOptions(list(beam_args) or ["--runner=DirectRunner", "--direct_num_workers=1"])
    with beam.Pipeline(options=options) as pipeline:
        found = (
            pipeline
            | "Query" >> beam.Create([query])
            | "SearchBackfill"
            >> beam.ParDo(BackfillFn(settings, progress_path)).with_outputs(DEADLETTER_TAG, main="documents")
        )
        failed = found.documents | "Publish" >> PublishDocuments(settings, on_published)
        (
            (found[DEADLETTER_TAG], failed)
            | "AllDeadLetters" >> beam.Flatten()
            | "PublishDeadLetters" >> beam.ParDo(PublishFn(settings, DEADLETTER, on_published))
        )


def run_backfill(
    settings: Settings,
    *,
    since: date,
    until: date | None = None,
    organisations: tuple[str, ...] = (),
    document_types: tuple[str, ...] = (),
    beam_args: Sequence[str] = (),
    show_progress: bool = True,
) -> RunSummary:
    """Backfill through the pipeline into DuckDB, with a progress bar on stderr.

    Raises:
        GovwatchError: the dates are reversed, or a lexicon folder is missing (a `ConfigError`).
    """
    from govwatch.connectors.backfill import BackfillQuery
    from govwatch.kafka import kafka_stack
    from govwatch.pipeline.process import configured_lexicon

    if until is not None and until < since:
        raise GovwatchError(f"--until {until} is before --since {since}; swap them")
    configured_lexicon(settings)  # a missing lexicon folder stops the backfill before anything starts
    query = BackfillQuery(
        since=since, until=until, organisations=organisations, document_types=document_types
    )
    progress_path = Path(str(settings.checkpoint_path) + ".backfill-progress.json")
    keep_files_private(settings.checkpoint_path, progress_path)
    progress_path.parent.mkdir(parents=True, exist_ok=True)
    ProgressFile(progress_path).flush()
    with kafka_stack(settings) as (ready, broker):
        stack = Stack.open(ready, broker=broker)
        try:
            stack.settle()
            with BackfillProgressBar(progress_path, enabled=show_progress):
                _run_pipeline(
                    ready,
                    query,
                    progress_path,
                    beam_args,
                    CountPublished(publication_callback(broker, ready.checkpoint_path), progress_path),
                )
                stack.drain()
                stack.settle()
                stack.deliver()
            return stack.summary
        finally:
            stack.close()
            progress_path.unlink(missing_ok=True)


class BackfillProgressBar:
    """A rich progress bar fed from the progress file by a background thread."""

    def __init__(self, path: Path, *, enabled: bool) -> None:
        self.path = path
        self.enabled = enabled
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None

    def __enter__(self) -> None:
        if not self.enabled:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        progress = Progress(
            TextColumn("backfill"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[detail]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        task = progress.add_task("backfill", total=None, detail="")

        def update() -> None:
            with progress:
                while not self.stop.wait(PROGRESS_EVERY_S):
                    self._show(progress, task)
                self._show(progress, task)

        self.thread = threading.Thread(target=update, name="govwatch-progress", daemon=True)
        self.thread.start()

    def _show(self, progress: Any, task: Any) -> None:
        counts = read_progress(self.path)
        done = counts["fetched"] + counts["skipped"]
        progress.update(
            task,
            total=counts["found"] or None,
            completed=done,
            detail=f"found {counts['found']} · fetched {counts['fetched']} · "
            f"already had {counts['skipped']} · published {counts['published']}",
        )

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        if self.thread is not None:
            self.thread.join(timeout=5)
