"""The alert commands of the `govwatch` CLI: subscribe, subscriptions list/remove, alerts.

They only wrap library calls (`govwatch.alerts.subscriptions`, `govwatch.query.read_rows`). The main app
mounts them with `register(app)`. A GovwatchError becomes one `error: ...` line on stderr and exit code 1;
usage errors exit 2 (typer's own handling).
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer

from govwatch.cli_support import (
    ConfigOption,
    DbOption,
    FormatOption,
    OutputFormat,
    handle_errors,
    settings_from,
    write_rows,
)
from govwatch.config import SubscriptionConfig
from govwatch.redact import mask_text

P = ParamSpec("P")
R = TypeVar("R")

ALERT_COLUMNS = (
    "id, subscription, announcement_id, version, channel, status, attempts, delivered_at, created_at, "
    "change, last_error, title"
)
# What a person reads in a terminal; every column is in --format csv/json/jsonl.
ALERT_TABLE_COLUMNS = 'created_at AS "when", subscription, status, title, last_error'


class AlertStatus(StrEnum):
    pending = "pending"
    delivered = "delivered"
    failed = "failed"


class Frequency(StrEnum):
    immediate = "immediate"
    daily = "daily"
    weekly = "weekly"


def _absolute_file(channel: str) -> str:
    """`file:alerts.jsonl` names a file from where the command runs, not from where `govwatch run` will."""
    kind, _, target = channel.partition(":")
    if kind.strip().lower() != "file" or not target.strip():
        return channel
    return f"file:{Path(target.strip()).expanduser().resolve()}"


@handle_errors
def subscribe(
    name: Annotated[str, typer.Argument(help="A unique name: letters, digits, '.', '_' or '-'.")],
    channel: Annotated[
        str,
        typer.Option("--channel", help="webhook:URL | email:ADDR | file:PATH | stdout.", show_default=False),
    ],
    kind: Annotated[
        list[str] | None, typer.Option("--kind", help="Partnership kind (repeat for OR); 'mou' works.")
    ] = None,
    organisation: Annotated[
        list[str] | None,
        typer.Option("--organisation", help="Publisher or party: slug, name or acronym (repeat)."),
    ] = None,
    topic: Annotated[
        list[str] | None, typer.Option("--topic", help="Topic such as 'ai' (repeat for OR).")
    ] = None,
    keyword: Annotated[
        list[str] | None, typer.Option("--keyword", help="Whole word or phrase in title or body (repeat).")
    ] = None,
    min_amount: Annotated[
        str, typer.Option("--min-amount", help="Smallest money figure, e.g. '£100m', '£1.5bn', '$2 billion'.")
    ] = "",
    where: Annotated[str, typer.Option("--where", help="SQL predicate over the announcement record.")] = "",
    frequency: Annotated[Frequency, typer.Option("--frequency", help="Each alert at once, or a digest.")] = (
        Frequency.immediate
    ),
    on_change: Annotated[
        bool, typer.Option("--on-change", help="Also alert when a matched amount, party or status changes.")
    ] = False,
    secret: Annotated[
        str,
        typer.Option(
            "--secret", help="Webhook signing key (else $GOVWATCH_WEBHOOK_SECRET).", show_default=False
        ),
    ] = "",
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Subscribe to announcements that match filters, delivered to a webhook, email, file or stdout.

    Filters combine with AND across options and OR within a repeated option. The subscription is checked
    (channel, kinds, amount, --where) and written to the subscriptions file beside the database
    (`<db>.subscriptions.json`, owner-only); a running `govwatch run` picks it up. Nothing goes to stdout.

    --where reads one row per announcement version with the columns id, version, url, title, summary,
    body_text, document_type, published_at, updated_at, language, source, withdrawn, organisations,
    kinds, parties, statuses, topics, entities, money_gbp, max_gbp, partnership_count, figure_count.

    Example: govwatch subscribe new-mous --kind mou --organisation dsit --min-amount "£100m"
    --channel webhook:https://example.org/hook --secret "$HOOK_SECRET"
    """
    from govwatch.alerts.subscriptions import add_subscription

    settings = settings_from(config, db)
    subscription = add_subscription(
        settings,
        SubscriptionConfig(
            name=name,
            channel=_absolute_file(channel),
            kinds=tuple(kind or ()),
            organisations=tuple(organisation or ()),
            topics=tuple(topic or ()),
            keywords=tuple(keyword or ()),
            min_amount=min_amount,
            where=where,
            frequency=frequency.value,
            on_change=on_change,
            secret=secret,
        ),
    )
    typer.echo(
        f"subscribed {subscription.name}: {subscription.rule} -> {subscription.channel.kind}", err=True
    )


subscriptions_app = typer.Typer(
    help="List or remove alert subscriptions.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


@subscriptions_app.command("list")
@handle_errors
def list_subscriptions(
    fmt: FormatOption = OutputFormat.table, config: ConfigOption = None, db: DbOption = None
) -> None:
    """List every subscription: from the config file and from `govwatch subscribe`. Secrets are not shown.

    Reads the config file and the subscriptions file; writes one row per subscription to stdout.

    Example: govwatch subscriptions list --format json
    """
    from govwatch.alerts.subscriptions import load_subscriptions

    settings = settings_from(config, db)
    columns = ["name", "origin", "channel", "frequency", "on_change", "rule", "secret"]
    rows = [
        [s.name, s.origin, s.channel.shown(), s.frequency, s.on_change, s.rule, "set" if s.secret else ""]
        for s in load_subscriptions(settings)
    ]
    write_rows(columns, rows, fmt)


@subscriptions_app.command("remove")
@handle_errors
def remove(
    name: Annotated[str, typer.Argument(help="The subscription's name.")],
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Remove a subscription made with `govwatch subscribe` (edit the config file for the others).

    Rewrites the subscriptions file; alerts already recorded stay in the `alerts` view, and pending ones
    are marked failed at the next delivery.

    Example: govwatch subscriptions remove new-mous
    """
    from govwatch.alerts.subscriptions import remove_subscription

    remove_subscription(settings_from(config, db), name)
    typer.echo(f"removed {name}", err=True)


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(
            f"{value!r} is not a date; write it like 2025-07-21 or 2025-07-21T09:00"
        ) from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@handle_errors
def alerts(
    since: Annotated[
        str | None, typer.Option("--since", help="Only alerts created at or after this date/time (UTC).")
    ] = None,
    status: Annotated[
        AlertStatus | None, typer.Option("--status", help="Only alerts with this status.")
    ] = None,
    subscription: Annotated[
        str | None, typer.Option("--subscription", help="Only this subscription.")
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Show recorded alerts and their delivery status, newest first (works while `govwatch run` runs).

    Reads the `alerts` view of the database; writes rows to stdout. The table shows when, subscription,
    status, title and last error; --format csv/json/jsonl give every column (id, announcement_id,
    version, channel, attempts, delivered_at, change, ...). Failed alerts carry the reason in last_error;
    they are also in the `deadletters` view.

    Example: govwatch alerts --since 2025-07-01 --status failed --format csv
    """
    from govwatch.query import read_rows

    since_at = _since(since)
    conditions: list[str] = []
    params: list[object] = []
    if since_at is not None:
        conditions.append("created_at >= ?")
        params.append(since_at)
    if status is not None:
        conditions.append("status = ?")
        params.append(status.value)
    if subscription is not None:
        conditions.append("subscription = ?")
        params.append(subscription)
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    chosen = ALERT_TABLE_COLUMNS if fmt is OutputFormat.table else ALERT_COLUMNS
    sql = f"SELECT {chosen} FROM alerts{where} ORDER BY created_at DESC, id"
    columns, rows = read_rows(settings_from(config, db), sql, params)
    # Alerts recorded by an earlier govwatch may hold a webhook URL with its token: never show it.
    masked = {columns.index(c) for c in ("channel", "last_error") if c in columns}
    shown = [
        [mask_text(v) if i in masked and isinstance(v, str) else v for i, v in enumerate(row)] for row in rows
    ]
    write_rows(columns, shown, fmt)


def register(app: typer.Typer) -> None:
    """Add `subscribe`, `subscriptions list|remove` and `alerts` to the main `govwatch` app."""
    app.command("subscribe")(subscribe)
    app.add_typer(subscriptions_app, name="subscriptions")
    app.command("alerts")(alerts)


app = typer.Typer(name="govwatch", help="Alert subscriptions.", no_args_is_help=True, add_completion=False)
register(app)
