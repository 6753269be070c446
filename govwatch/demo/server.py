"""A local stand-in for www.gov.uk (and one devolved newsroom) that serves the bundled sample on 127.0.0.1.

`govwatch demo` and the end-to-end tests point the connectors at it instead of the real site. It answers
like the real servers do where it matters to a poller: Atom feeds per organisation, the Content API, the
Search API with its paging and filters, article pages, an RSS 2.0 newsroom, and conditional GET (ETag and
Last-Modified give 304). `set_phase(2)` publishes the second version of the announcements the sample marks
as updated, so a second poll sees changes. Every page is rendered once per phase when the server starts.

Example:
    with SampleServer() as server:
        sources = sample_sources(server.base_url)
        ...                      # poll, then
        server.set_phase(2)      # and poll again
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from email.utils import format_datetime, parsedate_to_datetime
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from govwatch.config import SourceConfig
from govwatch.demo.render import (
    DOCUMENT_TYPES,
    EMPTY_FEED_UPDATED,
    GOVERNMENT,
    Sample,
    Version,
    bundled_sample,
    content_store_time,
    render_article_page,
    render_atom_feed,
    render_content_item,
    render_newsroom_page,
    render_rss_feed,
    version_of,
)

log = logging.getLogger(__name__)

PHASES = (1, 2)
ATOM_ENTRIES_MAX = 20  # GOV.UK's organisation and finder feeds list the 20 most recent items
SEARCH_COUNT_DEFAULT = 10
SEARCH_COUNT_MAX = 1500
CACHE_CONTROL = "max-age=300, public"
DEMO_POLL_INTERVAL_S = 5.0
SHUTDOWN_POLL_S = 0.05  # how often serve_forever checks for shutdown; keeps stop() quick
ALL_NEWS_FEED_PATH = "/search/news-and-communications.atom"
ALL_NEWS_FEED_TITLE = "News and communications"
SEARCH_PATH = "/api/search.json"
DEFAULT_SEARCH_FIELDS = (
    "content_id",
    "content_store_document_type",
    "description",
    "link",
    "organisations",
    "public_timestamp",
    "title",
)
_SEARCH_FILTERS = ("organisations", "content_store_document_type", "public_timestamp", "content_id")
_SEARCH_PARAMS = {"q", "start", "count", "order", "fields", "c"} | {
    f"filter_{name}" for name in _SEARCH_FILTERS
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Resource:
    """One rendered response: its bytes, type and the validators conditional GET compares."""

    body: bytes
    content_type: str
    last_modified: datetime

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:20] + '"'


class _QuietHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that logs a dropped connection instead of printing a traceback to stderr."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("sample server: request from %s failed", client_address, exc_info=True)


class SearchQueryError(ValueError):
    """A Search API request the real API would refuse with 422."""


def _stamp(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _json_resource(data: object, last_modified: datetime) -> Resource:
    body = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    return Resource(body=body, content_type="application/json; charset=utf-8", last_modified=last_modified)


def _phase_versions(sample: Sample, phase: int) -> list[Version]:
    return [version_of(a, phase) for a in sample.announcements]


def _atom_resource(members: list[Version], path: str, title: str, base_url: str) -> Resource:
    """An Atom feed of the newest `ATOM_ENTRIES_MAX` members, last modified when its newest entry was."""
    newest = sorted(members, key=lambda v: _stamp(v.public_updated_at), reverse=True)[:ATOM_ENTRIES_MAX]
    atom = render_atom_feed(newest, feed_path=path, title=title, base_url=base_url).encode("utf-8")
    modified = max((_stamp(v.public_updated_at) for v in newest), default=_stamp(EMPTY_FEED_UPDATED))
    return Resource(body=atom, content_type="application/atom+xml; charset=utf-8", last_modified=modified)


def _index_resource(sample: Sample, base_url: str) -> Resource:
    """A plain page at `/` that lists the feeds, for people who open the demo server in a browser."""
    paths = [ALL_NEWS_FEED_PATH, SEARCH_PATH, sample.newsroom["feed_path"]]
    paths += [org.base_path + ".atom" for org in sample.organisations.values()]
    links = "".join(f'<li><a href="{base_url}{p}">{p}</a></li>' for p in paths)
    page = (
        f"<!DOCTYPE html><title>govwatch sample server</title><h1>govwatch sample server</h1><ul>{links}</ul>"
    )
    return Resource(
        body=page.encode("utf-8"),
        content_type="text/html; charset=utf-8",
        last_modified=_stamp(EMPTY_FEED_UPDATED),
    )


def _render_site(sample: Sample, phase: int, base_url: str) -> dict[str, Resource]:
    """Every fixed URL path of one phase and what it serves."""
    site: dict[str, Resource] = {"/": _index_resource(sample, base_url)}
    versions = _phase_versions(sample, phase)
    govuk = [v for v in versions if v.announcement.site == "govuk"]
    for v in govuk:
        a = v.announcement
        modified = _stamp(v.updated_at)
        page = render_article_page(v, sample, base_url).encode("utf-8")
        site[a.base_path] = Resource(
            body=page, content_type="text/html; charset=utf-8", last_modified=modified
        )
        site["/api/content" + a.base_path] = _json_resource(
            render_content_item(v, sample, base_url), modified
        )
    site[ALL_NEWS_FEED_PATH] = _atom_resource(govuk, ALL_NEWS_FEED_PATH, ALL_NEWS_FEED_TITLE, base_url)
    for org in sample.organisations.values():
        mine = [v for v in govuk if org.slug in v.organisations]
        path = org.base_path + ".atom"
        site[path] = _atom_resource(mine, path, f"{org.title} - Activity on GOV.UK", base_url)
    news = [v for v in versions if v.announcement.site == "newsroom"]
    newsroom = sample.newsroom
    for v in news:
        page = render_newsroom_page(v, newsroom, base_url).encode("utf-8")
        site[v.announcement.base_path] = Resource(
            body=page, content_type="text/html; charset=utf-8", last_modified=_stamp(v.public_updated_at)
        )
    if news:
        rss = render_rss_feed(news, newsroom, base_url).encode("utf-8")
        modified = max(_stamp(v.public_updated_at) for v in news)
        site[newsroom["feed_path"]] = Resource(
            body=rss, content_type="application/rss+xml; charset=utf-8", last_modified=modified
        )
    return site


def search_document(version: Version, sample: Sample) -> dict[str, Any]:
    """Every field the Search API can return for one announcement (the server picks `fields`)."""
    a = version.announcement
    orgs = [sample.organisations[slug] for slug in version.organisations]
    return {
        "content_id": a.content_id,
        "content_store_document_type": a.document_type,
        "description": version.description,
        "display_type": DOCUMENT_TYPES[a.document_type][2],
        "format": DOCUMENT_TYPES[a.document_type][0],
        "government_name": GOVERNMENT["title"],
        "is_historic": False,
        "link": a.base_path,
        "organisations": [
            {
                "acronym": o.acronym,
                "content_id": o.content_id,
                "link": o.base_path,
                "organisation_state": "live",
                "organisation_type": o.organisation_type,
                "slug": o.slug,
                "title": o.title,
            }
            for o in orgs
        ],
        "public_timestamp": content_store_time(version.public_updated_at),
        "title": version.title,
        "updated_at": content_store_time(version.updated_at),
    }


def _parse_query(query: str) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        params.setdefault(key.removesuffix("[]"), []).append(value)
    unexpected = sorted(set(params) - _SEARCH_PARAMS)
    if unexpected:
        raise SearchQueryError(f"Unexpected parameters: {', '.join(unexpected)}")
    return params


def _int_param(params: dict[str, list[str]], name: str, default: int, maximum: int) -> int:
    raw = params.get(name, [str(default)])[-1]
    if not raw.isdigit() or int(raw) > maximum:
        raise SearchQueryError(f"Invalid value {raw!r} for parameter {name!r} (0 to {maximum})")
    return int(raw)


def _timestamp_bounds(spec: str) -> tuple[datetime | None, datetime | None]:
    """Read `from:2025-07-01,to:2025-07-31` (dates or ISO timestamps; a bare `to` date includes its day)."""
    bounds: dict[str, datetime] = {}
    for part in spec.split(","):
        key, _, value = part.partition(":")
        if key not in ("from", "to") or not value:
            raise SearchQueryError(f"Invalid public_timestamp filter {spec!r}: use from:DATE,to:DATE")
        try:
            if len(value) == 10:
                day = date.fromisoformat(value)
                bounds[key] = datetime.combine(day, time.max if key == "to" else time.min, tzinfo=UTC)
            else:
                stamp = datetime.fromisoformat(value.replace(" ", "T"))
                bounds[key] = stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
        except ValueError as exc:
            raise SearchQueryError(f"Invalid date {value!r} in public_timestamp filter") from exc
    return bounds.get("from"), bounds.get("to")


def run_search(documents: list[dict[str, Any]], query: str) -> dict[str, Any]:
    """Answer a Search API query string over the phase's documents, the way `/api/search.json` does.

    Raises:
        SearchQueryError: an unknown parameter or a bad value (the server answers 422).
    """
    params = _parse_query(query)
    start = _int_param(params, "start", 0, 10**6)
    count = _int_param(params, "count", SEARCH_COUNT_DEFAULT, SEARCH_COUNT_MAX)
    order = params.get("order", ["-public_timestamp"])[-1]
    if order.lstrip("-") not in ("public_timestamp", "title"):
        raise SearchQueryError(f"Unexpected order {order!r}")
    selected = list(documents)
    for words in params.get("q", []):
        terms = words.lower().split()
        selected = [
            d for d in selected if all(t in (d["title"] + " " + d["description"]).lower() for t in terms)
        ]
    if orgs := params.get("filter_organisations"):
        selected = [d for d in selected if {o["slug"] for o in d["organisations"]} & set(orgs)]
    if types := params.get("filter_content_store_document_type"):
        selected = [d for d in selected if d["content_store_document_type"] in types]
    if ids := params.get("filter_content_id"):
        selected = [d for d in selected if d["content_id"] in ids]
    for spec in params.get("filter_public_timestamp", []):
        low, high = _timestamp_bounds(spec)
        selected = [
            d
            for d in selected
            if (low is None or _stamp(d["public_timestamp"]) >= low)
            and (high is None or _stamp(d["public_timestamp"]) <= high)
        ]
    key = order.lstrip("-")
    sort_key = (lambda d: _stamp(d[key])) if key == "public_timestamp" else (lambda d: d[key])
    selected.sort(key=sort_key, reverse=order.startswith("-"))
    fields = [f for raw in params.get("fields", []) for f in raw.split(",") if f] or list(
        DEFAULT_SEARCH_FIELDS
    )
    results = [
        {field: d[field] for field in fields if field in d}
        | {
            "index": "govuk",
            "es_score": None,
            "_id": d["link"],
            "elasticsearch_type": "edition",
            "document_type": "edition",
        }
        for d in selected[start : start + count]
    ]
    return {
        "results": results,
        "total": len(selected),
        "start": start,
        "aggregates": {},
        "suggested_queries": [],
        "suggested_autocomplete": [],
        "es_cluster": "A",
    }


def _not_modified(headers: Any, resource: Resource) -> bool:
    """RFC 9110: If-None-Match wins over If-Modified-Since; either may make a GET answer 304."""
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or resource.etag in tags
    if_modified_since = headers.get("If-Modified-Since")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:  # "-0000" means UTC with no claim about local time
            since = since.replace(tzinfo=UTC)
        return resource.last_modified.replace(microsecond=0) <= since
    return False


class SampleServer:
    """Serve the sample on 127.0.0.1 at a free port; a context manager that starts and stops the server.

    Attributes of interest: `base_url`, `phase`; `request_counts()` tells what was asked for, by path.
    """

    def __init__(
        self, *, sample: Sample | None = None, phase: int = 1, host: str = "127.0.0.1", port: int = 0
    ):
        if phase not in PHASES:
            raise ValueError(f"phase must be one of {PHASES}, not {phase!r}")
        self.sample = sample or bundled_sample()
        self._host = host
        self._port = port
        self._phase = phase
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._statuses: Counter[int] = Counter()
        self._sites: dict[int, dict[str, Resource]] = {}
        self._search_docs: dict[int, list[dict[str, Any]]] = {}
        self._httpd: _QuietHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError(
                "the sample server is not running; use it as a context manager or call start()"
            )
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def phase(self) -> int:
        return self._phase

    def start(self) -> SampleServer:
        """Bind, render every phase for the bound address, and serve from a daemon thread."""
        self._httpd = _QuietHTTPServer((self._host, self._port), _make_handler(self))
        for phase in PHASES:
            self._sites[phase] = _render_site(self.sample, phase, self.base_url)
            self._search_docs[phase] = [
                search_document(v, self.sample)
                for v in _phase_versions(self.sample, phase)
                if v.announcement.site == "govuk"
            ]
        serve = partial(self._httpd.serve_forever, poll_interval=SHUTDOWN_POLL_S)
        self._thread = threading.Thread(target=serve, name="sample-server", daemon=True)
        self._thread.start()
        log.info("sample server on %s (phase %d, %d paths)", self.base_url, self._phase, len(self._sites[1]))
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()
        self._httpd = None
        self._thread = None

    def __enter__(self) -> SampleServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def set_phase(self, phase: int) -> None:
        """Publish phase 1 (first versions) or phase 2 (the updated announcements' second versions)."""
        if phase not in PHASES:
            raise ValueError(f"phase must be one of {PHASES}, not {phase!r}")
        with self._lock:
            self._phase = phase
        log.info("sample server now serves phase %d", phase)

    def organisation_slugs(self) -> list[str]:
        return sorted(self.sample.organisations)

    def feed_urls(self) -> list[str]:
        """Every organisation's Atom feed, then the newsroom's RSS feed."""
        urls = [f"{self.base_url}/government/organisations/{slug}.atom" for slug in self.organisation_slugs()]
        return [*urls, self.base_url + self.sample.newsroom["feed_path"]]

    def request_counts(self) -> dict[str, int]:
        """How many requests each path received (query strings dropped)."""
        with self._lock:
            return dict(self._counts)

    def status_counts(self) -> dict[int, int]:
        with self._lock:
            return dict(self._statuses)

    def reset_counts(self) -> None:
        with self._lock:
            self._counts.clear()
            self._statuses.clear()

    def _count(self, path: str, status: int) -> None:
        with self._lock:
            self._counts[path] += 1
            self._statuses[status] += 1

    def _finder_feed(self, phase: int, query: str) -> Resource:
        """The news-and-communications feed filtered by `organisations[]`, as GOV.UK's finder feeds are."""
        wanted = [value for key, value in parse_qsl(query) if key.removesuffix("[]") == "organisations"]
        members = [
            v
            for v in _phase_versions(self.sample, phase)
            if v.announcement.site == "govuk" and (not wanted or set(wanted) & set(v.organisations))
        ]
        names = [
            self.sample.organisations[slug].title for slug in wanted if slug in self.sample.organisations
        ]
        title = ALL_NEWS_FEED_TITLE + (" from " + " and ".join(names) if names else "")
        return _atom_resource(members, ALL_NEWS_FEED_PATH, title, self.base_url)

    def respond(self, path: str, query: str) -> tuple[int, Resource | None, str]:
        """Decide the answer for one GET: (status, resource or None, error text)."""
        phase = self._phase
        if path == SEARCH_PATH:
            docs = self._search_docs[phase]
            try:
                answer = run_search(docs, query)
            except SearchQueryError as exc:
                return HTTPStatus.UNPROCESSABLE_ENTITY, None, json.dumps({"error": str(exc)})
            newest = max(_stamp(d["public_timestamp"]) for d in docs)
            return HTTPStatus.OK, _json_resource(answer, newest), ""
        if path == ALL_NEWS_FEED_PATH and query:
            return HTTPStatus.OK, self._finder_feed(phase, query), ""
        resource = self._sites[phase].get(path.rstrip("/") or "/")
        if resource is None:
            return HTTPStatus.NOT_FOUND, None, "Not found"
        return HTTPStatus.OK, resource, ""


def _make_handler(server: SampleServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "nginx"
        sys_version = ""
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in two writes; do not wait 40 ms between

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("sample server: " + format, *args)

        def do_HEAD(self) -> None:
            self._answer(send_body=False)

        def do_GET(self) -> None:
            self._answer(send_body=True)

        def _answer(self, *, send_body: bool) -> None:
            parts = urlsplit(self.path)
            status, resource, error = server.respond(parts.path, parts.query)
            if resource is None:
                body = error.encode("utf-8")
                self._send(
                    status, body, "application/json" if error.startswith("{") else "text/plain", send_body
                )
            elif _not_modified(self.headers, resource):
                status = HTTPStatus.NOT_MODIFIED
                self.send_response(status)
                self._validators(resource)
                self.end_headers()
            else:
                self._send(status, resource.body, resource.content_type, send_body, resource)
            server._count(parts.path, int(status))

        def _validators(self, resource: Resource) -> None:
            self.send_header("ETag", resource.etag)
            self.send_header(
                "Last-Modified", format_datetime(resource.last_modified.astimezone(UTC), usegmt=True)
            )
            self.send_header("Cache-Control", CACHE_CONTROL)

        def _send(
            self,
            status: int,
            body: bytes,
            content_type: str,
            send_body: bool,
            resource: Resource | None = None,
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            if resource is not None:
                self._validators(resource)
            self.end_headers()
            if send_body:
                self.wfile.write(body)

    return Handler


def sample_sources(base_url: str, sample: Sample | None = None) -> list[SourceConfig]:
    """The sources `govwatch demo` polls: one `govuk_atom` per organisation feed and the newsroom's RSS.

    Args:
        base_url: the running server's `base_url`.
        sample: the sample that server serves; the bundled one by default.
    """
    sample = sample or bundled_sample()
    sources = [
        SourceConfig(
            name=f"govuk-{org.acronym.lower()}",
            kind="govuk_atom",
            url=f"{base_url}{org.base_path}.atom",
            interval_s=DEMO_POLL_INTERVAL_S,
            organisations=(org.slug,),
        )
        for org in sorted(sample.organisations.values(), key=lambda o: o.slug)
    ]
    sources.append(
        SourceConfig(
            name="newsroom-wales",
            kind="rss",
            url=base_url + sample.newsroom["feed_path"],
            interval_s=DEMO_POLL_INTERVAL_S,
        )
    )
    return sources


def expected_counts(phase: int, sample: Sample | None = None) -> dict[str, int]:
    """What a full poll of the sample in `phase` should yield, computed from the sample itself.

    Tests compare what the stack stored against these numbers rather than hard-coding them.

    Returns:
        `announcements`: distinct documents (`govuk` on GOV.UK plus `newsroom` items); `updated`: those
        with a second version by this phase; `versions`: distinct versions published up to and including
        this phase; `organisations`: GOV.UK organisation feeds; `mangled`: bodies served as GBK mojibake.

    Raises:
        ValueError: `phase` is not 1 or 2.

    >>> counts = expected_counts(1)
    >>> counts["versions"] == counts["announcements"] and counts["updated"] == 0
    True
    """
    if phase not in PHASES:
        raise ValueError(f"phase must be one of {PHASES}, not {phase!r}")
    sample = sample or bundled_sample()
    versions = _phase_versions(sample, phase)
    updated = sum(1 for v in versions if v.number > 1)
    return {
        "announcements": len(versions),
        "govuk": sum(1 for v in versions if v.announcement.site == "govuk"),
        "newsroom": sum(1 for v in versions if v.announcement.site == "newsroom"),
        "organisations": len(sample.organisations),
        "updated": updated,
        "versions": len(versions) + updated,
        "mangled": sum(1 for v in versions if v.announcement.mangled),
    }
