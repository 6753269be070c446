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

import json
import logging
import threading
from collections import Counter
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from govwatch.config import SourceConfig
from govwatch.demo.resources import (
    ALL_NEWS_FEED_PATH,
    ALL_NEWS_FEED_TITLE,
    ATOM_ENTRIES_MAX,
    SEARCH_PATH,
    Resource,
    atom_resource,
    json_resource,
    render_site,
)
from govwatch.demo.sample_model import Sample, bundled_sample, phase_versions
from govwatch.demo.search import (
    DEFAULT_SEARCH_FIELDS,
    SEARCH_COUNT_DEFAULT,
    SEARCH_COUNT_MAX,
    SearchQueryError,
    run_search,
    search_document,
)

__all__ = [
    "ALL_NEWS_FEED_PATH",
    "ALL_NEWS_FEED_TITLE",
    "ATOM_ENTRIES_MAX",
    "CACHE_CONTROL",
    "DEFAULT_SEARCH_FIELDS",
    "DEMO_POLL_INTERVAL_S",
    "PHASES",
    "SEARCH_COUNT_DEFAULT",
    "SEARCH_COUNT_MAX",
    "SEARCH_PATH",
    "SHUTDOWN_POLL_S",
    "Resource",
    "SampleServer",
    "SearchQueryError",
    "expected_counts",
    "run_search",
    "sample_sources",
    "search_document",
]

log = logging.getLogger(__name__)

PHASES = (1, 2)
CACHE_CONTROL = "max-age=300, public"
DEMO_POLL_INTERVAL_S = 5.0
SHUTDOWN_POLL_S = 0.05  # how often serve_forever checks for shutdown; keeps stop() quick


class _QuietHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that logs a dropped connection instead of printing a traceback to stderr."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("sample server: request from %s failed", client_address, exc_info=True)


def _stamp(value: str) -> datetime:
    return datetime.fromisoformat(value)


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
            self._sites[phase] = render_site(self.sample, phase, self.base_url)
            self._search_docs[phase] = [
                search_document(v, self.sample)
                for v in phase_versions(self.sample, phase)
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
            for v in phase_versions(self.sample, phase)
            if v.announcement.site == "govuk" and (not wanted or set(wanted) & set(v.organisations))
        ]
        names = [
            self.sample.organisations[slug].title for slug in wanted if slug in self.sample.organisations
        ]
        title = ALL_NEWS_FEED_TITLE + (" from " + " and ".join(names) if names else "")
        return atom_resource(members, ALL_NEWS_FEED_PATH, title, self.base_url)

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
            return HTTPStatus.OK, json_resource(answer, newest), ""
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
    versions = phase_versions(sample, phase)
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
