"""`govwatch demo`: the bundled sample through the whole embedded stack, then a summary.

The demo database always starts fresh (the sample server's port changes between runs, so old checkpoints
would not match), but it never deletes a database that holds anything other than demo data.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from govwatch.config import (
    GovukSettings,
    HttpSettings,
    Settings,
    SubscriptionConfig,
    load_settings,
    section_variables,
)
from govwatch.errors import GovwatchError

log = logging.getLogger(__name__)

DEMO_SOURCE_PREFIXES = ("govuk-", "newsroom-")
DEMO_SUBSCRIPTION = "new-mous"
EXAMPLE_QUERIES = (
    "select kind, parties, status from partnerships order by kind",
    "select organisation, month, total_gbp from money_by_department_month order by total_gbp desc limit 10",
    "select * from search_announcements('AI Growth Zones')",
)


@dataclass(slots=True)
class DemoResult:
    db_path: Path
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)
    partnerships: list[tuple[Any, ...]] = field(default_factory=list)
    money: list[tuple[Any, ...]] = field(default_factory=list)
    alerts_file: Path | None = None


def _demo_paths(db_path: Path) -> list[Path]:
    settings = load_settings(None, env={}, db_path=db_path)
    checkpoint = settings.checkpoint_path
    return [
        db_path,
        Path(str(db_path) + ".wal"),
        checkpoint,
        Path(str(checkpoint) + "-wal"),
        Path(str(checkpoint) + "-shm"),
        Path(str(checkpoint) + "-journal"),
        Path(str(db_path) + ".alerts.jsonl"),
    ]


def _reset_subscriptions(settings: Settings) -> None:
    """Forget the previous demo's subscription; subscriptions a user added beside the database stay."""
    from govwatch.alerts.subscriptions import read_subscription_file, remove_subscription

    names = {raw.get("name") for raw in read_subscription_file(settings.subscriptions_path)}
    if DEMO_SUBSCRIPTION in names:
        remove_subscription(settings, DEMO_SUBSCRIPTION)


def _reset(db_path: Path) -> None:
    """Delete the previous demo's files, refusing if the database holds non-demo data."""
    import shutil

    import duckdb

    if db_path.exists():
        try:
            conn = duckdb.connect(str(db_path), read_only=True)
        except duckdb.Error as exc:
            raise GovwatchError(
                f"cannot open {db_path} ({exc}); is a govwatch run using it? pass --db"
            ) from exc
        try:
            others = conn.execute(
                "SELECT count(*) FROM announcement_versions WHERE NOT ("
                + " OR ".join("starts_with(source, ?)" for _ in DEMO_SOURCE_PREFIXES)
                + ")",
                list(DEMO_SOURCE_PREFIXES),
            ).fetchone()
        except duckdb.Error:
            others = (1,) if conn.execute("SELECT count(*) FROM duckdb_tables()").fetchone() != (0,) else (0,)
        finally:
            conn.close()
        if others and others[0]:
            raise GovwatchError(
                f"{db_path} holds data that is not from the demo; pass --db demo.duckdb to keep it"
            )
    for path in _demo_paths(db_path):
        path.unlink(missing_ok=True)
    settings = load_settings(None, env={}, db_path=db_path)
    shutil.rmtree(Path(str(settings.checkpoint_path) + ".spool"), ignore_errors=True)
    _reset_subscriptions(settings)


def demo_settings(base_url: str, db_path: Path, sources: Any) -> Settings:
    """Settings for the demo: sample server as GOV.UK, embedded broker; of the environment only the
    tagging variables count, so the user's lexicon folders (`GOVWATCH_LEXICON_DIR`) tag the sample too."""
    base = load_settings(None, env=section_variables(os.environ, "tagging"), db_path=db_path)
    return replace(
        base,
        govuk=GovukSettings(base_url=base_url),
        http=HttpSettings(requests_per_second_per_host=200.0, max_concurrency=8, max_retries=2),
        sources=tuple(sources),
    )


def subscribe_demo(settings: Settings) -> None:
    """Subscribe to new MoUs (alerts to a file beside the database) the way `govwatch subscribe` does, so
    `govwatch subscriptions list --db ...` shows what the demo alerted on."""
    from govwatch.alerts.subscriptions import add_subscription

    alerts_file = Path(str(settings.db_path) + ".alerts.jsonl").resolve()
    config = SubscriptionConfig(
        name=DEMO_SUBSCRIPTION, kinds=("memorandum_of_understanding",), channel=f"file:{alerts_file}"
    )
    add_subscription(settings, config, env={})


def run_demo(db_path: Path, *, progress: Callable[[str], None] | None = None) -> DemoResult:
    """Serve the sample, run two polls (phase 1, then phase 2 with updated articles), summarise.

    The query endpoint is published before the old demo database is deleted, so queries made meanwhile
    wait for the new one instead of finding none.
    """
    from govwatch.demo.server import SampleServer, sample_sources
    from govwatch.query import query_limits
    from govwatch.query_endpoint import QueryServer
    from govwatch.runner import run_once

    started = time.monotonic()
    defaults = load_settings(None, env={}, db_path=db_path)
    with QueryServer(db_path, query_limits(defaults)) as query_server, SampleServer() as server:
        _reset(db_path)
        settings = demo_settings(server.base_url, db_path, sample_sources(server.base_url))
        subscribe_demo(settings)
        if progress:
            progress(f"sample GOV.UK served on {server.base_url}; {len(settings.sources)} feeds")

        def next_phase(cycle: int) -> bool:
            if cycle == 1:
                server.set_phase(2)
                if progress:
                    progress("phase 2: some articles were updated; polling again")
                return True
            return False

        run_once(settings, force=True, progress=progress, between=next_phase, query_server=query_server)
    result = DemoResult(
        db_path=db_path, seconds=time.monotonic() - started, alerts_file=Path(str(db_path) + ".alerts.jsonl")
    )
    _collect(result)
    return result


def _collect(result: DemoResult) -> None:
    import duckdb

    conn = duckdb.connect(str(result.db_path), read_only=True)
    try:

        def one(sql: str) -> int:
            row = conn.execute(sql).fetchone()
            return int(row[0]) if row else 0

        result.counts = {
            "announcements": one("select count(*) from announcements"),
            "organisations": one("select count(distinct o) from announcements, unnest(organisations) t(o)"),
            "second versions": one("select count(*) from announcements where version > 1"),
            "partnerships": one("select count(*) from partnerships"),
            "MoUs": one("select count(*) from partnerships where kind = 'memorandum_of_understanding'"),
            "money figures": one("select count(*) from figures where kind = 'money'"),
            "texts repaired": one("select count(*) from announcements where json_array_length(repairs) > 0"),
            "alerts": one("select count(*) from alerts"),
            "dead letters": one("select count(*) from deadletters"),
        }
        result.partnerships = conn.execute(
            "select p.kind, array_to_string(p.parties, ', '), a.title from partnerships p "
            "join announcements a on a.id = p.announcement_id order by a.published_at desc limit 8"
        ).fetchall()
        result.money = conn.execute(
            "select f.text, f.value, f.currency, a.title from figures f join announcements a on a.id = f.announcement_id "
            "where f.kind = 'money' order by f.value * coalesce((select gbp_per_unit from gbp_rates r "
            "where r.currency = f.currency), 1) desc limit 5"
        ).fetchall()
    finally:
        conn.close()


def print_summary(result: DemoResult, console: Console | None = None) -> None:
    """The demo's closing summary on stdout: counts, top rows and queries to try next."""
    console = console or Console()
    console.print(f"\n[bold]govwatch demo[/bold] finished in {result.seconds:.1f}s → {result.db_path}\n")
    counts = Table("what", "how many", title="Stored in DuckDB")
    for name, value in result.counts.items():
        counts.add_row(name, str(value))
    console.print(counts)
    if result.partnerships:
        table = Table("kind", "parties", "announcement", title="Latest partnerships")
        for kind, parties, title in result.partnerships:
            table.add_row(kind, parties, title)
        console.print(table)
    if result.money:
        table = Table("as written", "value", "currency", "announcement", title="Largest sums")
        for text, value, currency, title in result.money:
            table.add_row(text, f"{value:,.0f}", currency or "", title)
        console.print(table)
    if result.alerts_file and result.alerts_file.exists():
        lines = result.alerts_file.read_text("utf-8").splitlines()
        console.print(
            f"{len(lines)} alert(s) for subscription '{DEMO_SUBSCRIPTION}' written to {result.alerts_file}"
        )
    db = "" if str(result.db_path) == "govwatch.duckdb" else f" --db {result.db_path}"
    command = invocation(sys.argv[0], shutil.which("govwatch"))
    console.print("\nTry:")
    for hint in [*(f"query {json.dumps(sql)}{db}" for sql in EXAMPLE_QUERIES), f"subscriptions list{db}"]:
        console.print(f"  {command} {hint}", soft_wrap=True, highlight=False, markup=False)
    console.print("\nOr look at it in a browser (highlighted evidence, money chart, SQL box):")
    console.print(
        f"  {command} serve{db}    # then open http://127.0.0.1:8080/",
        soft_wrap=True,
        highlight=False,
        markup=False,
    )


def sample_config_toml(base_url: str, db_path: Path) -> str:
    """A govwatch.toml that points `govwatch run` at a sample server serving on `base_url`."""
    from govwatch.config_reference import to_toml
    from govwatch.demo.server import sample_sources

    return to_toml(
        {
            "govuk": {"base_url": base_url},
            "duckdb": {"path": str(db_path)},
            "http": {"requests_per_second_per_host": 200.0},
            "sources": [
                {"name": s.name, "kind": s.kind, "url": s.url, "interval": f"{s.interval_s:g}s"}
                for s in sample_sources(base_url)
            ],
        }
    )


def serve_sample(
    *, port: int, phase: int, db_path: Path, ready: Callable[[str, str], None], stop_check_s: float = 0.5
) -> None:
    """Serve the bundled sample on 127.0.0.1 until interrupted; `ready(base_url, config_toml)` is called
    once it answers."""
    from govwatch.demo.server import SampleServer

    try:
        server = SampleServer(phase=phase, port=port).start()
    except OSError as exc:
        raise GovwatchError(f"cannot serve on 127.0.0.1:{port}: {exc}; pick another --port") from exc
    try:
        ready(server.base_url, sample_config_toml(server.base_url, db_path))
        while True:
            time.sleep(stop_check_s)
    finally:
        server.stop()


def invocation(argv0: str, on_path: str | None) -> str:
    """How the user can type govwatch again: `govwatch` when that name on PATH is this program, else the
    path they ran (`.venv/bin/govwatch` after `make demo`), else `python -m govwatch`.

    >>> invocation(".venv/bin/govwatch", None)
    '.venv/bin/govwatch'
    >>> invocation("/usr/bin/govwatch", "/usr/bin/govwatch")
    'govwatch'
    >>> invocation("/x/govwatch/__main__.py", None)
    'python -m govwatch'
    """
    program = Path(argv0)
    if program.name != "govwatch":
        return "python -m govwatch"
    if on_path and Path(on_path).resolve() == program.resolve():
        return "govwatch"
    return argv0
