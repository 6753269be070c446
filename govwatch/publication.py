"""When a published document counts as done, so connector checkpoints advance at the right moment.

With a durable external Kafka, a message acknowledged with acks=all is safe: the checkpoint advances right
after the acknowledgement. The embedded broker keeps messages in memory only, so there an acknowledged
message is not yet safe; the durability boundary is DuckDB. Published documents are then spooled to a
file, and the checkpoint advances only once the loader has stored them and the alert consumer has matched
them (`alert_evaluations`). A crash in between leaves the spool and the checkpoint behind, so the next run
fetches and publishes those documents again with the same versions; the loader stores each (id, version)
once and the alert dispatcher alerts it once.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from govwatch.connectors.records import FetchedDocument

log = logging.getLogger(__name__)

StoredFilter = Callable[[list[tuple[str, int]]], set[tuple[str, int]]]


class MarkPublished:
    """Advance the checkpoint right after Kafka acknowledged the documents (durable brokers)."""

    def __init__(self, checkpoint_path: Path) -> None:
        self.checkpoint_path = checkpoint_path

    def __call__(self, docs: Sequence[FetchedDocument]) -> None:
        from govwatch.connectors.checkpoint import Checkpoint

        checkpoint = Checkpoint(self.checkpoint_path)
        try:
            checkpoint.mark_published(docs)
        finally:
            checkpoint.close()


class SpoolPublished:
    """Write acknowledged documents to the spool; `settle_spool` advances the checkpoint later."""

    def __init__(self, spool_dir: Path) -> None:
        self.spool_dir = spool_dir

    def __call__(self, docs: Sequence[FetchedDocument]) -> None:
        self.spool_dir.mkdir(parents=True, exist_ok=True)
        name = self.spool_dir / f"{uuid.uuid4().hex}.jsonl"
        tmp = name.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            for doc in docs:
                handle.write(json.dumps(dataclasses.asdict(doc), ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, name)


def spool_dir_for(checkpoint_path: Path) -> Path:
    return Path(str(checkpoint_path) + ".spool")


def settle_spool(spool_dir: Path, checkpoint_path: Path, stored: StoredFilter) -> int:
    """Mark spooled documents published once DuckDB holds them; returns how many were settled."""
    if not spool_dir.is_dir():
        return 0
    from govwatch.connectors.checkpoint import Checkpoint

    settled = 0
    checkpoint: Checkpoint | None = None
    try:
        for path in sorted(spool_dir.glob("*.jsonl")):
            docs = [
                FetchedDocument(**json.loads(line)) for line in path.read_text("utf-8").splitlines() if line
            ]
            done = stored([(d.id, d.version) for d in docs])
            ready = [d for d in docs if (d.id, d.version) in done]
            if ready:
                checkpoint = checkpoint or Checkpoint(checkpoint_path)
                checkpoint.mark_published(ready)
                settled += len(ready)
            rest = [d for d in docs if (d.id, d.version) not in done]
            if rest:
                tmp = path.with_suffix(".tmp")
                tmp.write_text(
                    "".join(json.dumps(dataclasses.asdict(d), ensure_ascii=False) + "\n" for d in rest),
                    "utf-8",
                )
                os.replace(tmp, path)
            else:
                path.unlink()
    finally:
        if checkpoint is not None:
            checkpoint.close()
    return settled
