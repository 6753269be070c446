"""The loader stores each (id, version) once and the views show the newest version."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from hypothesis import HealthCheck, given, settings

from govwatch.db import connect_writer
from govwatch.errors import SchemaError
from govwatch.messages import decode
from govwatch.store.loader import AnnouncementLoader, batch_table
from govwatch.store.records import ConsumedMessage
from tests.support.announcements import as_consumed, make_announcement
from tests.support.fuzz import announcement_overrides


def _items(*messages: dict[str, Any]) -> list[tuple[ConsumedMessage, dict[str, Any]]]:
    return as_consumed(list(messages))


def _store(conn: duckdb.DuckDBPyConnection, loader: AnnouncementLoader, *messages: dict[str, Any]) -> int:
    conn.execute("BEGIN TRANSACTION")
    stored = loader.handle(conn, _items(*messages))
    conn.execute("COMMIT")
    return stored


def test_replayed_batch_changes_nothing(tmp_path: Path) -> None:
    conn = connect_writer(tmp_path / "db.duckdb")
    loader = AnnouncementLoader()
    batch = [make_announcement("a", 1), make_announcement("b", 1)]
    assert _store(conn, loader, *batch) == 2
    assert _store(conn, loader, *batch) == 0
    assert conn.execute("select count(*) from announcement_versions").fetchone() == (2,)
    assert conn.execute("select count(*) from partnership_rows").fetchone() == (2,)
    assert conn.execute("select count(*) from figure_rows").fetchone() == (2,)
    assert loader.duplicates == 2


def test_a_batch_bigger_than_the_writers_memory_limit_is_stored(tmp_path: Path) -> None:
    """2,000 messages of ~7 KB parsed at once needed more than a 24 MiB DuckDB (Out of Memory, and the
    same batch again at every restart); in pieces they fit, one transaction still."""
    conn = connect_writer(tmp_path / "db.duckdb", memory_limit="24MiB")
    words = " ".join(f"w{i:05d}" for i in range(1000))
    batch = [make_announcement(f"d{i}", body_text=words) for i in range(2000)]
    batch.append(make_announcement("d7", 1))  # a duplicate in a later piece is still stored once
    assert _store(conn, AnnouncementLoader(), *batch) == 2000
    assert conn.execute("select count(*), count(distinct id) from announcement_versions").fetchone() == (
        2000,
        2000,
    )
    assert conn.execute("select count(*) from partnership_rows").fetchone() == (2000,)


def test_duplicate_within_one_batch_is_stored_once(tmp_path: Path) -> None:
    conn = connect_writer(tmp_path / "db.duckdb")
    assert _store(conn, AnnouncementLoader(), make_announcement("a", 1), make_announcement("a", 1)) == 1
    assert conn.execute("select count(*) from partnerships").fetchone() == (1,)


def test_the_same_version_from_two_sources_stores_the_same_source_whatever_the_order(tmp_path: Path) -> None:
    from_atom = make_announcement("a", 1, source="dsit-atom")
    from_search = make_announcement("a", 1, source="govuk-search")
    stored = []
    for n, order in enumerate([(from_atom, from_search), (from_search, from_atom)]):
        for together in (True, False):
            conn = connect_writer(tmp_path / f"db-{n}-{together}.duckdb")
            loader = AnnouncementLoader()
            if together:
                _store(conn, loader, *order)
            else:
                for message in order:
                    _store(conn, loader, message)
            stored.append(conn.execute("select source from announcement_history").fetchall())
            conn.close()
    assert stored == [[("dsit-atom",)]] * 4


def test_newer_version_replaces_current_row_and_keeps_history(tmp_path: Path) -> None:
    conn = connect_writer(tmp_path / "db.duckdb")
    loader = AnnouncementLoader()
    _store(conn, loader, make_announcement("a", 1))
    _store(conn, loader, make_announcement("a", 2))
    assert conn.execute("select version from announcements where id = 'a'").fetchall() == [(2,)]
    assert conn.execute("select count(*) from announcement_history where id = 'a'").fetchone() == (2,)
    assert conn.execute("select value from figures where announcement_id = 'a'").fetchall() == [(4e9,)]


def test_older_version_arriving_late_does_not_hide_newer(tmp_path: Path) -> None:
    conn = connect_writer(tmp_path / "db.duckdb")
    loader = AnnouncementLoader()
    _store(conn, loader, make_announcement("a", 3))
    _store(conn, loader, make_announcement("a", 2))
    assert conn.execute("select version, title from announcements").fetchall() == [
        (3, "Example announcement a v3")
    ]
    assert conn.execute("select count(*) from announcement_history").fetchone() == (2,)


def test_public_views_have_the_documented_columns(tmp_path: Path) -> None:
    conn = connect_writer(tmp_path / "db.duckdb")
    _store(conn, AnnouncementLoader(), make_announcement("a", 1))
    expected = {
        "announcements": [
            "id",
            "version",
            "url",
            "title",
            "document_type",
            "published_at",
            "updated_at",
            "organisations",
            "summary",
            "body_text",
            "language",
            "repairs",
            "source",
            "fetched_at",
        ],
        "partnerships": ["announcement_id", "kind", "parties", "status", "signatories", "evidence"],
        "figures": ["announcement_id", "kind", "value", "currency", "unit", "qualifier", "text", "evidence"],
        "entities": ["announcement_id", "kind", "name", "role"],
        "topics": ["announcement_id", "topic"],
    }
    for view, columns in expected.items():
        got = [d[0] for d in conn.execute(f"select * from {view} limit 0").description]
        assert got[: len(columns)] == columns, view


def test_timestamps_are_typed_and_lists_are_lists(tmp_path: Path) -> None:
    conn = connect_writer(tmp_path / "db.duckdb")
    _store(conn, AnnouncementLoader(), make_announcement("a", 1))
    row = conn.execute(
        "select a.published_at, a.organisations, p.parties from announcements a join partnerships p on p.announcement_id = a.id"
    ).fetchone()
    assert row is not None
    published, organisations, parties = row
    assert published.year == 2025
    assert organisations == ["Department for Science, Innovation and Technology"]
    assert parties == ["UK Government", "Example AI"]


def test_migrations_apply_once(tmp_path: Path) -> None:
    path = tmp_path / "db.duckdb"
    connect_writer(path).close()
    conn = connect_writer(path)
    names = [r[0] for r in conn.execute("select name from schema_migrations order by version").fetchall()]
    assert names == sorted(set(names))
    assert "001_core.sql" in names


def test_every_rfc_3339_time_the_schema_accepts_is_stored(tmp_path: Path) -> None:
    # DuckDB's cast refuses a leap second and a lower-case t/z; fetched_at cannot be NULL, so either once
    # failed the whole batch, again after every restart.
    conn = connect_writer(tmp_path / "db.duckdb")
    leap = make_announcement("leap")
    leap["fetched_at"] = leap["published_at"] = "2016-12-31T23:59:60Z"
    lower = make_announcement("lower")
    lower["fetched_at"] = lower["updated_at"] = "2025-07-23t07:00:00z"
    assert _store(conn, AnnouncementLoader(), leap, lower) == 2
    rows = conn.execute(
        "select id, epoch(fetched_at), epoch(published_at), epoch(updated_at) from announcement_versions order by id"
    ).fetchall()
    leap_second, seven = 1483228799.0, 1753254000.0  # 2016-12-31 23:59:59Z, 2025-07-23 07:00:00Z
    assert rows[0][0:2] == ("leap", leap_second) and rows[0][2] == leap_second
    assert rows[1][0:2] == ("lower", seven) and rows[1][3] == seven


_FUZZ_IDS = itertools.count()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(overrides=announcement_overrides())
def test_any_message_the_schema_accepts_is_stored(tmp_path: Path, overrides: dict[str, Any]) -> None:
    # A message that passes validation but that the database refuses would fail its whole batch, again at
    # every restart: whatever the schema lets through must store.
    conn = connect_writer(tmp_path / "fuzz.duckdb")
    message = {**make_announcement(f"fuzz-{next(_FUZZ_IDS)}"), **overrides}
    try:
        decoded = decode("announcement", json.dumps(message).encode())
    except SchemaError:
        return  # a dead letter: the consumer goes on
    before = conn.execute("select count(*) from announcement_versions").fetchone()
    conn.execute("BEGIN TRANSACTION")
    AnnouncementLoader().handle(conn, [(as_consumed([decoded])[0][0], decoded)])
    conn.execute("COMMIT")
    after = conn.execute("select count(*) from announcement_versions").fetchone()
    assert before is not None and after == (before[0] + 1,)
    conn.close()


def test_batches_are_built_with_the_system_allocator_not_arrows_own() -> None:
    """Arrow's default allocator kept the pages of every dropped batch for the writer thread's next one."""
    words = " ".join(f"w{i:05d}" for i in range(1000))
    default_before = pa.default_memory_pool().bytes_allocated()
    system_before = pa.system_memory_pool().bytes_allocated()
    table = batch_table(_items(*(make_announcement(f"d{i}", body_text=words) for i in range(200))))
    assert table.num_rows == 200
    assert pa.default_memory_pool().bytes_allocated() == default_before
    assert pa.system_memory_pool().bytes_allocated() - system_before >= table.nbytes > 200 * len(words)
    del table
    assert pa.system_memory_pool().bytes_allocated() == system_before
