"""The `govwatch` command line. Commands wrap library calls and hold no logic of their own.

stdout carries data only; messages, progress and logs go to stderr. Exit codes: 0 success, 1 runtime
failure (one `error: ...` line on stderr; the traceback only with --debug), 2 usage error.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from govwatch import __version__
from govwatch.cli_support import (
    INTERRUPTED_EXIT_CODE,
    ConfigOption,
    DbOption,
    LogFormat,
    LogFormatOption,
    OutputFormat,
    debug_state,
    handle_errors,
    print_table,
    settings_from,
    stderr,
    use_log_format,
    write_rows,
)
from govwatch.errors import GovwatchError
from govwatch.redact import MaskSecrets, mask_library_logs

BROKER_CHECK_S = 0.5

app = typer.Typer(
    name="govwatch",
    help="Watch government technology announcements (partnerships, MoUs, investments, contracts) "
    'and query them with SQL.\n\nStart with `govwatch demo`, then `govwatch query "select * from partnerships"`.',
    no_args_is_help=True,
    add_completion=False,
    # Plain text: help and docstrings name TOML tables such as [[sources]], which rich markup would eat.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _drop_import_noise(record: logging.LogRecord) -> bool:
    """Beam warns on import about optional Google Cloud clients that govwatch never uses."""
    return not (record.name == "root" and str(record.msg).startswith("apitools not found"))


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"govwatch {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version_callback, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks and debug logs.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what happens (to stderr).")] = False,
) -> None:
    debug_state["debug"] = debug
    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(_drop_import_noise)
        handler.addFilter(MaskSecrets())  # URLs with tokens, Kafka's config dump with its password
    mask_library_logs()
    if not debug:
        # Libraries log every reconnect (kafka-python even at ERROR, e.g. when the embedded broker stops);
        # govwatch reports what matters itself, so their logs show only with -v.
        for noisy in ("kafka", "apache_beam", "trafilatura", "htmldate", "httpx"):
            logging.getLogger(noisy).setLevel(logging.CRITICAL if not verbose else logging.WARNING)


# --- query ---------------------------------------------------------------------------------------------


@app.command()
@handle_errors
def query(
    sql: Annotated[
        str | None,
        typer.Argument(
            help="One read-only SQL statement (SELECT, WITH, EXPLAIN, DESCRIBE, SHOW), or - to read it from stdin."
        ),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file", help="Read the statement from this .sql file (- for stdin), e.g. sql/queries/*.sql."
        ),
    ] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.table,
    parquet: Annotated[
        Path | None, typer.Option("--parquet", help="Write the result to this Parquet file instead.")
    ] = None,
    wait: Annotated[
        float | None,
        typer.Option(
            "--wait",
            min=0.0,
            help="Seconds to wait for a govwatch run that is starting or stopping (default: query.wait_s, 10).",
        ),
    ] = None,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Run read-only SQL over the govwatch database, even while `govwatch run` is loading it.

    Reads the statement (argument, --file or stdin) and the DuckDB file (directly, or through the running
    govwatch that owns it, waiting up to --wait seconds for one that is starting or stopping); writes the
    result to stdout. Write statements, files, URLs, extensions and settings are refused; a query is
    stopped after query.time_limit_s (300s) and bounded by query.memory_limit (2GB), both set in the
    config file's query table.

    Views: announcements, partnerships, figures, entities, topics, alerts, deadletters,
    announcement_history, latest_announcements, partnerships_by_organisation, money_by_department_month,
    frequent_partners; table macro search_announcements('words').

    Example: govwatch query "select kind, parties from partnerships" --format json

    Example: govwatch query --file sql/queries/frequent_partners.sql
    """
    from dataclasses import replace

    from govwatch.query import open_query

    statement = _statement(sql, file)
    settings = settings_from(config, db)
    if wait is not None:
        settings = replace(settings, query=replace(settings.query, wait_s=wait))
    if parquet is not None and not parquet.parent.is_dir():
        raise GovwatchError(
            f"cannot write {parquet}: folder {parquet.parent} does not exist; create it first"
        )
    with open_query(settings, statement) as result:
        if parquet is not None:
            from govwatch.export import write_parquet

            try:
                count = write_parquet(result.schema, result.batches, parquet)
            except OSError as exc:
                raise GovwatchError(f"cannot write {parquet}: {exc}") from exc
            typer.echo(f"wrote {count} rows to {parquet}", err=True)
            return
        write_rows(result.columns, result.rows, fmt)


def _statement(sql: str | None, file: Path | None) -> str:
    """The SQL of `govwatch query`: the argument, a file, or stdin (`-`); exactly one of them."""
    if (sql is None) == (file is None):
        raise typer.BadParameter("give one SQL statement, or --file F (- reads stdin), not both or neither")
    if file is not None and str(file) != "-":
        if not file.is_file():
            raise GovwatchError(f"no such SQL file: {file}")
        return file.read_text(encoding="utf-8")
    if sql is not None and sql != "-":
        return sql
    return sys.stdin.read()


# --- run, backfill, broker, demo ------------------------------------------------------------------------


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
@handle_errors
def run(
    ctx: typer.Context,
    once: Annotated[
        bool, typer.Option("--once", help="Poll every source once, store, alert, then exit.")
    ] = False,
    runner: Annotated[
        str | None, typer.Option("--runner", help="Beam runner (default DirectRunner).")
    ] = None,
    serve: Annotated[
        bool, typer.Option("--serve", help="Also serve the read-only web page (see `govwatch serve`).")
    ] = False,
    serve_host: Annotated[
        str,
        typer.Option("--serve-host", help="Web page address; beyond loopback needs GOVWATCH_SERVE_TOKEN."),
    ] = "127.0.0.1",
    serve_port: Annotated[int, typer.Option("--serve-port", help="Web page port.")] = 8080,
    metrics_port: Annotated[
        int | None,
        typer.Option(
            "--metrics-port", help="Serve /metrics, /healthz and /readyz on this port (else [metrics] port)."
        ),
    ] = None,
    log_format: LogFormatOption = LogFormat.text,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Poll the configured [[sources]] through the pipeline into Kafka and DuckDB, and fire alerts.

    Reads the config's sources and subscriptions; writes the DuckDB file, the connector checkpoint beside
    it, and alert deliveries. Without --once it runs until Ctrl-C / SIGTERM. Extra arguments are passed
    to Beam (e.g. --direct_num_workers=2). With no [kafka] bootstrap_servers an embedded broker is started
    on 127.0.0.1 and stopped on exit. --serve also serves the web page of `govwatch serve` from this
    process (no other process can open the database while it writes).

    With --metrics-port (or, without --once, [metrics] port) it serves Prometheus metrics on /metrics,
    and /healthz and /readyz for probes. With --log-format json every log line is one JSON object (for log shippers).

    Example: govwatch run --once --config govwatch.toml

    Example: govwatch run --serve --config govwatch.toml

    Example: govwatch run --metrics-port 9464 --log-format json
    """
    from contextlib import ExitStack

    from govwatch.broker import sigterm_as_keyboard_interrupt
    from govwatch.runner import run_forever, run_once
    from govwatch.status import RUN_COLUMNS, UNHEALTHY, run_rows

    beam_args = _beam_args(ctx, runner)
    use_log_format(log_format)
    settings = settings_from(config, db)
    if metrics_port is not None or once:  # a one-shot run serves metrics only when asked on the command line
        settings = replace(settings, metrics=replace(settings.metrics, port=metrics_port or 0))
    if not settings.sources:
        raise GovwatchError(
            "no [[sources]] configured; add some to govwatch.toml (see README) or try `govwatch demo`"
        )
    with ExitStack() as running:
        if serve:
            from govwatch.serve.server import BackgroundServer

            token = os.environ.get("GOVWATCH_SERVE_TOKEN", "")
            page = running.enter_context(
                BackgroundServer(settings, host=serve_host, port=serve_port, token=token)
            )
            _progress(f"web page on http://{serve_host}:{page.port}/ (read-only)")
        running.enter_context(sigterm_as_keyboard_interrupt())
        if once:
            summary = run_once(settings, beam_args=beam_args, progress=_progress)
        else:
            try:
                summary = run_forever(settings, beam_args=beam_args, progress=_progress)
            except KeyboardInterrupt:
                _exit_after_streaming(INTERRUPTED_EXIT_CODE, "interrupted; stopped cleanly")
            except GovwatchError as exc:
                if debug_state["debug"]:
                    stderr.print_exception()
                _exit_after_streaming(1, f"error: {exc}")
    if summary.sources:
        print_table(RUN_COLUMNS, run_rows(summary.sources))
    typer.echo(
        f"done: {summary.stored} new announcement versions stored, {summary.duplicates} duplicates ignored, "
        f"{summary.deadlettered} dead-lettered, {summary.alerts} alerts ({summary.delivered} delivered)",
        err=True,
    )
    unhealthy = [s.name for s in summary.sources if s.status in UNHEALTHY]
    if unhealthy:
        raise GovwatchError(
            f"{len(unhealthy)} of {len(summary.sources)} sources failed or are backing off "
            f"({', '.join(unhealthy)}); see the table above and `govwatch status`"
        )


def _beam_args(ctx: typer.Context, runner: str | None = None) -> list[str]:
    """The arguments left for Beam, checked: a typo is a usage error (exit 2) naming the nearest option."""
    from govwatch.beam_options import UsageError, check_beam_args

    own = [opt for param in ctx.command.params for opt in param.opts if opt.startswith("--")]
    try:
        return check_beam_args(list(ctx.args) + ([f"--runner={runner}"] if runner else []), own)
    except UsageError as exc:
        typer.echo(f"error: {exc} (see `govwatch {ctx.command.name} --help`)", err=True)
        raise typer.Exit(2) from exc


def _exit_after_streaming(code: int, message: str) -> NoReturn:
    """Exit without waiting for threads: Beam's DirectRunner can leave a worker of an interrupted
    streaming pipeline running, which would keep the process alive; everything govwatch owns (broker,
    database, endpoint) is closed by the time this runs."""
    typer.echo(message, err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    os._exit(code)


def _progress(message: str) -> None:
    if debug_state["json_logs"]:
        logging.getLogger("govwatch.run").info("%s", message)
        return
    stderr.print(f"[dim]govwatch:[/dim] {message}")


@app.command()
@handle_errors
def broker(
    port: Annotated[
        int | None, typer.Option("--port", help="Port on 127.0.0.1 (default: a free one).")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Run the embedded Kafka-protocol broker (tansu, memory only) in the foreground until Ctrl-C.

    Point other govwatch commands at it with GOVWATCH_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:PORT.

    Example: govwatch broker --port 9092
    """
    from govwatch.broker import EmbeddedBroker, sigterm_as_keyboard_interrupt

    binary_dir = settings_from(config, None).broker_binary_dir
    with sigterm_as_keyboard_interrupt(), EmbeddedBroker(port=port, binary_dir=binary_dir) as embedded:
        typer.echo(embedded.bootstrap_servers)
        stderr.print(f"broker ready on {embedded.bootstrap_servers} (memory only); Ctrl-C stops it")
        try:
            while True:
                embedded.check_alive()
                time.sleep(BROKER_CHECK_S)
        except KeyboardInterrupt:
            stderr.print("stopping broker")


# --- single-document tools ----------------------------------------------------------------------------


def _read_input(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    file = Path(path)
    if not file.is_file():
        raise GovwatchError(f"no such file: {path}")
    return file.read_bytes()


def _print_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


@app.command()
@handle_errors
def extract(
    source: Annotated[str, typer.Argument(help="A URL, an HTML or Content API JSON file, or - for stdin.")],
    config: ConfigOption = None,
) -> None:
    """Extract one page: print its title, dates, organisations, text and repairs as JSON.

    Reads an http(s) URL (fetched politely with the configured HTTP settings), a file, or stdin; a file
    holding Content API JSON is read as such.

    Example: govwatch extract https://www.gov.uk/government/news/some-press-release
    """
    from govwatch.tools import extract_source

    _print_json(extract_source(source, settings_from(config, None), _read_input))


@app.command()
@handle_errors
def repair(
    source: Annotated[str, typer.Argument(help="A text file, or - for stdin.")],
    report: Annotated[
        bool, typer.Option("--report", help="Print the list of repairs (JSON) on stderr.")
    ] = False,
) -> None:
    """Repair mojibake and broken characters in a text file; the repaired text goes to stdout.

    Fixes what ftfy fixes and more: UTF-8 read as GBK/GB18030, Big5 or Shift-JIS (also twice), with lost
    bytes inferred from context; suspect runs are left as they are and reported.

    Example: govwatch repair scraped.txt --report > clean.txt
    """
    from govwatch.tools import repair_bytes

    result, repairs = repair_bytes(_read_input(source))
    sys.stdout.write(result)
    sys.stdout.flush()
    if report:
        typer.echo(json.dumps(repairs, ensure_ascii=False, indent=2), err=True)


@app.command()
@handle_errors
def tag(
    source: Annotated[str, typer.Argument(help="A text or HTML file, or - for stdin.")],
    config: ConfigOption = None,
) -> None:
    """Tag one document: print its partnerships, figures, entities and topics as JSON, with evidence.

    HTML is extracted and repaired first; text is repaired first. Tagging reads the bundled lexicons and
    the folders of [tagging] lexicon_dirs (or GOVWATCH_LEXICON_DIR), as a run does.

    Example: govwatch tag press-release.html
    """
    from govwatch.tools import tag_bytes

    _print_json(tag_bytes(_read_input(source), settings_from(config, None)))


@app.command()
@handle_errors
def registers(
    directory: Annotated[
        Path | None,
        typer.Option(
            "--dir",
            help="Folder for the lexicon files (default: the first folder of [tagging] lexicon_dirs "
            "or GOVWATCH_LEXICON_DIR, else ./govwatch-lexicon).",
        ),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Teach the tagger every public body and country GOV.UK registers.

    Reads GOV.UK's Organisations API and World Locations API (at the configured GOV.UK base URL, with
    conditional GET, so an unchanged page costs a 304), keeps what the bundled lexicon does not know,
    and writes two lexicon files into the folder. Tagging reads them when [tagging] lexicon_dirs (or
    GOVWATCH_LEXICON_DIR) names the folder. Run it again now and then (weekly is plenty): new bodies
    appear, others close.

    Example: govwatch registers --dir ./govwatch-lexicon && export GOVWATCH_LEXICON_DIR=$PWD/govwatch-lexicon
    """
    from govwatch.config import LEXICON_DIR_ENV
    from govwatch.registers import refresh_registers

    settings = settings_from(config, None)
    configured = settings.tagging.lexicon_dirs
    if directory is None:
        directory = Path(configured[0]) if configured else Path("govwatch-lexicon")
    report = refresh_registers(settings, directory)
    typer.echo(
        f"{report.organisations} organisations and {report.countries} countries the bundled lexicon lacks "
        f"written to {report.directory} ({report.pages_fetched} pages fetched, {report.pages_unchanged} unchanged)",
        err=True,
    )
    folder = report.directory.resolve()
    if folder not in {Path(d).resolve() for d in configured}:
        typer.echo(
            f"tagging reads them once you add {folder} to [tagging] lexicon_dirs "
            f"or set {LEXICON_DIR_ENV}={folder}",
            err=True,
        )


# --- backfill -----------------------------------------------------------------------------------------


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
@handle_errors
def backfill(
    ctx: typer.Context,
    since: Annotated[str, typer.Option("--since", help="First publication date, YYYY-MM-DD.")],
    until: Annotated[str | None, typer.Option("--until", help="Last publication date, YYYY-MM-DD.")] = None,
    organisation: Annotated[
        list[str] | None, typer.Option("--organisation", help="Organisation slug (repeatable).")
    ] = None,
    document_type: Annotated[
        list[str] | None, typer.Option("--document-type", help="Document type (repeatable).")
    ] = None,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Fetch past announcements through the GOV.UK Search API into the same pipeline, with progress.

    Pages through /api/search.json (newest first) to the end; resumable after Ctrl-C or a crash without
    re-fetching what was already published. Writes DuckDB and the checkpoint like `govwatch run --once`.

    Example: govwatch backfill --since 2025-01-01 --organisation department-for-science-innovation-and-technology
    """
    from govwatch.backfill import run_backfill
    from govwatch.broker import sigterm_as_keyboard_interrupt

    try:
        start = date.fromisoformat(since)
        end = date.fromisoformat(until) if until else None
    except ValueError as exc:
        raise typer.BadParameter(f"dates are YYYY-MM-DD ({exc})") from exc
    beam_args = _beam_args(ctx)
    settings = settings_from(config, db)
    with sigterm_as_keyboard_interrupt():
        summary = run_backfill(
            settings,
            since=start,
            until=end,
            organisations=tuple(organisation or ()),
            document_types=tuple(document_type or ()),
            beam_args=beam_args,
        )
    typer.echo(
        f"backfill done: {summary.stored} new announcement versions stored, "
        f"{summary.deadlettered} dead-lettered",
        err=True,
    )


@app.command()
@handle_errors
def demo(
    db: DbOption = None,
    serve: Annotated[
        bool,
        typer.Option(
            "--serve",
            help="Only serve the bundled sample (until Ctrl-C) and print a config that points `govwatch run` at it.",
        ),
    ] = False,
    port: Annotated[
        int, typer.Option("--port", help="With --serve: the port on 127.0.0.1 (0: a free one).")
    ] = 0,
    phase: Annotated[
        int, typer.Option("--phase", min=1, max=2, help="With --serve: 1, or 2 for the updated articles.")
    ] = 1,
) -> None:
    """Run the whole stack offline on the bundled GOV.UK-format sample, then print a summary.

    Serves the sample (Atom feeds, Content API JSON, article pages, an RSS newsroom) on 127.0.0.1,
    runs it through the embedded broker, the Beam pipeline, DuckDB and alerts (two phases: the second
    brings updated versions), and leaves ./govwatch.duckdb (or --db) to query, with the subscription
    'new-mous' it alerted on. The demo database is recreated each time; a database holding non-demo data
    is never touched. With --serve it only serves the sample and prints a govwatch.toml for it on stdout.

    Example: govwatch demo && govwatch query "select * from partnerships"

    Example: govwatch demo --serve --port 8800 > sample.toml   # then, elsewhere: govwatch run --config sample.toml
    """
    from govwatch.broker import sigterm_as_keyboard_interrupt
    from govwatch.demo.run import print_summary, run_demo, serve_sample

    if serve:

        def ready(base_url: str, config_toml: str) -> None:
            sys.stdout.write(config_toml)
            sys.stdout.flush()
            _progress(
                f"serving the sample on {base_url} (phase {phase}); the config above points at it; Ctrl-C stops"
            )

        with sigterm_as_keyboard_interrupt():
            try:
                serve_sample(port=port, phase=phase, db_path=db or Path("sample.duckdb"), ready=ready)
            except KeyboardInterrupt:
                _progress("sample server stopped")
        return
    with sigterm_as_keyboard_interrupt():
        result = run_demo(db or Path("govwatch.duckdb"), progress=_progress)
    print_summary(result)


@app.command()
@handle_errors
def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on; beyond loopback a token is required.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8080,
    token: Annotated[
        str,
        typer.Option(
            "--token",
            envvar="GOVWATCH_SERVE_TOKEN",
            help="Readers must give this token (open /?token=...); required with a non-loopback --host.",
            show_default=False,
        ),
    ] = "",
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Serve a read-only web page on the database: announcements, partnerships, money, alerts, sources, SQL.

    Reads the DuckDB file (directly, or through the running `govwatch run` that owns it), the
    subscriptions and the sources' checkpoint; writes nothing. Pages: / (filters, search, Atom feed),
    /announcement?id=ID (evidence highlighted), /partnerships, /money, /subscriptions (with a preview of a
    new one), /sources (what `govwatch status` shows, for the sources of --config), /sql. Binds to
    127.0.0.1 unless --host says otherwise; any other address needs --token or GOVWATCH_SERVE_TOKEN.
    Between requests it keeps the file open (read-only), and lets go of it as soon as a `govwatch run`
    wants it, or 2 s after the last request. Ctrl-C stops it.

    Example: govwatch serve --port 8080 --db govwatch.duckdb
    """
    from govwatch.serve.security import check_bind
    from govwatch.serve.server import serve_forever

    check_bind(host, token)
    settings = settings_from(config, db)
    if not settings.db_path.exists():
        raise GovwatchError(
            f"no database at {settings.db_path}; run `govwatch demo` or `govwatch run --once` first, or pass --db"
        )
    stderr.print(f"serving {settings.db_path} on http://{host}:{port}/ (read-only); Ctrl-C stops it")
    serve_forever(settings, host=host, port=port, token=token)


def _mount_commands() -> None:
    from govwatch.alerts.commands import register
    from govwatch.cli_ops import register as register_ops

    register(app)
    register_ops(app)


_mount_commands()


def main() -> None:
    """Console-script entry point."""
    app()
