"""A streaming pipeline keeps a bounded amount of the runner's per-bundle metrics, however long it runs."""

from __future__ import annotations

import gc
import inspect
import threading
import time

import apache_beam as beam
from apache_beam.metrics import monitoring_infos
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.transforms.periodicsequence import PeriodicImpulse

from govwatch.pipeline.transforms import keep_runner_metrics_bounded

RUN_S = 4.0


def _pending_merges() -> int:
    """Unread `consolidate` generators alive: each holds a bundle's metrics (and the chain before it)."""
    code = monitoring_infos.consolidate.__code__
    return sum(1 for o in gc.get_objects() if inspect.isgenerator(o) and o.gi_code is code)


def test_streaming_pipeline_does_not_keep_every_bundles_metrics() -> None:
    keep_runner_metrics_bounded()
    keep_runner_metrics_bounded()  # idempotent
    seen: list[int] = []
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.5):
            seen.append(_pending_merges())

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    start = time.time()
    with beam.Pipeline(options=PipelineOptions(["--runner=DirectRunner", "--streaming"])) as pipeline:
        ticks = pipeline | PeriodicImpulse(
            start_timestamp=start, stop_timestamp=start + RUN_S, fire_interval=0.25, apply_windowing=False
        )
        ticks | beam.Map(lambda _tick: None)
    done.set()
    watcher.join()
    assert seen, "the pipeline ended before its metrics could be looked at"
    # Unpatched, the chain grows by one generator per bundle: thousands within the run.
    assert max(seen) <= 10, seen
