"""Checkpoint: versions, publication, staged marks, backoff; durable across kill -9 and shared by processes."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from govwatch.connectors.checkpoint import (
    MARK_BACKFILL,
    MARK_VALIDATORS,
    RECENT_DOCUMENTS_MAX,
    RECENT_DOCUMENTS_MAX_CHARS,
    Checkpoint,
)
from govwatch.connectors.records import FetchedDocument
from govwatch.errors import SourceError

REPO = Path(__file__).parents[2]


def doc(
    doc_id: str, version: int, *, digest: str = "h1", updated: str | None = "2025-07-21T22:30:00Z"
) -> FetchedDocument:
    return FetchedDocument(
        id=doc_id,
        version=version,
        url=f"https://www.gov.uk/government/news/{doc_id}",
        source="dsit",
        fetched_at="2025-07-22T00:00:00Z",
        payload_kind="content_api",
        payload="{}",
        payload_hash=digest,
        feed_title=f"title {doc_id}",
        feed_updated_at=updated,
    )


@pytest.fixture
def checkpoint(tmp_path: Path) -> Iterator[Checkpoint]:
    cp = Checkpoint(tmp_path / "state" / "cp.sqlite")
    yield cp
    cp.close()


def test_new_document_is_version_1_and_stays_1_until_published(checkpoint: Checkpoint) -> None:
    assert checkpoint.assign_version("a", updated_at="t1", payload_hash="h1") == 1
    assert checkpoint.assign_version("a", updated_at="t1", payload_hash="h1") == 1


def test_published_unchanged_document_gets_no_version(checkpoint: Checkpoint) -> None:
    checkpoint.assign_version("a", updated_at="t1", payload_hash="h1")
    checkpoint.mark_published([doc("a", 1, updated="t1")])
    assert checkpoint.assign_version("a", updated_at="t1", payload_hash="h1") is None
    assert checkpoint.published_version("a") == 1


@pytest.mark.parametrize(("updated", "digest"), [("t2", "h1"), ("t1", "h2")], ids=["new date", "new hash"])
def test_changed_date_or_hash_is_a_new_version(checkpoint: Checkpoint, updated: str, digest: str) -> None:
    checkpoint.assign_version("a", updated_at="t1", payload_hash="h1")
    checkpoint.mark_published([doc("a", 1, updated="t1")])
    assert checkpoint.assign_version("a", updated_at=updated, payload_hash=digest) == 2


def test_two_different_unpublished_changes_get_distinct_versions(checkpoint: Checkpoint) -> None:
    assert checkpoint.assign_version("a", updated_at="t1", payload_hash="h1") == 1
    assert checkpoint.assign_version("a", updated_at="t1", payload_hash="h2") == 2
    assert checkpoint.assign_version("a", updated_at="t1", payload_hash="h1") == 1


def test_publishing_an_older_version_after_a_newer_one_keeps_the_newer(checkpoint: Checkpoint) -> None:
    checkpoint.mark_published([doc("a", 3, digest="h3")])
    checkpoint.mark_published([doc("a", 2, digest="h2")])
    assert checkpoint.published_version("a") == 3


def test_unchanged_entry_is_known_by_url_marker_or_content_id(checkpoint: Checkpoint) -> None:
    d = doc("a", 1)
    checkpoint.assign_version("a", updated_at="2025-07-21T22:30:00Z", payload_hash="h1")
    assert not checkpoint.is_unchanged(d.url, "2025-07-21T22:30:00Z")
    checkpoint.mark_published([d])
    assert checkpoint.is_unchanged(d.url, "2025-07-21T22:30:00Z")
    assert not checkpoint.is_unchanged(d.url, "2025-07-22T09:00:00Z")
    assert checkpoint.is_unchanged("https://elsewhere.example/a", "2025-07-21T22:30:00Z", content_id="a")


def test_validators_mark_waits_for_its_documents(checkpoint: Checkpoint) -> None:
    checkpoint.assign_version("a", updated_at="t", payload_hash="h1")
    checkpoint.assign_version("b", updated_at="t", payload_hash="h1")
    saved = checkpoint.stage_mark(
        "validators:dsit",
        kind=MARK_VALIDATORS,
        value={"etag": '"e1"'},
        waits_for=[("a", 1), ("b", 1)],
        merge=False,
    )
    assert not saved and checkpoint.source_state("dsit").etag is None
    checkpoint.mark_published([doc("a", 1)])
    assert checkpoint.source_state("dsit").etag is None
    checkpoint.mark_published([doc("b", 1)])
    assert checkpoint.source_state("dsit").etag == '"e1"'


def test_mark_with_nothing_pending_is_saved_at_once(checkpoint: Checkpoint) -> None:
    assert checkpoint.stage_mark(
        "validators:dsit", kind=MARK_VALIDATORS, value={"last_modified": "x"}, waits_for=[], merge=False
    )
    assert checkpoint.source_state("dsit").last_modified == "x"


def test_backfill_position_never_passes_an_unpublished_earlier_page(checkpoint: Checkpoint) -> None:
    key = "backfill:q"
    checkpoint.stage_mark(key, kind=MARK_BACKFILL, value={"start": 2}, waits_for=[("a", 1)], merge=True)
    checkpoint.stage_mark(key, kind=MARK_BACKFILL, value={"start": 4}, waits_for=[("c", 1)], merge=True)
    checkpoint.mark_published([doc("c", 1)])
    assert checkpoint.backfill_position(key) is None
    checkpoint.mark_published([doc("a", 1)])
    assert checkpoint.backfill_position(key) == {"start": 4}


def test_source_failures_back_off_by_the_given_schedule(checkpoint: Checkpoint) -> None:
    now = datetime(2025, 7, 22, 12, 0, tzinfo=UTC)
    assert checkpoint.record_source_failure("s", reason="HTTP 500", backoff_s=[10, 20], now=now) == 1
    assert checkpoint.source_state("s").next_due == datetime(2025, 7, 22, 12, 0, 10, tzinfo=UTC)
    checkpoint.record_source_failure("s", reason="HTTP 500", backoff_s=[10, 20], now=now)
    checkpoint.record_source_failure("s", reason="HTTP 500", backoff_s=[10, 20], now=now)
    state = checkpoint.source_state("s")
    assert state.failures == 3 and state.next_due == datetime(2025, 7, 22, 12, 0, 20, tzinfo=UTC)
    checkpoint.record_source_success("s")
    assert checkpoint.source_state("s").failures == 0 and checkpoint.source_state("s").next_due is None


def test_gone_entry_is_remembered_until_the_entry_changes(checkpoint: Checkpoint) -> None:
    checkpoint.record_gone("https://x/a", marker="t1", status=410, reason="HTTP 410")
    assert checkpoint.is_gone("https://x/a", "t1") and not checkpoint.is_gone("https://x/a", "t2")


def test_not_a_database_is_a_source_error(tmp_path: Path) -> None:
    path = tmp_path / "cp.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(SourceError):
        Checkpoint(path)


def test_publication_survives_kill_9(tmp_path: Path) -> None:
    path = tmp_path / "cp.sqlite"
    script = (
        "import os, signal\n"
        "from pathlib import Path\n"
        "from govwatch.connectors.checkpoint import Checkpoint\n"
        "from govwatch.connectors.records import FetchedDocument\n"
        f"cp = Checkpoint(Path({str(path)!r}))\n"
        "cp.assign_version('a', updated_at='t', payload_hash='h')\n"
        "cp.mark_published([FetchedDocument(id='a', version=1, url='u', source='s', fetched_at='f',"
        " payload_kind='html', payload='p', payload_hash='h', feed_updated_at='t')])\n"
        "cp.assign_version('b', updated_at='t', payload_hash='h')\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, timeout=60)
    assert result.returncode == -9, result.stderr.decode()
    reopened = Checkpoint(path)
    assert reopened.published_version("a") == 1
    assert reopened.published_version("b") == 0
    assert reopened.assign_version("b", updated_at="t", payload_hash="h") == 1
    reopened.close()


def test_two_processes_and_threads_can_publish_into_one_checkpoint(tmp_path: Path) -> None:
    path = tmp_path / "cp.sqlite"
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from govwatch.connectors.checkpoint import Checkpoint\n"
        "from govwatch.connectors.records import FetchedDocument\n"
        f"cp = Checkpoint(Path({str(path)!r}))\n"
        "for i in range(40):\n"
        "    v = cp.assign_version('shared', updated_at=f'p{i}', payload_hash=sys.argv[1])\n"
        "    cp.mark_published([FetchedDocument(id=f'{sys.argv[1]}-{i}', version=1, url=f'u{sys.argv[1]}{i}',"
        " source='s', fetched_at='f', payload_kind='html', payload='p', payload_hash='h')])\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, name], cwd=REPO, stderr=subprocess.PIPE)
        for name in ("run", "backfill")
    ]
    local = Checkpoint(path)

    def publish(n: int) -> None:
        for i in range(20):
            local.mark_published([doc(f"t{n}-{i}", 1)])

    threads = [threading.Thread(target=publish, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    assert all(local.published_version(f"{name}-{i}") == 1 for name in ("run", "backfill") for i in range(40))
    assert all(local.published_version(f"t{n}-{i}") == 1 for n in range(3) for i in range(20))
    staged = local.assign_version("shared", updated_at="final", payload_hash="final")
    assert staged == 81  # 80 distinct staged versions from the two processes, none reused
    local.close()


def test_discarded_mark_is_never_applied(checkpoint: Checkpoint) -> None:
    checkpoint.stage_mark(
        "validators:s", kind=MARK_VALIDATORS, value={"etag": "e"}, waits_for=[("a", 1)], merge=False
    )
    checkpoint.discard_mark("validators:s")
    checkpoint.mark_published([doc("a", 1)])
    assert checkpoint.source_state("s").etag is None


def test_documents_kept_for_reuse_are_bounded_in_number_and_size(checkpoint: Checkpoint) -> None:
    """256 newsroom pages of 100,000 characters were all kept (25 MB) until they aged out."""
    page = "x" * 100_000
    for n in range(300):
        checkpoint.remember(f"m{n}", replace(doc(f"d{n}", 1), payload=page))
        count, chars = checkpoint.recent_documents()
        assert count <= RECENT_DOCUMENTS_MAX and chars <= RECENT_DOCUMENTS_MAX_CHARS
    assert chars == count * len(page) and count == RECENT_DOCUMENTS_MAX_CHARS // len(page)
    newest = doc("d299", 1)
    assert checkpoint.recall(newest.url, "m299") is not None  # the newest stay
    assert checkpoint.recall(doc("d0", 1).url, "m0") is None  # the oldest went first
    checkpoint.remember("m299", replace(newest, payload="{}"))  # the same entry again replaces it
    assert checkpoint.recent_documents() == (count, chars - len(page) + 2)
    checkpoint.remember("big", replace(doc("big", 1), payload="x" * (RECENT_DOCUMENTS_MAX_CHARS + 1)))
    assert checkpoint.recall(doc("big", 1).url, "big") is None  # bigger than the bound alone: not kept
    assert checkpoint.recent_documents() == (count, chars - len(page) + 2)
