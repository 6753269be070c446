"""The Starlette application behind `govwatch serve`: read-only pages, feeds and a SQL box.

Starlette with Jinja2 because both are small, well kept and enough: routing, a test client, static files
and templates that escape every value by default; the pages need nothing a larger framework adds. Every
route is a GET (nothing here changes data); handlers are sync, so Starlette runs them in its thread pool
while DuckDB reads. Between requests the app keeps the file open while no writer wants it
(`govwatch.query_reader`): a page then reads a warm database instead of opening the file for each read.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from govwatch.alerts.data import PARTNERSHIP_KINDS
from govwatch.alerts.subscriptions import compile_subscription, load_subscriptions, parse_min_amount
from govwatch.config import Settings, SubscriptionConfig
from govwatch.errors import ConfigError, GovwatchError, QueryError
from govwatch.query_reader import IDLE_RELEASE_S, SharedReader
from govwatch.serve import pages, tables
from govwatch.serve.chart import bar_chart, format_gbp
from govwatch.serve.feeds import FeedEntry, atom_feed
from govwatch.serve.filters import FilterError, read_filters
from govwatch.serve.highlight import mark_up
from govwatch.serve.reading import ReadThrough
from govwatch.serve.security import Guard
from govwatch.status import status_report

log = logging.getLogger(__name__)

CHOICES_TTL_S = 60.0


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("govwatch.serve", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["gbp"] = format_gbp
    env.filters["day"] = format_day
    env.filters["stamp"] = format_stamp
    env.filters["web_link"] = web_link
    env.filters["month"] = lambda v: str(v or "")[:7]
    env.filters["cell"] = _cell
    env.globals["kinds"] = PARTNERSHIP_KINDS
    return env


def format_day(value: Any) -> str:
    """A timestamp (or its ISO text, as the read path returns it) as a day.

    >>> format_day("2025-07-01T09:30:00+00:00"), format_day(None)
    ('01 Jul 2025', '')
    """
    if isinstance(value, str) and value:
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    return value.strftime("%d %b %Y") if isinstance(value, datetime) else ""


def web_link(url: Any) -> str:
    """A source URL fit for a link: http(s) only, so a feed cannot plant a `javascript:` link.

    >>> web_link("https://www.gov.uk/x"), web_link(" JavaScript:alert(1)"), web_link(None)
    ('https://www.gov.uk/x', '', '')
    """
    text = str(url or "").strip()
    return text if urlsplit(text).scheme.lower() in ("http", "https") else ""


def format_stamp(value: Any) -> str:
    """A timestamp (or its ISO text) to the minute, in UTC.

    >>> format_stamp("2026-12-06T05:26:29.395+01:00")
    '06 Dec 2026 04:26 UTC'
    """
    if isinstance(value, str) and value:
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    if not isinstance(value, datetime):
        return ""
    moment: datetime = value.astimezone(UTC) if value.tzinfo is not None else value
    return moment.strftime("%d %b %Y %H:%M UTC")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def create_app(settings: Settings, *, token: str = "", keep_open_s: float = IDLE_RELEASE_S) -> Starlette:
    """The web application over the database named by `settings`.

    Args:
        settings: the database path (and subscriptions) to read.
        token: when set, every request must carry it (`?token=`, then a cookie, or a Bearer header).
        keep_open_s: keep the file open this long after the last read, while no writer wants it
            (`govwatch.query_reader`); 0 opens it for every read. `app.state.reader` lets go of it.
    """
    env = _environment()
    choices_cache: list[tuple[float, dict[str, list[str]]]] = []

    def filter_choices() -> dict[str, list[str]]:
        """The filter form's suggestions, read at most once a minute (they change slowly, and reading
        every organisation of 100k announcements costs more than the page itself)."""
        if not choices_cache or time.monotonic() - choices_cache[0][0] > CHOICES_TTL_S:
            choices_cache[:] = [(time.monotonic(), pages.filter_choices(settings))]
        return choices_cache[0][1]

    def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        template = env.get_template(name)
        html = template.render(path=request.url.path, **context)
        return HTMLResponse(html, status_code=status)

    def problem(request: Request, message: str, status: int) -> HTMLResponse:
        return render(request, "error.html", status=status, title="Cannot show this page", message=message)

    def guarded(handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
        def wrapper(request: Request) -> Response:
            try:
                return handler(request)
            except FilterError as exc:
                return problem(request, str(exc), 400)
            except GovwatchError as exc:
                log.warning("page %s: %s", request.url.path, exc)
                return problem(request, str(exc), 503)

        return wrapper

    def _params(request: Request) -> dict[str, str]:
        return {key: value for key, value in request.query_params.items()}

    @guarded
    def announcements(request: Request) -> Response:
        filters = read_filters(_params(request), parse_min_amount)
        page = pages.announcement_page(settings, filters)
        next_link = "/?" + filters.query_string(after=page.next_after) if page.next_after is not None else ""
        return render(
            request,
            "list.html",
            title="Announcements",
            filters=filters,
            page=page,
            next_link=next_link,
            first_link=("/?" + filters.query_string()) if filters.after is not None else "",
            feed_link="/feed.atom?" + filters.query_string(),
            choices=filter_choices(),
        )

    @guarded
    def announcement(request: Request) -> Response:
        ident = request.query_params.get("id", "")
        view = pages.read_announcement(settings, ident) if ident else None
        if view is None:
            return problem(request, "no announcement with that id is stored; go back to the list", 404)
        return render(
            request,
            "announcement.html",
            title=view.row["title"],
            view=view,
            body=mark_up(view.body, view.spans),
        )

    @guarded
    def partnerships(request: Request) -> Response:
        kind = request.query_params.get("kind", "")
        if kind and kind not in PARTNERSHIP_KINDS:
            raise FilterError(f"kind must be one of {', '.join(PARTNERSHIP_KINDS)}")
        return render(
            request,
            "partnerships.html",
            title="Partnerships",
            kind=kind,
            rows=tables.partnership_rows(settings, kind),
            partners=tables.frequent_partners(settings),
        )

    @guarded
    def money(request: Request) -> Response:
        bars = tables.money_bars(settings)
        month_bars = tables.money_month_bars(settings)
        return render(
            request,
            "money.html",
            title="Money",
            chart=bar_chart(bars, "Money announced per department, in pounds", "by-department"),
            month_chart=bar_chart(month_bars, "Money announced per month, in pounds", "by-month"),
            bars=bars,
            months=tables.money_months(settings),
            rates=tables.gbp_rates(settings),
        )

    @guarded
    def money_figures(request: Request) -> Response:
        organisation = request.query_params.get("organisation", "")
        month = request.query_params.get("month", "")
        return render(
            request,
            "money_figures.html",
            title="Money: " + " · ".join(part for part in (organisation, month) if part),
            organisation=organisation,
            month=month,
            rows=tables.money_figures(settings, organisation, month),
        )

    def _subscriptions() -> tuple[list[Any], str]:
        try:
            return list(load_subscriptions(settings, env={})), ""
        except ConfigError as exc:
            return [], str(exc)

    @guarded
    def subscriptions(request: Request) -> Response:
        subs, error = _subscriptions()
        counts = tables.alert_counts(settings)
        return render(
            request,
            "subscriptions.html",
            title="Subscriptions and alerts",
            subscriptions=subs,
            # Alerts of subscriptions this config no longer (or never) declared: still worth seeing.
            elsewhere=sorted(set(counts) - {sub.name for sub in subs}),
            error=error,
            counts=counts,
            alerts=tables.recent_alerts(settings),
        )

    @guarded
    def sources(request: Request) -> Response:
        """What `govwatch status` shows, from the same `status_report` (no second way to read it)."""
        return render(request, "sources.html", title="Sources", report=status_report(settings))

    @guarded
    def preview(request: Request) -> Response:
        params = request.query_params
        config = SubscriptionConfig(
            name="preview",
            channel="stdout",
            kinds=tuple(v for v in params.getlist("kind") if v),
            organisations=tuple(v for v in params.getlist("organisation") if v),
            topics=tuple(v for v in params.getlist("topic") if v),
            keywords=tuple(v for v in params.getlist("keyword") if v),
            min_amount=params.get("min_amount", ""),
        )
        try:
            sub = compile_subscription(config, env={})
        except ConfigError as exc:
            return render(request, "preview.html", status=400, title="Preview", error=str(exc), config=config)
        scanned, matches = tables.preview_matches(settings, sub)
        return render(
            request,
            "preview.html",
            title="Preview",
            error="",
            config=config,
            rule=sub.rule,
            scanned=scanned,
            matches=matches,
        )

    @guarded
    def sql_page(request: Request) -> Response:
        sql = request.query_params.get("sql", "").strip()
        result, error = None, ""
        if sql:
            try:
                result = tables.run_sql(settings, sql)
            except QueryError as exc:
                error = str(exc)
        links = {fmt: f"/sql.{fmt}?" + urlencode({"sql": sql}) for fmt in ("csv", "json")} if sql else {}
        return render(
            request,
            "sql.html",
            status=400 if error else 200,
            title="SQL",
            sql=sql,
            result=result,
            error=error,
            links=links,
        )

    def sql_export(request: Request) -> Response:
        fmt = request.path_params["fmt"]
        if fmt not in ("csv", "json"):
            return PlainTextResponse("error: use /sql.csv or /sql.json\n", status_code=404)
        try:
            result = tables.run_sql(settings, request.query_params.get("sql", ""))
        except QueryError as exc:
            return PlainTextResponse(f"error: {exc}\n", status_code=400)
        if fmt == "json":
            body = json.dumps(
                [dict(zip(result.columns, row, strict=True)) for row in result.rows],
                ensure_ascii=False,
                default=str,
            )
            return Response(body, media_type="application/json")
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(result.columns)
        for row in result.rows:
            writer.writerow(_cell(v) for v in row)
        return Response(
            out.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="govwatch.csv"'},
        )

    def _entry_link(request: Request, ident: str) -> str:
        return str(request.url_for("announcement")) + "?" + urlencode({"id": ident})

    def list_feed(request: Request) -> Response:
        try:
            filters = read_filters(_params(request), parse_min_amount)
            page = pages.announcement_page(settings, filters)
        except FilterError as exc:
            return PlainTextResponse(f"error: {exc}\n", status_code=400)
        except GovwatchError as exc:
            return PlainTextResponse(f"error: {exc}\n", status_code=503)
        entries = [
            FeedEntry(
                id=f"govwatch:announcement:{row.id}",
                title=row.title,
                link=_entry_link(request, row.id),
                updated=row.latest_at,
                summary=", ".join(row.kinds + row.parties),
            )
            for row in page.rows
        ]
        query = filters.query_string()
        feed = atom_feed(
            feed_id="govwatch:list:" + query,
            title="govwatch announcements" + (f" ({query})" if query else ""),
            self_link=str(request.url),
            entries=entries,
        )
        return Response(feed, media_type="application/atom+xml")

    def subscription_feed(request: Request) -> Response:
        name = request.path_params["name"]
        try:
            rows = tables.recent_alerts(settings, name)
        except GovwatchError as exc:
            return PlainTextResponse(f"error: {exc}\n", status_code=503)
        entries = [
            FeedEntry(
                id=f"govwatch:alert:{name}:{row['announcement_id']}:{row['version']}",
                title=str(row["title"] or row["announcement_id"]),
                link=_entry_link(request, str(row["announcement_id"])),
                updated=row["created_at"] if isinstance(row["created_at"], datetime) else None,
                summary=f"version {row['version']}, {row['status']}",
            )
            for row in rows
        ]
        feed = atom_feed(
            feed_id=f"govwatch:subscription:{name}",
            title=f"govwatch subscription {name}",
            self_link=str(request.url),
            entries=entries,
        )
        return Response(feed, media_type="application/atom+xml")

    def favicon(request: Request) -> Response:
        return RedirectResponse("/static/favicon.svg", status_code=301)

    routes = [
        Route("/", announcements, name="announcements"),
        Route("/announcement", announcement, name="announcement"),
        Route("/partnerships", partnerships, name="partnerships"),
        Route("/money", money, name="money"),
        Route("/money/figures", money_figures, name="money_figures"),
        Route("/subscriptions", subscriptions, name="subscriptions"),
        Route("/subscriptions/preview", preview, name="preview"),
        Route("/subscriptions/{name}/feed.atom", subscription_feed, name="subscription_feed"),
        Route("/sources", sources, name="sources"),
        Route("/sql", sql_page, name="sql"),
        Route("/sql.{fmt:str}", sql_export, name="sql_export"),
        Route("/feed.atom", list_feed, name="feed"),
        Route("/favicon.ico", favicon),
        Mount("/static", StaticFiles(packages=[("govwatch.serve", "static")]), name="static"),
    ]
    reader = SharedReader(settings.db_path, idle_s=keep_open_s)
    app = Starlette(
        routes=routes, middleware=[Middleware(Guard, token=token), Middleware(ReadThrough, reader=reader)]
    )
    app.state.reader = reader
    return app
