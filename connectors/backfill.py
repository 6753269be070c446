"""Backfill from the GOV.UK Search API: page through everything matching a query, resumably.

The Search API lists documents newest first (`order=-public_timestamp`) with `start`/`count` paging and a
`total`. The position reached is staged as a mark and saved only once every document before it is
published, so after Ctrl-C or a crash the next run resumes from the last fully published page; results
whose `content_id` was already published at the same `public_timestamp` are skipped without fetching. An
open-ended query is pinned to the day it started (`until` = that day), so its pages stay put while it runs.

The listing can still move under a run. When results before the position leave it (a document updated
out of a closed date range, or unpublished), the total shrinks and everything after moves up: the run
steps back by as many results. When a document is updated in an open-ended run, it jumps to the top,
behind the pages read: at the end the run rereads the top for anything newer than its start. Results
seen twice are fetched once.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol

from govwatch.config import Settings
from govwatch.connectors.articles import fetch_article, is_known, search_result_ref
from govwatch.connectors.checkpoint import MARK_BACKFILL, Checkpoint
from govwatch.connectors.govuk import (
    MalformedPayloadError,
    SearchPage,
    SearchResult,
    parse_search_page,
    search_api_url,
)
from govwatch.connectors.http import HttpClient
from govwatch.connectors.http_errors import FetchError
from govwatch.connectors.records import FetchedDocument, SourceFailure

log = logging.getLogger(__name__)

BACKFILL_SOURCE = "govuk_search_backfill"
DEFAULT_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True, kw_only=True)
class BackfillQuery:
    """What `govwatch backfill` asks for: a date range, organisations (slugs) and document types.

    `until` None means "up to today"; `page_size` is the Search API `count` per request.
    """

    since: date
    until: date | None = None
    organisations: tuple[str, ...] = ()
    document_types: tuple[str, ...] = ()
    page_size: int = DEFAULT_PAGE_SIZE

    def key(self, until: date) -> str:
        """A stable checkpoint key for this query with its effective end date.

        >>> BackfillQuery(since=date(2025, 7, 1), organisations=("b", "a")).key(date(2025, 7, 31))[:9]
        'backfill:'
        """
        spec = {
            "since": self.since.isoformat(),
            "until": until.isoformat(),
            "organisations": sorted(self.organisations),
            "document_types": sorted(self.document_types),
            "page_size": self.page_size,
        }
        digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:16]
        return f"backfill:{self.since.isoformat()}:{until.isoformat()}:{digest}"

    def page_url(self, base_url: str, *, until: date, start: int) -> str:
        """The Search API request for the page of this query's results that begins at result `start`.

        >>> query = BackfillQuery(since=date(2025, 7, 1), page_size=2)
        >>> query.page_url("", until=date(2025, 7, 31), start=4).split("&fields")[0]
        '/api/search.json?order=-public_timestamp&count=2&start=4'
        """
        return search_api_url(
            base_url,
            organisations=self.organisations,
            document_types=self.document_types,
            since=self.since,
            until=until,
            start=start,
            count=self.page_size,
        )


class BackfillProgress(Protocol):
    """Counters the CLI shows (e.g. with rich); connectors never print.

    `found` is called once with the Search API total; `fetched` and `skipped` as results are handled;
    `published` is for the caller to call after `Checkpoint.mark_published`.
    """

    def found(self, total: int) -> None: ...

    def fetched(self, count: int) -> None: ...

    def skipped(self, count: int) -> None: ...

    def published(self, count: int) -> None: ...


def search_backfill(
    query: BackfillQuery,
    *,
    settings: Settings,
    http: HttpClient,
    checkpoint: Checkpoint,
    progress: BackfillProgress | None = None,
) -> Iterator[FetchedDocument | SourceFailure]:
    """Yield every document matching `query` that is not yet published (as it is now), page by page.

    Args:
        query: date range and filters.
        settings: the GOV.UK base URL is read from here.
        http: the shared client.
        checkpoint: durable state; call `mark_published` after Kafka acknowledged the yielded documents.
        progress: optional counters for a progress display.

    Yields:
        `FetchedDocument`s and `SourceFailure`s. A Search API failure ends this run (yielded as a
        retryable failure); running the same query again resumes where published work ends.
    """
    until = query.until or datetime.now(UTC).date()
    key = query.key(until)
    position = checkpoint.backfill_position(key)
    start = int(position["start"]) if position else 0
    if position and start >= int(position.get("total", start + 1)):
        log.info("backfill %s already complete (%d results)", key, start)
        return
    if start:
        log.info("backfill %s resumes at result %d", key, start)
    run_started = datetime.now(UTC)
    handled: set[tuple[str, str | None]] = set()
    last_total: int | None = None
    announced = False
    advancing = True
    while True:
        page_or_failure = _search_page(query, settings, http, until, start)
        if isinstance(page_or_failure, SourceFailure):
            yield page_or_failure
            return
        page = page_or_failure
        if progress is not None and not announced:
            progress.found(page.total)
            announced = True
        if last_total is not None and start > 0 and page.total < last_total:
            # Results before `start` left the listing (updated out of the date range, or unpublished), so
            # everything after them moved up: step back by as many, or the ones that moved would be missed.
            back = min(start, last_total - page.total)
            log.info("backfill %s: %d result(s) left the listing; rereading from %d", key, back, start - back)
            start, last_total = start - back, page.total
            continue
        last_total = page.total
        outcome = yield from _fetch_results(page.results, settings, http, checkpoint, progress, handled)
        advancing = advancing and outcome.advancing
        next_start = start + len(page.results)
        if advancing:
            checkpoint.stage_mark(
                key,
                kind=MARK_BACKFILL,
                value={"start": next_start, "total": page.total, "until": until.isoformat()},
                waits_for=outcome.yielded,
                merge=True,
            )
        if not page.results or next_start >= page.total:
            log.info("backfill %s reached the end (%d results)", key, page.total)
            break
        start = next_start
    if query.until is None:
        yield from _catch_up(query, settings, http, checkpoint, progress, handled, until, run_started)


def _search_page(
    query: BackfillQuery, settings: Settings, http: HttpClient, until: date, start: int
) -> SearchPage | SourceFailure:
    """One Search API page of `query`, or a retryable failure saying why there is none."""
    url = query.page_url(settings.govuk.base_url, until=until, start=start)
    try:
        response = http.get(url, accept="application/json")
        return parse_search_page(response.text(), url=url)
    except FetchError as exc:  # MalformedPayloadError included: retryable, the index may recover
        log.warning("backfill stopped at result %d: %s", start, exc)
        retryable = exc.retryable or isinstance(exc, MalformedPayloadError)
        return SourceFailure(
            source=BACKFILL_SOURCE, url=url, stage="source", reason=str(exc), retryable=retryable
        )


@dataclass(frozen=True, slots=True)
class _PageOutcome:
    yielded: list[tuple[str, int]]  # (id, version) of the documents yielded
    advancing: bool  # False when an article still needs fetching: the position may not pass it


def _fetch_results(
    results: Sequence[SearchResult],
    settings: Settings,
    http: HttpClient,
    checkpoint: Checkpoint,
    progress: BackfillProgress | None,
    handled: set[tuple[str, str | None]],
) -> Generator[FetchedDocument | SourceFailure, None, _PageOutcome]:
    """Fetch the results not yet published as they are now, nor handled earlier in this run."""
    yielded: list[tuple[str, int]] = []
    advancing = True
    for result in results:
        ref = search_result_ref(result, settings.govuk.base_url)
        identity = (result.content_id or ref.link, result.public_timestamp)
        if identity in handled or is_known(ref, checkpoint):
            if progress is not None:
                progress.skipped(1)
            continue
        item = fetch_article(
            ref,
            source=BACKFILL_SOURCE,
            base_url=settings.govuk.base_url,
            prefer_content_api=True,
            http=http,
            checkpoint=checkpoint,
        )
        if progress is not None:
            progress.fetched(1)
        if isinstance(item, FetchedDocument):
            yielded.append((item.id, item.version))
        elif isinstance(item, SourceFailure) and item.retryable:
            advancing = False
        if not (isinstance(item, SourceFailure) and item.retryable):
            handled.add(identity)
        if item is not None:
            yield item
    return _PageOutcome(yielded=yielded, advancing=advancing)


def _catch_up(
    query: BackfillQuery,
    settings: Settings,
    http: HttpClient,
    checkpoint: Checkpoint,
    progress: BackfillProgress | None,
    handled: set[tuple[str, str | None]],
    until: date,
    run_started: datetime,
) -> Iterator[FetchedDocument | SourceFailure]:
    """Reread the head of an open-ended listing for documents updated while the run paged through it.

    Newest first, an update moves a document to the top, behind the pages already read; it would be
    missed (both its versions, if it had not been reached yet). Pages are read from the top until a
    result older than the run's start.
    """
    start = 0
    while True:
        page = _search_page(query, settings, http, until, start)
        if isinstance(page, SourceFailure):
            yield page
            return
        recent = [r for r in page.results if _is_after(r.public_timestamp, run_started)]
        yield from _fetch_results(recent, settings, http, checkpoint, progress, handled)
        start += len(page.results)
        if len(recent) < len(page.results) or not page.results or start >= page.total:
            return


def _is_after(timestamp: str | None, moment: datetime) -> bool:
    """True when a Search API `public_timestamp` is at or after `moment` (False when unreadable)."""
    if not timestamp:
        return False
    try:
        parsed = datetime.fromisoformat(timestamp)
    except ValueError:
        return False
    return parsed.tzinfo is not None and parsed >= moment
