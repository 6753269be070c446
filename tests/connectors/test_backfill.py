"""search_backfill against a loopback Search API and Content API: paging, resuming, skipping."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from govwatch.config import GovukSettings, HttpSettings, Settings
from govwatch.connectors.backfill import BackfillQuery, search_backfill
from govwatch.connectors.checkpoint import Checkpoint
from govwatch.connectors.http import HttpClient
from govwatch.connectors.poll import trusted_hosts
from govwatch.connectors.records import FetchedDocument, SourceFailure

GOVUK = Path(__file__).parents[1] / "fixtures" / "connectors" / "govuk"
JSON = "application/json; charset=utf-8"
NEWS = "/api/content/government/news/"
ITEMS = {
    "new-ai-growth-zone-announced-in-the-north-east": "growth_zone.json",
    "openai-to-expand-uk-office-and-work-with-government-departments-to-transform-public-services": (
        "openai_v1.json"
    ),
    "uk-and-canada-sign-memorandum-of-understanding-on-ai-compute": "uk_canada_mou.json",
}
UNTIL = date(2025, 7, 31)
QUERY = BackfillQuery(
    since=date(2025, 6, 1),
    until=UNTIL,
    organisations=("department-for-science-innovation-and-technology",),
    document_types=("press_release", "news_story"),
    page_size=2,
)
HTTP = HttpSettings(
    read_timeout_s=0.5,
    max_retries=1,
    backoff_base_s=0.001,
    backoff_max_s=0.01,
    requests_per_second_per_host=0.0,
)


class Counters:
    """A BackfillProgress that only counts."""

    def __init__(self) -> None:
        self.total = -1
        self.fetched_n = 0
        self.skipped_n = 0
        self.published_n = 0

    def found(self, total: int) -> None:
        self.total = total

    def fetched(self, count: int) -> None:
        self.fetched_n += count

    def skipped(self, count: int) -> None:
        self.skipped_n += count

    def published(self, count: int) -> None:
        self.published_n += count


def _search_path(start: int, until: date = UNTIL) -> str:
    return QUERY.page_url("", until=until, start=start)


class Env:
    def __init__(self, server: Any, reply: Any, tmp_path: Path) -> None:
        self.server, self.reply, self.path = server, reply, tmp_path / "state.sqlite"
        self.settings = Settings(govuk=GovukSettings(base_url=server.base_url), http=HTTP)
        self.http = HttpClient(HTTP, trusted_hosts=trusted_hosts(self.settings))
        self.checkpoint = Checkpoint(self.path)
        for slug, fixture in ITEMS.items():
            body = (GOVUK / "content" / fixture).read_bytes()
            server.route(NEWS + slug, reply(body=body, content_type=JSON))
        self.pages((GOVUK / "search_page_1.json").read_bytes(), (GOVUK / "search_page_2.json").read_bytes())

    def pages(self, first: bytes, second: bytes, *, second_status: int = 200) -> None:
        self.server.route(_search_path(0), self.reply(body=first, content_type=JSON))
        self.server.route(_search_path(2), self.reply(body=second, content_type=JSON, status=second_status))

    def restart(self) -> None:
        """A new process: the checkpoint file stays, nothing else does."""
        self.checkpoint.close()
        self.checkpoint = Checkpoint(self.path)

    def run(self, progress: Any = None) -> Any:
        return search_backfill(
            QUERY, settings=self.settings, http=self.http, checkpoint=self.checkpoint, progress=progress
        )

    def search_requests(self, start: int) -> int:
        return int(self.server.count(_search_path(start)))

    def api_count(self) -> int:
        return sum(1 for r in self.server.requests() if r.path.startswith(NEWS))


@pytest.fixture
def env(server: Any, reply: Any, tmp_path: Path) -> Any:
    e = Env(server, reply, tmp_path)
    yield e
    e.http.close()
    e.checkpoint.close()


def test_backfill_pages_through_the_search_api_to_the_end(env: Any) -> None:
    progress = Counters()
    items = list(env.run(progress))
    assert all(isinstance(i, FetchedDocument) for i in items)
    assert [i.payload_kind for i in items] == ["content_api"] * 3
    assert progress.total == 3 and progress.fetched_n == 3
    assert env.search_requests(0) == 1 and env.search_requests(2) == 1
    query = env.server.requests()[0].path
    assert "filter_public_timestamp=from%3A2025-06-01%2Cto%3A2025-07-31" in query
    assert "filter_content_store_document_type=press_release" in query


def test_backfill_resumes_after_an_interruption_without_refetching_published_items(env: Any) -> None:
    run = env.run()
    first_page = [next(run), next(run)]
    env.checkpoint.mark_published(first_page)
    third = next(run)  # reading on lets the first page's position be staged; then "Ctrl-C"
    run.close()
    env.restart()
    assert env.api_count() == 3
    progress = Counters()
    resumed = list(env.run(progress))
    assert [(d.id, d.version) for d in resumed] == [(third.id, third.version)]
    assert env.search_requests(0) == 1 and env.search_requests(2) == 2
    assert env.api_count() == 4 and progress.skipped_n == 0


def test_backfill_crash_before_publishing_yields_the_same_versions_again(env: Any) -> None:
    first = [(d.id, d.version) for d in env.run()]
    env.restart()
    again = [(d.id, d.version) for d in env.run()]
    assert again == first and env.search_requests(0) == 2


def test_finished_backfill_run_again_fetches_nothing(env: Any) -> None:
    env.checkpoint.mark_published(list(env.run()))
    assert list(env.run()) == []
    assert env.api_count() == 3


def test_published_results_are_skipped_without_fetching(env: Any) -> None:
    items = list(env.run())
    env.checkpoint.mark_published(items[1:2])  # the first page is not fully published: no position saved
    env.restart()
    progress = Counters()
    again = list(env.run(progress))
    assert [(d.id, d.version) for d in again] == [(items[0].id, 1), (items[2].id, 1)]
    assert progress.skipped_n == 1 and env.search_requests(0) == 2
    assert env.api_count() == 5


def test_search_api_failure_stops_the_run_and_a_rerun_resumes(env: Any) -> None:
    env.pages((GOVUK / "search_page_1.json").read_bytes(), b'{"error": "upstream"}', second_status=503)
    items = list(env.run())
    docs = [i for i in items if isinstance(i, FetchedDocument)]
    [failure] = [i for i in items if isinstance(i, SourceFailure)]
    assert len(docs) == 2 and failure.retryable
    env.checkpoint.mark_published(docs)
    env.pages((GOVUK / "search_page_1.json").read_bytes(), (GOVUK / "search_page_2.json").read_bytes())
    rest = list(env.run())
    assert len(rest) == 1 and env.search_requests(0) == 1


def test_rerun_in_the_same_process_reuses_fetched_documents(env: Any) -> None:
    first = [(d.id, d.version) for d in env.run()]
    again = [(d.id, d.version) for d in env.run()]
    assert again == first and env.api_count() == 3


def _page(fixture: str, *, total: int, results: slice = slice(None)) -> bytes:
    page = json.loads((GOVUK / fixture).read_bytes())
    page["results"], page["total"] = page["results"][results], total
    return json.dumps(page).encode()


def test_results_moving_up_when_an_earlier_one_leaves_the_listing_are_still_fetched(env: Any) -> None:
    # After page 1 (A, B), B is updated out of the date range: C moves up to result 1, and page 2
    # (from result 2) is empty. The shrunk total says so; the run rereads from result 1.
    env.pages(_page("search_page_1.json", total=3), _page("search_page_2.json", total=2, results=slice(0, 0)))
    env.server.route(_search_path(1), env.reply(body=_page("search_page_2.json", total=2), content_type=JSON))
    ids = [d.id for d in env.run() if isinstance(d, FetchedDocument)]
    assert len(ids) == 3 and len(set(ids)) == 3
    assert env.search_requests(1) == 1 and env.api_count() == 3


def test_open_ended_backfill_rereads_the_head_for_documents_updated_during_the_run(env: Any) -> None:
    # Newest first, a document updated mid-run jumps to the top, above the pages already read.
    query = replace(QUERY, until=None)
    today = datetime.now(UTC).date()

    def path(start: int) -> str:
        return _search_path(start, until=today)

    first = json.loads((GOVUK / "search_page_1.json").read_bytes())
    updated = dict(first["results"][1])
    updated["public_timestamp"] = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    head = {**first, "results": [updated, first["results"][0]]}
    env.server.route(
        path(0),
        env.reply(body=json.dumps(first).encode(), content_type=JSON),
        env.reply(body=json.dumps(head).encode(), content_type=JSON),
    )
    env.server.route(path(2), env.reply(body=(GOVUK / "search_page_2.json").read_bytes(), content_type=JSON))
    openai = NEWS + next(slug for slug in ITEMS if slug.startswith("openai"))
    env.server.route(
        openai,
        env.reply(body=(GOVUK / "content" / "openai_v1.json").read_bytes(), content_type=JSON),
        env.reply(body=(GOVUK / "content" / "openai_v2.json").read_bytes(), content_type=JSON),
    )
    docs = [
        d
        for d in search_backfill(query, settings=env.settings, http=env.http, checkpoint=env.checkpoint)
        if isinstance(d, FetchedDocument)
    ]
    assert [d.version for d in docs] == [1, 1, 1, 2]
    assert docs[3].id == docs[1].id
    assert env.server.count(path(0)) == 2 and env.server.count(openai) == 2
