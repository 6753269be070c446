"""A GOV.UK-format site on 127.0.0.1 whose announcements appear while it runs, for end-to-end benches.

It serves what govwatch reads from GOV.UK: an organisation's Atom feed (the newest `feed_entries`
announcements, newest first), the Content API item of each announcement, and `/api/search.json` over
everything published (the demo's Search API emulation). `publish(n)` makes the next `n` announcements
appear and records when; every feed request is timed too, so a bench can split an announcement's
latency into the wait for the next poll and the work after it.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from govwatch.demo.search import SearchQueryError, run_search
from tests.support.http_server import KeepAliveHandler

ROOT = Path(__file__).parents[1]
FEED_PATH = "/government/organisations/department-for-science-innovation-and-technology.atom"
ORGANISATION = "department-for-science-innovation-and-technology"
FIRST_PUBLISHED = datetime(2025, 7, 1, 9, 0, tzinfo=UTC)
_FIXTURE = ROOT / "tests" / "fixtures" / "connectors" / "govuk" / "content" / "openai_v1.json"


def content_id(index: int) -> str:
    return f"00000000-0000-4000-8000-{index:012d}"


def base_path(index: int) -> str:
    return f"/government/news/bench-story-{index}"


def _stamp(index: int) -> str:
    return (FIRST_PUBLISHED + timedelta(minutes=index)).isoformat(timespec="seconds")


class GovukSite:
    """The site; use as a context manager. Thread-safe: `publish` may run while govwatch reads."""

    def __init__(self, *, feed_entries: int = 50) -> None:
        self.feed_entries = feed_entries
        self.published_at: list[float] = []  # perf_counter() when announcement i appeared
        self.feed_requests: list[float] = []  # perf_counter() of every feed request
        self._template = json.loads(_FIXTURE.read_text(encoding="utf-8"))
        self._search_documents: list[dict[str, Any]] = []
        self._feed = self._render_feed()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def feed_url(self) -> str:
        return self.base_url + FEED_PATH

    def __enter__(self) -> GovukSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def publish(self, count: int = 1) -> None:
        """Make the next `count` announcements appear in the feed and the Search API, now."""
        with self._lock:
            for _ in range(count):
                index = len(self.published_at)
                self._search_documents.append(self._search_document(index))
                self.published_at.append(time.perf_counter())
            self._feed = self._render_feed()

    def content_item(self, index: int) -> dict[str, Any]:
        """The Content API item of announcement `index` (~6 KB, an MoU with a money figure)."""
        item = dict(self._template)
        item["content_id"] = content_id(index)
        item["base_path"] = base_path(index)
        item["title"] = f"Partner {index} and the UK sign a memorandum of understanding on AI compute"
        item["description"] = f"A £{index + 1} million partnership with Partner {index}."
        item["public_updated_at"] = item["first_published_at"] = item["updated_at"] = _stamp(index)
        details = dict(item["details"])
        details["body"] = (
            f"<div class='govspeak'><p>The Department for Science, Innovation and Technology and Partner "
            f"{index} Ltd have today signed a memorandum of understanding on AI compute worth "
            f"£{index + 1} million.</p></div>" + details["body"]
        )
        details["change_history"] = [{"note": "First published.", "public_timestamp": _stamp(index)}]
        details["first_public_at"] = _stamp(index)
        item["details"] = details
        return item

    def _search_document(self, index: int) -> dict[str, Any]:
        return {
            "content_id": content_id(index),
            "content_store_document_type": "press_release",
            "description": f"A £{index + 1} million partnership with Partner {index}.",
            "display_type": "Press release",
            "format": "press_release",
            "government_name": "2024 Labour government",
            "is_historic": False,
            "link": base_path(index),
            "organisations": [
                {
                    "acronym": "DSIT",
                    "content_id": "2e7868a8-38f5-4ff6-b62f-9a15d1c22d28",
                    "link": f"/government/organisations/{ORGANISATION}",
                    "organisation_state": "live",
                    "organisation_type": "ministerial_department",
                    "slug": ORGANISATION,
                    "title": "Department for Science, Innovation and Technology",
                }
            ],
            "public_timestamp": _stamp(index),
            "title": f"Partner {index} and the UK sign a memorandum of understanding on AI compute",
            "updated_at": _stamp(index),
        }

    def _render_feed(self) -> bytes:
        newest = len(self.published_at) - 1
        entries = "".join(
            f"""  <entry>
    <id>https://www.gov.uk{base_path(i)}#{_stamp(i)}</id>
    <updated>{_stamp(i)}</updated>
    <link rel="alternate" type="text/html" href="https://www.gov.uk{base_path(i)}"/>
    <title>Press release: Partner {i} and the UK sign a memorandum of understanding</title>
    <summary>A £{i + 1} million partnership with Partner {i}.</summary>
  </entry>
"""
            for i in range(newest, max(-1, newest - self.feed_entries), -1)
        )
        updated = _stamp(max(newest, 0))
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<feed xml:lang="en-GB" xmlns="http://www.w3.org/2005/Atom">\n'
            f"  <id>tag:www.gov.uk,2005:/government/organisations/{ORGANISATION}</id>\n"
            f"  <title>DSIT - Activity on GOV.UK</title>\n  <updated>{updated}</updated>\n{entries}</feed>\n"
        ).encode()

    def answer(self, target: str) -> tuple[int, str, bytes]:
        """(status, content type, body) for a request target."""
        parts = urlsplit(target)
        if parts.path == FEED_PATH:
            with self._lock:
                self.feed_requests.append(time.perf_counter())
                return 200, "application/atom+xml; charset=utf-8", self._feed
        if parts.path == "/api/search.json":
            with self._lock:
                documents = list(self._search_documents)
            try:
                return 200, "application/json", json.dumps(run_search(documents, parts.query)).encode()
            except SearchQueryError as exc:
                return 422, "application/json", json.dumps({"error": str(exc)}).encode()
        prefix = "/api/content/government/news/bench-story-"
        if parts.path.startswith(prefix) and parts.path[len(prefix) :].isdigit():
            index = int(parts.path[len(prefix) :])
            if index < len(self.published_at):
                return 200, "application/json", json.dumps(self.content_item(index)).encode()
        return 404, "text/plain", b"not found"


def _handler(site: GovukSite) -> type[BaseHTTPRequestHandler]:
    class Handler(KeepAliveHandler):
        def do_GET(self) -> None:
            status, content_type, body = site.answer(self.path)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler
