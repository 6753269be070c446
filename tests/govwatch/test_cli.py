"""The command line, in-process: output formats, read-only refusal, exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

from govwatch import __version__
from govwatch.cli import app
from govwatch.config import Settings
from govwatch.consumer import ConsumedMessage
from govwatch.db import connect_writer
from govwatch.loader import AnnouncementLoader
from tests.support.announcements import make_announcement

runner = CliRunner()


def _fill(settings: Settings, n: int = 3) -> None:
    conn = connect_writer(settings.db_path)
    conn.execute("BEGIN TRANSACTION")
    AnnouncementLoader().handle(
        conn,
        [
            (
                ConsumedMessage(topic="t", partition=0, offset=i, key=None, value=None),
                make_announcement(f"doc-{i}"),
            )
            for i in range(n)
        ],
    )
    conn.execute("COMMIT")
    conn.close()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"govwatch {__version__}"


def test_query_json_is_valid_json(settings: Settings) -> None:
    _fill(settings)
    result = runner.invoke(
        app,
        [
            "query",
            "select id, organisations from announcements order by id",
            "--db",
            str(settings.db_path),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == ["doc-0", "doc-1", "doc-2"]
    assert rows[0]["organisations"] == ["Department for Science, Innovation and Technology"]


def test_query_json_of_empty_result_is_an_empty_list(settings: Settings) -> None:
    _fill(settings)
    result = runner.invoke(
        app,
        [
            "query",
            "select * from announcements where false",
            "--db",
            str(settings.db_path),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_query_csv_has_a_header_and_rows(settings: Settings) -> None:
    _fill(settings)
    result = runner.invoke(
        app,
        [
            "query",
            "select id, version from announcements order by id",
            "--db",
            str(settings.db_path),
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0
    assert list(csv.reader(io.StringIO(result.stdout))) == [
        ["id", "version"],
        ["doc-0", "1"],
        ["doc-1", "1"],
        ["doc-2", "1"],
    ]


def test_query_table_prints_rows(settings: Settings) -> None:
    _fill(settings)
    result = runner.invoke(
        app, ["query", "select count(*) as n from announcements", "--db", str(settings.db_path)]
    )
    assert result.exit_code == 0
    assert "3" in result.stdout


def test_query_to_parquet(settings: Settings, tmp_path: Path) -> None:
    _fill(settings)
    out = tmp_path / "a.parquet"
    result = runner.invoke(
        app,
        [
            "query",
            "select id, version from announcements",
            "--db",
            str(settings.db_path),
            "--parquet",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert pq.read_table(out).num_rows == 3


def test_write_statement_exits_1_with_one_error_line(settings: Settings) -> None:
    _fill(settings)
    result = runner.invoke(app, ["query", "delete from announcement_versions", "--db", str(settings.db_path)])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: refused")
    assert len(result.stderr.strip().splitlines()) == 1


def test_bad_sql_exits_1(settings: Settings) -> None:
    _fill(settings)
    result = runner.invoke(app, ["query", "selec oops", "--db", str(settings.db_path)])
    assert result.exit_code == 1
    assert result.stderr.startswith("error:")


def test_usage_error_exits_2() -> None:
    assert runner.invoke(app, ["query"]).exit_code == 2
    assert runner.invoke(app, ["query", "select 1", "--format", "xml"]).exit_code == 2


def test_run_without_sources_says_what_to_do(settings: Settings, tmp_path: Path) -> None:
    config = tmp_path / "govwatch.toml"
    config.write_text("[duckdb]\npath = 'x.duckdb'\n")
    result = runner.invoke(app, ["run", "--once", "--config", str(config)])
    assert result.exit_code == 1
    assert "no [[sources]]" in result.stderr


def test_bad_config_key_is_reported(tmp_path: Path) -> None:
    config = tmp_path / "govwatch.toml"
    config.write_text("[kafka]\nbootstrap = 'x'\n")
    result = runner.invoke(app, ["run", "--once", "--config", str(config)])
    assert result.exit_code == 1
    assert "unknown key [kafka] bootstrap" in result.stderr


def test_every_command_has_help_with_an_example() -> None:
    for command in ("query", "run", "backfill", "broker", "extract", "repair", "tag", "demo"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0, command
        assert "Example" in result.stdout, command
