"""Backfill from the GOV.UK Search API: page through everything matching a query, resumably.

The Search API lists documents newest first (`order=-public_timestamp`) with `start`/`count` paging and a
`total`. The position reached is staged as a mark and saved only once every document before it is
published, so after Ctrl-C or a crash the next run resumes from the last fully published page; results
whose `content_id` was already published at the same `public_timestamp` are skipped without fetching. An
open-ended query is pinned to the day it started (`until` = that day), so its pages stay put while it runs.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol

from govwatch.config import Settings
from govwatch.connectors.articles import ArticleRef, fetch_article, is_known
from govwatch.connectors.checkpoint import MARK_BACKFILL, Checkpoint
from govwatch.connectors.govuk import MalformedPayloadError, page_url, parse_search_page, search_api_url
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
    announced = False
    advancing = True
    while True:
        url = search_api_url(
            settings.govuk.base_url,
            organisations=query.organisations,
            document_types=query.document_types,
            since=query.since,
            until=until,
            start=start,
            count=query.page_size,
        )
        try:
            response = http.get(url, accept="application/json")
            page = parse_search_page(response.text(), url=url)
        except FetchError as exc:  # MalformedPayloadError included: retryable, the index may recover
            log.warning("backfill stopped at result %d: %s", start, exc)
            retryable = exc.retryable or isinstance(exc, MalformedPayloadError)
            yield SourceFailure(
                source=BACKFILL_SOURCE, url=url, stage="source", reason=str(exc), retryable=retryable
            )
            return
        if progress is not None and not announced:
            progress.found(page.total)
            announced = True
        yielded: list[tuple[str, int]] = []
        for result in page.results:
            ref = ArticleRef(
                link=page_url(result.link, settings.govuk.base_url),
                title=result.title,
                summary=result.description,
                updated_at=result.public_timestamp,
                published_at=result.public_timestamp,
                content_id=result.content_id,
            )
            if is_known(ref, checkpoint):
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
                # the position may not pass an article that still needs fetching
                advancing = False
            if item is not None:
                yield item
        next_start = start + len(page.results)
        if advancing:
            checkpoint.stage_mark(
                key,
                kind=MARK_BACKFILL,
                value={"start": next_start, "total": page.total, "until": until.isoformat()},
                waits_for=yielded,
                merge=True,
            )
        if not page.results or next_start >= page.total:
            log.info("backfill %s reached the end (%d results)", key, page.total)
            return
        start = next_start
