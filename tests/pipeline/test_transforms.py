"""The Beam wrappers, run on Beam's own test harness: each DoFn is the one path plus routing."""

from __future__ import annotations

import base64
import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import apache_beam as beam
from apache_beam.testing import test_pipeline
from apache_beam.testing.util import assert_that, equal_to

from govwatch.config import Settings, SourceConfig, load_settings
from govwatch.connectors.checkpoint import Checkpoint
from govwatch.connectors.poll import source_key
from govwatch.messages import decode
from govwatch.pipeline.process import local_document, process_document
from govwatch.pipeline.tag import load_lexicon
from govwatch.pipeline.transforms import DEADLETTER_TAG, DueSourcesFn, ProcessDocumentFn
from tests.support.lexicon import ZQS_PARTIES, ZQS_TEXT, zqs_lexicon_folder

PAGE = (
    "<!DOCTYPE html><html lang='en'><head><title>MoU signed</title></head><body><main><article>"
    "<h1>MoU signed</h1><p>The department signed a memorandum of understanding with Acme Ltd today, "
    "worth £3 million over three years, to work together on artificial intelligence.</p>"
    "</article></main></body></html>"
)


def _announcement(element: tuple[Any, bytes, bytes]) -> tuple[str, str, str]:
    _doc, key, value = element
    message = decode("announcement", value)
    return key.decode("utf-8"), message["title"], message["content_hash"]


def _deadletter(element: tuple[Any, bytes, bytes]) -> tuple[str, str, str, bool]:
    doc, key, value = element
    record = decode("deadletter", value)
    payload = base64.b64decode(record["payload_base64"]).decode("utf-8")
    return key.decode("utf-8"), record["stage"], payload, doc is not None


def test_documents_become_announcements_and_a_refused_one_a_dead_letter(settings: Settings) -> None:
    good = local_document(PAGE, url="https://www.gov.uk/government/news/mou-signed")
    # Version 0 breaks the announcement schema (versions start at 1): refused at validation.
    refused = dataclasses.replace(good, id="refused", version=0)
    expected = process_document(good, lexicon=load_lexicon())
    with test_pipeline.TestPipeline() as pipeline:
        out = (
            pipeline
            | beam.Create([good, refused])
            | beam.ParDo(ProcessDocumentFn(settings.tagging.lexicon_dirs)).with_outputs(
                DEADLETTER_TAG, main="messages"
            )
        )
        assert_that(
            out.messages | "Read" >> beam.Map(_announcement),
            equal_to([(good.id, expected["title"], expected["content_hash"])]),
            label="Announcements",
        )
        assert_that(
            out[DEADLETTER_TAG] | "ReadDead" >> beam.Map(_deadletter),
            equal_to([("refused", "validate", PAGE, True)]),
            label="DeadLetters",
        )


def _parties(element: tuple[Any, bytes, bytes]) -> list[tuple[str, ...]]:
    return [tuple(p["parties"]) for p in decode("announcement", element[2])["partnerships"]]


def test_the_settings_lexicon_folders_reach_tagging_in_the_workers(tmp_path: Path) -> None:
    config = tmp_path / "govwatch.toml"
    config.write_text(f"[tagging]\nlexicon_dirs = ['{zqs_lexicon_folder(tmp_path)}']\n")
    settings = load_settings(config, env={}, db_path=tmp_path / "govwatch.duckdb")
    doc = local_document(ZQS_TEXT, url="https://www.gov.uk/government/news/zqs")
    with test_pipeline.TestPipeline() as pipeline:
        out = (
            pipeline
            | beam.Create([doc])
            | beam.ParDo(ProcessDocumentFn(settings.tagging.lexicon_dirs)).with_outputs(
                DEADLETTER_TAG, main="messages"
            )
        )
        assert_that(out.messages | beam.Map(_parties), equal_to([[ZQS_PARTIES]]))


def test_only_sources_that_are_due_are_emitted_on_a_tick(tmp_path: Path, settings: Settings) -> None:
    sources = tuple(
        SourceConfig(name=name, kind="rss", url=f"http://127.0.0.1:9/{name}.xml", interval_s=600)
        for name in ("due", "polled")
    )
    settings = dataclasses.replace(settings, sources=sources)
    now = datetime.now(UTC)
    with Checkpoint(settings.checkpoint_path) as checkpoint:
        checkpoint.record_poll_started(
            source_key(sources[1], settings), name="polled", at=now, next_poll=now + timedelta(hours=1)
        )
    with test_pipeline.TestPipeline() as pipeline:
        names = pipeline | beam.Create([0]) | beam.ParDo(DueSourcesFn(settings))
        assert_that(names, equal_to(["due"]))
