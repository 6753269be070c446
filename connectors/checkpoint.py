"""The connectors' durable memory: what was published, feed validators, source backoff, backfill positions.

It is an SQLite file in WAL mode, written one transaction at a time (`BEGIN IMMEDIATE`), so it survives
`kill -9` and is safe for several processes: `govwatch backfill` may run beside `govwatch run`.

The rule that keeps delivery at-least-once with stable versions: what a poll *yields* is only staged;
the checkpoint moves forward only in `mark_published`, called after Kafka acknowledged the documents. If
the process dies in between, the next poll yields the same documents again with the same version numbers
(staged versions are reused), and downstream dedupes on (id, version). Things whose saving would hide
unpublished documents (a feed's ETag, which turns the next poll into a 304; a backfill's page position)
are staged as *marks* listing the documents they wait for, and applied when the last of them is published.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from govwatch.closing import Closing
from govwatch.connectors.dates import format_utc, parse_utc
from govwatch.connectors.feeds import entry_marker
from govwatch.connectors.records import FetchedDocument
from govwatch.errors import SourceError

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 30_000
RECENT_DOCUMENTS_MAX = 256
# ...and at most this many characters of payload between them: a page may be up to `[http] max_bytes`
# (10 MiB), and 256 newsroom pages of ~200 KB would keep 50 MB for a reuse that is a convenience.
RECENT_DOCUMENTS_MAX_CHARS = 8 * 1024 * 1024
RECENT_DOCUMENTS_TTL_S = 600.0
MARK_VALIDATORS = "validators"
MARK_BACKFILL = "backfill"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, version INTEGER NOT NULL, updated_at TEXT, payload_hash TEXT NOT NULL,
    url TEXT NOT NULL, published_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS urls (url TEXT PRIMARY KEY, doc_id TEXT NOT NULL, marker TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS staged_versions (
    doc_id TEXT NOT NULL, version INTEGER NOT NULL, updated_at TEXT, payload_hash TEXT NOT NULL,
    staged_at TEXT NOT NULL, PRIMARY KEY (doc_id, version));
CREATE TABLE IF NOT EXISTS gone (
    url TEXT PRIMARY KEY, marker TEXT NOT NULL, status INTEGER, reason TEXT NOT NULL,
    recorded_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
    source TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, failures INTEGER NOT NULL DEFAULT 0,
    next_due TEXT, last_error TEXT, name TEXT, last_poll TEXT, last_success TEXT, next_poll TEXT,
    items_seen INTEGER NOT NULL DEFAULT 0, last_new INTEGER NOT NULL DEFAULT 0,
    last_updated INTEGER NOT NULL DEFAULT 0, last_unchanged INTEGER NOT NULL DEFAULT 0,
    last_failed INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS marks (key TEXT PRIMARY KEY, kind TEXT NOT NULL, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS mark_items (
    key TEXT NOT NULL, doc_id TEXT NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (key, doc_id, version));
CREATE TABLE IF NOT EXISTS backfills (key TEXT PRIMARY KEY, value TEXT NOT NULL, saved_at TEXT NOT NULL);
"""
# Columns later versions added to `sources`; an older checkpoint gains them when opened.
_SOURCE_COLUMNS_ADDED = (
    "name TEXT",
    "last_poll TEXT",
    "last_success TEXT",
    "next_poll TEXT",
    "items_seen INTEGER NOT NULL DEFAULT 0",
    "last_new INTEGER NOT NULL DEFAULT 0",
    "last_updated INTEGER NOT NULL DEFAULT 0",
    "last_unchanged INTEGER NOT NULL DEFAULT 0",
    "last_failed INTEGER NOT NULL DEFAULT 0",
)
_SOURCE_FIELDS = (
    "etag, last_modified, failures, next_due, last_error, name, last_poll, last_success, next_poll, "
    "items_seen, last_new, last_updated, last_unchanged, last_failed"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceState:
    """Per-source state, keyed by what is polled (kind + URL): conditional-GET validators, the schedule,
    backoff after failures, and what the last poll found (for `govwatch status` and `run --once`)."""

    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0
    next_due: datetime | None = None  # backing off until then after `failures` failures
    last_error: str = ""
    name: str = ""
    last_poll: datetime | None = None
    last_success: datetime | None = None
    next_poll: datetime | None = None  # when the interval (with jitter) makes it due again
    items_seen: int = 0
    last_new: int = 0
    last_updated: int = 0
    last_unchanged: int = 0
    last_failed: int = 0


class Checkpoint(Closing):
    """Durable connector state in one SQLite file; safe to share between threads and processes.

    Args:
        path: the SQLite file (created with its folder when missing).

    Raises:
        SourceError: the file cannot be opened or is not a checkpoint database.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._recent: OrderedDict[tuple[str, str], tuple[float, FetchedDocument]] = OrderedDict()
        self._recent_chars = 0
        try:
            self._db = sqlite3.connect(
                str(self.path), isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
            )
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = FULL")
            with self._write() as db:
                for statement in _statements(_SCHEMA):
                    db.execute(statement)
                _add_missing_columns(db, "sources", _SOURCE_COLUMNS_ADDED)
        except sqlite3.DatabaseError as exc:
            raise SourceError(
                f"cannot open checkpoint {self.path}: {exc}; move the file aside to start over"
            ) from exc

    def close(self) -> None:
        """Close the database; everything was already committed."""
        with self._lock:
            self._db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken with the write lock up front so concurrent writers queue."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return list(self._db.execute(sql, params).fetchall())

    # -- documents -------------------------------------------------------------------------------

    def is_unchanged(self, url: str, marker: str, *, content_id: str = "") -> bool:
        """Say whether a feed or search entry was already published as it is now (no fetch needed).

        True when the canonical `url` was published with the same entry marker (updated date, or digest
        of an undated entry), or the known `content_id` was published with `marker` as its update time.
        """
        if content_id and self._read(
            "SELECT 1 FROM documents WHERE doc_id = ? AND updated_at = ?", (content_id, marker)
        ):
            return True
        return bool(self._read("SELECT 1 FROM urls WHERE url = ? AND marker = ?", (url, marker)))

    def published_version(self, doc_id: str) -> int:
        """The highest published version of a document (0 when never published)."""
        rows = self._read("SELECT version FROM documents WHERE doc_id = ?", (doc_id,))
        return int(rows[0][0]) if rows else 0

    def assign_version(self, doc_id: str, *, updated_at: str | None, payload_hash: str) -> int | None:
        """Decide the version of a fetched document, or None when it is exactly what was published.

        The same (updated, hash) staged earlier and not yet published gets the same version again (a
        crash between poll and publish must not renumber); anything new gets one more than every
        version published or staged, globally per document id across sources and processes.
        """
        with self._write() as db:
            row = db.execute(
                "SELECT version, updated_at, payload_hash FROM documents WHERE doc_id = ?", (doc_id,)
            ).fetchone()
            if row and row[1] == updated_at and row[2] == payload_hash:
                return None
            staged = db.execute(
                "SELECT version FROM staged_versions WHERE doc_id = ? AND updated_at IS ?"
                " AND payload_hash = ? AND version > ? ORDER BY version LIMIT 1",
                (doc_id, updated_at, payload_hash, row[0] if row else 0),
            ).fetchone()
            if staged:
                return int(staged[0])
            highest = db.execute(
                "SELECT MAX(version) FROM staged_versions WHERE doc_id = ?", (doc_id,)
            ).fetchone()[0]
            version = max(int(row[0]) if row else 0, int(highest or 0)) + 1
            db.execute(
                "INSERT INTO staged_versions VALUES (?, ?, ?, ?, ?)",
                (doc_id, version, updated_at, payload_hash, _now()),
            )
            return version

    def touch_url(self, url: str, *, doc_id: str, marker: str) -> None:
        """Remember that an entry marker maps to an already-published, unchanged document.

        Safe to write at once: nothing unpublished hides behind it.
        """
        with self._write() as db:
            db.execute("INSERT OR REPLACE INTO urls VALUES (?, ?, ?)", (url, doc_id, marker))

    def mark_published(self, docs: Sequence[FetchedDocument]) -> None:
        """Record documents as delivered; call only after Kafka acknowledged them.

        Advances every document's version, remembers its URL and entry marker (so the next poll skips it
        without fetching), and applies each staged mark (feed validators, backfill position) whose last
        pending document this was. Call it for dead-lettered documents too: they were delivered.
        """
        if not docs:
            return
        with self._write() as db:
            for doc in docs:
                self._publish_one(db, doc)
            self._apply_ready_marks(db)

    def _publish_one(self, db: sqlite3.Connection, doc: FetchedDocument) -> None:
        staged = db.execute(
            "SELECT updated_at, payload_hash FROM staged_versions WHERE doc_id = ? AND version = ?",
            (doc.id, doc.version),
        ).fetchone()
        updated_at = staged[0] if staged else doc.feed_updated_at
        current = db.execute("SELECT version FROM documents WHERE doc_id = ?", (doc.id,)).fetchone()
        if current is None or int(current[0]) <= doc.version:
            db.execute(
                "INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?)",
                (doc.id, doc.version, updated_at, doc.payload_hash, doc.url, _now()),
            )
        marker = entry_marker(doc.feed_updated_at, doc.feed_title, doc.feed_summary)
        db.execute("INSERT OR REPLACE INTO urls VALUES (?, ?, ?)", (doc.url, doc.id, marker))
        db.execute("DELETE FROM staged_versions WHERE doc_id = ? AND version <= ?", (doc.id, doc.version))
        db.execute("DELETE FROM mark_items WHERE doc_id = ? AND version <= ?", (doc.id, doc.version))

    # -- documents fetched by this process and not yet published (memory only) ---------------------

    def remember(self, marker: str, doc: FetchedDocument) -> None:
        """Keep a just-fetched document for a while, so another feed listing the same entry reuses it.

        Memory only, never persisted: after a restart everything unpublished is fetched again. The
        newest `RECENT_DOCUMENTS_MAX` documents are kept, within `RECENT_DOCUMENTS_MAX_CHARS` of
        payload (a page bigger than that alone is not kept: it is fetched again if listed again).
        """
        with self._lock:
            self._forget((doc.url, marker))
            if len(doc.payload) > RECENT_DOCUMENTS_MAX_CHARS:
                return
            self._recent[(doc.url, marker)] = (time.monotonic(), doc)
            self._recent_chars += len(doc.payload)
            while len(self._recent) > RECENT_DOCUMENTS_MAX or self._recent_chars > RECENT_DOCUMENTS_MAX_CHARS:
                self._forget(next(iter(self._recent)))

    def _forget(self, key: tuple[str, str]) -> None:
        found = self._recent.pop(key, None)
        if found is not None:
            self._recent_chars -= len(found[1].payload)

    def recent_documents(self) -> tuple[int, int]:
        """How many fetched documents are kept for reuse, and their characters of payload."""
        with self._lock:
            return len(self._recent), self._recent_chars

    def recall(self, url: str, marker: str) -> FetchedDocument | None:
        """A document this process fetched for the same entry in the last few minutes, if any."""
        with self._lock:
            found = self._recent.get((url, marker))
            if found is None:
                return None
            if time.monotonic() - found[0] > RECENT_DOCUMENTS_TTL_S:
                self._forget((url, marker))
                return None
            return found[1]

    # -- withdrawn / gone articles ------------------------------------------------------------------

    def record_gone(self, url: str, *, marker: str, status: int | None, reason: str) -> None:
        """Remember that an article answered 404/410, so the same entry is not fetched again."""
        with self._write() as db:
            db.execute(
                "INSERT OR REPLACE INTO gone VALUES (?, ?, ?, ?, ?)", (url, marker, status, reason, _now())
            )

    def is_gone(self, url: str, marker: str) -> bool:
        """True when this entry (same URL, same marker) was found gone; a newer entry is tried again."""
        return bool(self._read("SELECT 1 FROM gone WHERE url = ? AND marker = ?", (url, marker)))

    # -- sources ---------------------------------------------------------------------------------

    def source_state(self, source: str) -> SourceState:
        """Validators, schedule and backoff state of a source key (defaults when never polled)."""
        rows = self._read(f"SELECT {_SOURCE_FIELDS} FROM sources WHERE source = ?", (source,))
        return _source_state(rows[0]) if rows else SourceState()

    def source_states(self) -> dict[str, SourceState]:
        """Every source key's state, for status pages and the streaming scheduler."""
        rows = self._read(f"SELECT source, {_SOURCE_FIELDS} FROM sources")
        return {str(row[0]): _source_state(row[1:]) for row in rows}

    def record_poll_started(self, source: str, *, name: str, at: datetime, next_poll: datetime) -> None:
        """Claim a poll: it is running now, and the source is next due at `next_poll`."""
        with self._write() as db:
            _ensure_source(db, source)
            db.execute(
                "UPDATE sources SET name = ?, last_poll = ?, next_poll = ? WHERE source = ?",
                (name, format_utc(at), format_utc(next_poll), source),
            )

    def record_source_success(
        self,
        source: str,
        *,
        at: datetime | None = None,
        new: int = 0,
        updated: int = 0,
        unchanged: int = 0,
        failed: int = 0,
    ) -> None:
        """Clear a source's failure count and backoff, and keep what this poll found."""
        with self._write() as db:
            _ensure_source(db, source)
            db.execute(
                "UPDATE sources SET failures = 0, next_due = NULL, last_error = NULL, last_success = ?, "
                "items_seen = items_seen + ?, last_new = ?, last_updated = ?, last_unchanged = ?, "
                "last_failed = ? WHERE source = ?",
                (format_utc(at or datetime.now(UTC)), new + updated, new, updated, unchanged, failed, source),
            )

    def record_source_failure(
        self, source: str, *, reason: str, backoff_s: Iterable[float], now: datetime
    ) -> int:
        """Count one more failure of a source and set when it is next due; returns the failure count.

        `backoff_s` gives the delay for the 1st, 2nd, ... consecutive failure (the last one repeats).
        """
        delays = list(backoff_s) or [0.0]
        with self._write() as db:
            _ensure_source(db, source)
            failures = (
                int(db.execute("SELECT failures FROM sources WHERE source = ?", (source,)).fetchone()[0]) + 1
            )
            delay = delays[min(failures, len(delays)) - 1]
            next_due = format_utc(datetime.fromtimestamp(now.timestamp() + delay, tz=UTC))
            db.execute(
                "UPDATE sources SET failures = ?, next_due = ?, last_error = ?, last_new = 0, "
                "last_updated = 0, last_unchanged = 0, last_failed = 0 WHERE source = ?",
                (failures, next_due, reason[:500], source),
            )
            return failures

    # -- marks: state that waits for documents to be published -------------------------------------

    def stage_mark(
        self, key: str, *, kind: str, value: dict[str, Any], waits_for: Iterable[tuple[str, int]], merge: bool
    ) -> bool:
        """Stage state to save once the listed (id, version) documents are published; True if saved now.

        Args:
            key: what the mark saves, e.g. "validators:<source>" or "backfill:<query>".
            kind: MARK_VALIDATORS or MARK_BACKFILL.
            value: the state to save (validators, or a backfill position).
            waits_for: documents yielded with this state and not known to be published.
            merge: keep waiting for the documents an earlier staged mark of the same key waited for (a
                backfill position may not pass an unpublished earlier page); else replace them (a new
                feed response re-yields whatever is still unpublished).
        """
        with self._write() as db:
            if not merge:
                db.execute("DELETE FROM mark_items WHERE key = ?", (key,))
            db.execute("INSERT OR REPLACE INTO marks VALUES (?, ?, ?)", (key, kind, json.dumps(value)))
            for doc_id, version in waits_for:
                published = db.execute(
                    "SELECT 1 FROM documents WHERE doc_id = ? AND version >= ?", (doc_id, version)
                ).fetchone()
                if not published:
                    db.execute("INSERT OR IGNORE INTO mark_items VALUES (?, ?, ?)", (key, doc_id, version))
            return key in self._apply_ready_marks(db)

    def discard_mark(self, key: str) -> None:
        """Drop a staged mark (e.g. validators of a response whose articles could not all be fetched)."""
        with self._write() as db:
            db.execute("DELETE FROM mark_items WHERE key = ?", (key,))
            db.execute("DELETE FROM marks WHERE key = ?", (key,))

    def backfill_position(self, key: str) -> dict[str, Any] | None:
        """The saved position of a backfill (as staged by the poller), or None when it never advanced."""
        rows = self._read("SELECT value FROM backfills WHERE key = ?", (key,))
        return dict(json.loads(rows[0][0])) if rows else None

    def _apply_ready_marks(self, db: sqlite3.Connection) -> set[str]:
        ready = db.execute(
            "SELECT key, kind, value FROM marks WHERE key NOT IN (SELECT key FROM mark_items)"
        ).fetchall()
        for key, kind, value in ready:
            data = json.loads(value)
            if kind == MARK_VALIDATORS:
                source = key.split(":", 1)[1]
                _ensure_source(db, source)
                db.execute(
                    "UPDATE sources SET etag = ?, last_modified = ? WHERE source = ?",
                    (data.get("etag"), data.get("last_modified"), source),
                )
            elif kind == MARK_BACKFILL:
                db.execute("INSERT OR REPLACE INTO backfills VALUES (?, ?, ?)", (key, value, _now()))
            db.execute("DELETE FROM marks WHERE key = ?", (key,))
            log.debug("checkpoint saved %s %s", kind, key)
        return {str(row[0]) for row in ready}


def _source_state(row: Sequence[Any]) -> SourceState:
    (etag, last_modified, failures, next_due, last_error, name, last_poll, last_success, next_poll) = row[:9]
    seen, new, updated, unchanged, failed = (int(v or 0) for v in row[9:14])
    return SourceState(
        etag=etag,
        last_modified=last_modified,
        failures=int(failures),
        next_due=parse_utc(next_due) if next_due else None,
        last_error=last_error or "",
        name=name or "",
        last_poll=parse_utc(last_poll) if last_poll else None,
        last_success=parse_utc(last_success) if last_success else None,
        next_poll=parse_utc(next_poll) if next_poll else None,
        items_seen=seen,
        last_new=new,
        last_updated=updated,
        last_unchanged=unchanged,
        last_failed=failed,
    )


def _add_missing_columns(db: sqlite3.Connection, table: str, columns: Sequence[str]) -> None:
    present = {str(row[1]) for row in db.execute(f"PRAGMA table_info({table})")}
    for column in columns:
        if column.split()[0] not in present:
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column}")


def _ensure_source(db: sqlite3.Connection, source: str) -> None:
    db.execute("INSERT OR IGNORE INTO sources (source, failures) VALUES (?, 0)", (source,))


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def _now() -> str:
    return format_utc(datetime.now(UTC))
