"""Fixtures for the web page tests: a real DuckDB file filled through the real loader, and the app on it."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from govwatch.config import Settings, SourceConfig
from govwatch.connectors.checkpoint import Checkpoint
from govwatch.connectors.poll import source_key
from govwatch.db import connect_writer
from govwatch.messages import deadletter_record
from govwatch.serve.app import create_app
from govwatch.status import RunState, write_run_state
from govwatch.store.deadletters import store_deadletter
from govwatch.store.loader import AnnouncementLoader
from tests.support.announcements import as_consumed, make_announcement, money_figure

HOSTILE_TITLE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> "\'><b>bold</b>'
HOSTILE_BODY = (
    "Evil Corp</mark><script>window.__pwned=3</script> signed a memorandum of understanding "
    "with \"'><svg onload=window.__pwned=4> for £5 million & more <iframe src=javascript:alert(1)>."
)


def store(settings: Settings, messages: list[dict[str, Any]]) -> None:
    """Store announcement messages through the loader, in one transaction, as a run would."""
    conn = connect_writer(settings.db_path)
    try:
        conn.execute("BEGIN TRANSACTION")
        AnnouncementLoader().handle(conn, as_consumed(messages))
        conn.execute("COMMIT")
    finally:
        conn.close()


def hostile_announcement() -> dict[str, Any]:
    """An announcement whose title, body, parties and organisation are script and markup."""
    body = HOSTILE_BODY
    start = body.index("memorandum")
    return make_announcement(
        "hostile-1",
        url="javascript:window.__pwned=8",
        canonical_url="jAvAscript:window.__pwned=9",
        title=HOSTILE_TITLE,
        body_text=body,
        summary="<script>window.__pwned=5</script>",
        organisations=["<script>window.__pwned=6</script>"],
        partnerships=[
            {
                "kind": "memorandum_of_understanding",
                "parties": ["Evil Corp</td><script>window.__pwned=7</script>", "UK Government"],
                "status": "signed",
                "signatories": [],
                "legal_nature": None,
                "date": None,
                "evidence": [
                    {"sentence": body, "start": start, "end": start + len("memorandum of understanding")}
                ],
            }
        ],
        figures=[
            {
                "kind": "money",
                "value": 5e6,
                "value_max": None,
                "currency": "GBP",
                "unit": None,
                "qualifier": None,
                "text": "£5 million",
                "purpose": None,
                "evidence": {"sentence": body, "start": body.index("£5"), "end": body.index("£5") + 10},
            }
        ],
        entities=[
            {
                "kind": "organisation",
                "name": "Evil Corp</td><script>window.__pwned=7</script>",
                "role": None,
                "evidence": {"sentence": body, "start": 0, "end": len("Evil Corp</mark>")},
            }
        ],
        topics=["<script>x</script>"],
    )


def sample_messages() -> list[dict[str, Any]]:
    """Announcements that differ in every filtered field, one with two versions, one hostile."""
    body = "The UK Government and Example AI signed a memorandum of understanding worth £2 billion."
    mou = body.index("memorandum")
    figure = body.index("£2")
    first = make_announcement(
        "doc-mou",
        version=1,
        body_text=body,
        partnerships=[
            {
                "kind": "memorandum_of_understanding",
                "parties": ["UK Government", "Example AI"],
                "status": "announced",
                "signatories": [],
                "legal_nature": None,
                "date": None,
                "evidence": [{"sentence": body, "start": mou, "end": mou + 27}],
            }
        ],
        figures=[money_figure(2e9, {"sentence": body, "start": figure, "end": figure + 10})],
        entities=[
            {
                "kind": "organisation",
                "name": "Example AI",
                "role": None,
                "evidence": {
                    "sentence": body,
                    "start": body.index("Example"),
                    "end": body.index("Example") + 10,
                },
            }
        ],
    )
    second = dict(first, version=2, updated_at="2025-07-25T10:00:00+01:00")
    second["partnerships"] = [
        dict(first["partnerships"][0], status="signed", parties=["UK Government", "Example AI", "Other Ltd"])
    ]
    grant = make_announcement(
        "doc-grant",
        title="Grants for quantum skills in Wales",
        body_text="Welsh Government awarded grants to universities for quantum skills.",
        published_at="2025-03-02T09:00:00+00:00",
        updated_at=None,
        organisations=["Welsh Government"],
        partnerships=[
            {
                "kind": "grant",
                "parties": ["Welsh Government", "Cardiff University"],
                "status": "awarded",
                "signatories": [],
                "legal_nature": None,
                "date": None,
                "evidence": [{"sentence": "Welsh Government awarded grants.", "start": 17, "end": 24}],
            }
        ],
        figures=[
            {
                "kind": "money",
                "value": 3e6,
                "value_max": None,
                "currency": "EUR",
                "unit": None,
                "qualifier": None,
                "text": "€3 million",
                "purpose": None,
                "evidence": None,
            }
        ],
        entities=[],
        topics=["quantum"],
    )
    return [first, second, grant, hostile_announcement()]


@pytest.fixture
def filled(settings: Settings) -> Settings:
    store(settings, sample_messages())
    return settings


@pytest.fixture
def client(filled: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(filled)) as test_client:
        yield test_client


HOSTILE_ERROR = "HTTP 500 <script>window.__pwned=10</script>"
BROKEN = SourceConfig(name="broken<b>feed</b>", kind="rss", url="https://news.example/feed.xml")
HEALTHY = SourceConfig(name="dsit", kind="rss", url="https://www.gov.uk/dsit.atom")
UNTOUCHED = SourceConfig(name="later", kind="rss", url="https://later.example/feed.xml")


def watch_sources(filled: Settings) -> Settings:
    """A filled store with three sources: one healthy, one failing and backing off, one never polled;
    a dead letter of today, and a live run that published its lag."""
    settings = replace(filled, sources=(HEALTHY, BROKEN, UNTOUCHED))
    now = datetime.now(UTC)
    with Checkpoint(settings.checkpoint_path) as checkpoint:
        key = source_key(HEALTHY, settings)
        checkpoint.record_poll_started(key, name="dsit", at=now, next_poll=now + timedelta(seconds=60))
        checkpoint.record_source_success(key, at=now, new=4, updated=1, unchanged=15)
        key = source_key(BROKEN, settings)
        checkpoint.record_poll_started(key, name=BROKEN.name, at=now, next_poll=now + timedelta(seconds=60))
        checkpoint.record_source_failure(key, reason=HOSTILE_ERROR, backoff_s=[3600], now=now)
    conn = connect_writer(settings.db_path)
    try:
        store_deadletter(conn, deadletter_record(stage="extract", reason="no body", payload=b"<html>"))
    finally:
        conn.close()
    write_run_state(
        settings.db_path,
        RunState(
            pid=os.getpid(),  # alive: a run file whose process is gone is ignored
            started_at=time.time() - 60,
            updated_at=time.time(),
            lag={"loader": {0: 7, 1: 0}},
        ),
    )
    return settings
