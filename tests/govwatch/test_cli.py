"""The command line, in-process: output formats, read-only refusal, exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner, Result

from govwatch import __version__
from govwatch.cli import app
from govwatch.config import LEXICON_DIR_ENV, Settings
from tests.support.announcements import fill_database
from tests.support.database import held_by_another_program
from tests.support.lexicon import ZQS_PARTIES, ZQS_PARTIES_UNKNOWN, ZQS_TEXT, zqs_lexicon_folder

runner = CliRunner()


def _fill(settings: Settings, n: int = 3) -> None:
    fill_database(settings.db_path, n)


def _query(settings: Settings, sql: str, *options: str, **invoke: Any) -> Result:
    """`govwatch query SQL --db <the test database> OPTIONS...`, in-process."""
    return runner.invoke(app, ["query", sql, "--db", str(settings.db_path), *options], **invoke)


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"govwatch {__version__}"


def test_query_json_is_valid_json(settings: Settings) -> None:
    _fill(settings)
    result = _query(settings, "select id, organisations from announcements order by id", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == ["doc-0", "doc-1", "doc-2"]
    assert rows[0]["organisations"] == ["Department for Science, Innovation and Technology"]


def test_query_json_of_empty_result_is_an_empty_list(settings: Settings) -> None:
    _fill(settings)
    result = _query(settings, "select * from announcements where false", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_query_csv_has_a_header_and_rows(settings: Settings) -> None:
    _fill(settings)
    result = _query(settings, "select id, version from announcements order by id", "--format", "csv")
    assert result.exit_code == 0
    assert list(csv.reader(io.StringIO(result.stdout))) == [
        ["id", "version"],
        ["doc-0", "1"],
        ["doc-1", "1"],
        ["doc-2", "1"],
    ]


def test_query_csv_lines_end_in_newline_not_crlf(settings: Settings) -> None:
    _fill(settings)
    result = _query(settings, "select id from announcements", "--format", "csv")
    assert result.exit_code == 0
    assert "\r" not in result.stdout and result.stdout.count("\n") == 4


def test_wide_query_tables_keep_whole_cells(settings: Settings) -> None:
    _fill(settings)
    sql = "select id, title, url, organisations, summary, document_type, source from announcements"
    result = _query(settings, sql, env={"COLUMNS": "120"})
    assert result.exit_code == 0
    assert "…" not in result.stdout
    ids = ("doc-0", "doc-1", "doc-2")
    assert all(i in result.stdout for i in ids)


def test_query_reads_a_bundled_sql_file_and_stdin(settings: Settings) -> None:
    _fill(settings)
    bundled = Path(__file__).resolve().parents[2] / "sql" / "queries" / "latest_announcements.sql"
    assert bundled.read_text().startswith("--")
    args = ["--db", str(settings.db_path), "--format", "json"]
    from_file = runner.invoke(app, ["query", "--file", str(bundled), *args])
    assert from_file.exit_code == 0, from_file.output
    assert len(json.loads(from_file.stdout)) == 3
    from_stdin = runner.invoke(app, ["query", "-", *args], input=bundled.read_text())
    assert from_stdin.exit_code == 0 and json.loads(from_stdin.stdout) == json.loads(from_file.stdout)
    both = runner.invoke(app, ["query", "select 1", "--file", str(bundled), *args])
    assert both.exit_code == 2


def test_parquet_into_a_missing_folder_is_one_error_line(settings: Settings, tmp_path: Path) -> None:
    _fill(settings)
    out = tmp_path / "no" / "such" / "a.parquet"
    result = _query(settings, "select 1", "--parquet", str(out))
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("error: cannot write") and "does not exist" in line


def test_help_keeps_bracketed_words_and_shows_flags_without_a_type() -> None:
    result = runner.invoke(app, ["run", "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0
    assert "[[sources]]" in result.stdout and "[kafka] bootstrap_servers" in result.stdout
    assert "<bool>" not in result.stdout


def test_query_table_prints_rows(settings: Settings) -> None:
    _fill(settings)
    result = _query(settings, "select count(*) as n from announcements")
    assert result.exit_code == 0
    assert "3" in result.stdout


def test_query_to_parquet(settings: Settings, tmp_path: Path) -> None:
    _fill(settings)
    out = tmp_path / "a.parquet"
    result = _query(settings, "select id, version from announcements", "--parquet", str(out))
    assert result.exit_code == 0, result.output
    assert pq.read_table(out).num_rows == 3


def test_parquet_keeps_duckdb_types_even_for_a_column_null_in_its_first_rows(
    settings: Settings, tmp_path: Path
) -> None:
    _fill(settings)
    out = tmp_path / "typed.parquet"
    sql = (
        "select range::INTEGER as n, TIMESTAMPTZ '2025-07-21 10:00:00+00' + to_seconds(range) as at, "
        "case when range >= 10000 then 'late' end as late from range(10001)"
    )
    result = _query(settings, sql, "--parquet", str(out))
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    assert table.num_rows == 10001
    assert table.schema.field("n").type == pa.int32()
    assert pa.types.is_timestamp(table.schema.field("at").type)
    assert table.schema.field("late").type == pa.string()
    assert table.column("late").to_pylist()[-1] == "late"


def test_a_parquet_export_that_fails_is_one_error_line_and_leaves_no_file(
    settings: Settings, tmp_path: Path
) -> None:
    _fill(settings)
    out = tmp_path / "failed.parquet"
    sql = "select case when range < 50000 then range else error('boom') end as n from range(100000)"
    result = _query(settings, sql, "--parquet", str(out))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and "boom" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert [p.name for p in tmp_path.iterdir() if "failed" in p.name] == []


def test_write_statement_exits_1_with_one_error_line(settings: Settings) -> None:
    _fill(settings)
    result = _query(settings, "delete from announcement_versions")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: refused")
    assert len(result.stderr.strip().splitlines()) == 1


def test_bad_sql_exits_1(settings: Settings) -> None:
    _fill(settings)
    result = _query(settings, "selec oops")
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


def test_every_config_mistake_is_an_error_line_without_traceback(tmp_path: Path) -> None:
    config = tmp_path / "govwatch.toml"
    config.write_text("[sources]\nname = 'a'\n[http]\nmax_retries = 'many'\n")
    result = runner.invoke(app, ["run", "--once", "--config", str(config)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and all(line.startswith(f"error: {config}: ") for line in lines)
    assert "Traceback" not in result.output


def test_bad_config_key_is_reported(tmp_path: Path) -> None:
    config = tmp_path / "govwatch.toml"
    config.write_text("[kafka]\nbootstrap = 'x'\n")
    result = runner.invoke(app, ["run", "--once", "--config", str(config)])
    assert result.exit_code == 1
    assert "[kafka] bootstrap: unknown key; did you mean 'bootstrap_servers'?" in result.stderr


def test_every_command_has_help_with_an_example() -> None:
    for command in ("query", "run", "backfill", "broker", "extract", "repair", "tag", "demo", "status"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0, command
        assert "Example" in result.stdout, command


SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_4ebad22dac5f82a2.txt"


def test_repair_command_restores_the_seed_and_reports(tmp_path: Path) -> None:
    import pytest

    if not SEED.exists():
        pytest.skip("the shared seed is not beside the checkout")
    result = runner.invoke(app, ["repair", str(SEED), "--report"])
    assert result.exit_code == 0
    assert "world’s" in result.stdout and "£2 billion" in result.stdout
    assert "鈥檚" not in result.stdout
    kinds = {r["kind"] for r in json.loads(result.stderr)}
    assert kinds


def test_repair_command_reads_stdin_and_leaves_clean_text_alone() -> None:
    clean = "The Minister said: “This is a £2 billion plan” – and François agreed.\n"
    result = runner.invoke(app, ["repair", "-"], input=clean)
    assert result.exit_code == 0
    assert result.stdout == clean


def test_tag_command_finds_the_mou_in_text(tmp_path: Path) -> None:
    text = tmp_path / "a.txt"
    text.write_text(
        "Technology Secretary Peter Kyle and OpenAI CEO Sam Altman today signed a memorandum of understanding "
        "between OpenAI and the UK government. AI Growth Zones have been backed by £2 billion.\n"
    )
    result = runner.invoke(app, ["tag", str(text)])
    assert result.exit_code == 0, result.output
    tags = json.loads(result.stdout)
    assert tags["partnerships"][0]["kind"] == "memorandum_of_understanding"
    assert any(f["kind"] == "money" and f["value"] == 2e9 and f["currency"] == "GBP" for f in tags["figures"])


def _parties(result: Result) -> list[list[str]]:
    assert result.exit_code == 0, result.output
    return [p["parties"] for p in json.loads(result.stdout)["partnerships"]]


def test_tag_reads_the_lexicon_folders_of_the_config_file_and_of_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no ./govwatch.toml
    for variable in (LEXICON_DIR_ENV, "GOVWATCH_TAGGING_LEXICON_DIRS", "GOVWATCH_CONFIG"):
        monkeypatch.delenv(variable, raising=False)
    folder = zqs_lexicon_folder(tmp_path)
    text = tmp_path / "a.txt"
    text.write_text(ZQS_TEXT)
    config = tmp_path / "with-lexicon.toml"
    config.write_text(f"[tagging]\nlexicon_dirs = [{json.dumps(str(folder))}]\n")
    expected = [list(ZQS_PARTIES)]
    assert _parties(runner.invoke(app, ["tag", str(text)])) == [list(ZQS_PARTIES_UNKNOWN)]
    assert _parties(runner.invoke(app, ["tag", str(text), "--config", str(config)])) == expected
    assert _parties(runner.invoke(app, ["tag", str(text)], env={LEXICON_DIR_ENV: str(folder)})) == expected


@pytest.mark.parametrize(
    "command", [["tag", "a.txt"], ["run", "--once"], ["backfill", "--since", "2025-01-01"]]
)
def test_a_missing_lexicon_folder_stops_a_command_with_one_line_before_it_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text(ZQS_TEXT)
    config = tmp_path / "govwatch.toml"
    config.write_text(
        "[duckdb]\npath = 'x.duckdb'\n[tagging]\nlexicon_dirs = ['nowhere']\n"
        "[[sources]]\nname = 'a'\nkind = 'rss'\nurl = 'http://127.0.0.1:9/feed.xml'\n"
    )
    result = runner.invoke(app, [*command, "--config", str(config)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: lexicon folder nowhere does not exist; create it, or fix [tagging] lexicon_dirs "
        f"or {LEXICON_DIR_ENV}"
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "govwatch.toml"]


def test_extract_command_reads_a_content_api_item(tmp_path: Path) -> None:
    item = {
        "content_id": "5e9a3c2b-1111-4a4a-9b9b-123456789abc",
        "base_path": "/government/news/example",
        "title": "Example MoU signed",
        "description": "A summary.",
        "document_type": "press_release",
        "locale": "en",
        "first_published_at": "2025-07-21T10:00:00+01:00",
        "public_updated_at": "2025-07-21T10:00:00+01:00",
        "details": {
            "body": '<div class="govspeak"><p>The department signed an MoU with Example Ltd.</p></div>'
        },
        "links": {"organisations": [{"title": "Department for Science, Innovation and Technology"}]},
    }
    path = tmp_path / "item.json"
    path.write_text(json.dumps(item))
    result = runner.invoke(app, ["extract", str(path)])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["title"] == "Example MoU signed"
    assert "signed an MoU" in record["body_text"]


def test_extract_of_a_missing_file_exits_1() -> None:
    result = runner.invoke(app, ["extract", "/no/such/file.html"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no such file")


def test_query_wait_option_bounds_the_wait_for_a_locked_database(settings: Settings) -> None:
    _fill(settings)
    with held_by_another_program(settings.db_path):
        result = _query(settings, "select 1", "--wait", "0.3")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and "within 0.3s" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_query_reading_a_file_is_one_line_refusal(settings: Settings) -> None:
    _fill(settings)
    result = _query(settings, "select * from read_text('/etc/passwd')")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: refused") and len(result.stderr.strip().splitlines()) == 1


# Commands that read no database, no Kafka and no pipeline: they must not pay for loading them.
LIGHT_COMMANDS = [
    ["--version"],
    ["config", "reference"],
    ["repair", "-"],
    ["broker", "--help"],
    ["run", "--help"],
    ["query", "--help"],
    ["subscribe", "--help"],
]
HEAVY_MODULES = ("duckdb", "pyarrow", "apache_beam", "kafka", "trafilatura", "govwatch.pipeline.tag")


@pytest.mark.parametrize("command", LIGHT_COMMANDS, ids=" ".join)
def test_light_commands_do_not_import_the_database_or_the_pipeline(
    command: list[str], tmp_path: Path
) -> None:
    script = (
        "import sys, runpy\n"
        f"sys.argv = ['govwatch', *{command!r}]\n"
        "try:\n"
        "    runpy.run_module('govwatch', run_name='__main__')\n"
        "except SystemExit as exc:\n"
        "    assert exc.code in (0, None), exc.code\n"
        f"print(sorted(m for m in {HEAVY_MODULES!r} if m in sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        input="text\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "[]"
