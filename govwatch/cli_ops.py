"""Commands for running govwatch unattended: `govwatch status`, `govwatch config check|reference`.

Like every command, they wrap library calls (`govwatch.status`, `govwatch.config_reference`) and hold no
logic of their own.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console

from govwatch.cli_support import ConfigOption, DbOption, handle_errors, print_table, settings_from


class StatusFormat(StrEnum):
    table = "table"
    json = "json"


@handle_errors
def status(
    fmt: Annotated[StatusFormat, typer.Option("--format", "-f", help="table or json.")] = StatusFormat.table,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Show how govwatch is doing: each source, the running loader's lag, alerts and recent dead letters.

    Reads the connector checkpoint (per source: last poll, last success, last error, items seen, next due,
    backing off until), the `<db>.run.json` a running `govwatch run` keeps up to date (consumer lag per
    partition), and the database (alerts pending and failed, dead letters of the last day by stage), also
    while a run is writing it. Writes the report to stdout.

    Example: govwatch status --format json
    """
    from govwatch.status import STATUS_COLUMNS, status_lines, status_report, status_rows

    report = status_report(settings_from(config, db))
    if fmt is StatusFormat.json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2, default=str))
        return
    out = Console()
    print_table(STATUS_COLUMNS, status_rows(report), out=out)
    for line in status_lines(report):
        out.print(line, markup=False, highlight=False)


config_app = typer.Typer(
    help="Check the configuration, or print the reference of every key and variable.",
    rich_markup_mode=None,
    no_args_is_help=True,
)


@config_app.command("check")
@handle_errors
def config_check(config: ConfigOption = None, db: DbOption = None) -> None:
    """Validate the config and print it resolved (file, then GOVWATCH_* variables), secrets masked.

    Reads the config file and the environment, and checks the subscriptions as `govwatch run` would
    (channels, filters, webhook secrets); writes the resolved config as TOML to stdout. Exit 1 with one
    line per mistake when something is wrong.

    Example: govwatch config check --config /etc/govwatch/govwatch.toml
    """
    from govwatch.alerts.subscriptions import load_subscriptions
    from govwatch.config_reference import masked_config, to_toml

    settings = settings_from(config, db)
    subscriptions = load_subscriptions(settings)
    sys.stdout.write(to_toml(masked_config(settings)))
    typer.echo(
        f"config OK: {settings.config_path or 'no config file'}, {len(settings.sources)} sources, "
        f"{len(subscriptions)} subscriptions",
        err=True,
    )


@config_app.command("reference")
def config_reference() -> None:
    """Print the reference of every config key and environment variable (Markdown, as in the README).

    Example: govwatch config reference
    """
    from govwatch.config_reference import config_reference_markdown

    sys.stdout.write(config_reference_markdown())


def register(app: typer.Typer) -> None:
    """Add `status` and `config check|reference` to the main `govwatch` app."""
    app.command("status")(status)
    app.add_typer(config_app, name="config")
