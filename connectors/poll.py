"""Poll one configured source: fetch its feed (or search listing) and yield new or changed documents.

A poll is: conditional GET of the feed with the validators saved last time (a 304 yields nothing) →
parse entries safely → skip entries already published unchanged (no article fetch) → fetch the rest
(Content API for GOV.UK, else HTML) and version them → stage the feed's validators to be saved when every
yielded document is published. One poll fetches at most the source's `max_articles_per_poll` articles,
in feed order; the validators are then not saved, so the next poll continues with the rest. All fetches
of one poll share one retry budget (`http.poll_retry_budget_s`), so a slow server cannot hold a poll for
retries beyond it. A failing source is reported (a log line and a `SourceFailure` for the dead-letter
topic) and backs off; it never stops the other sources, and `poll_source` returns at once while it is
backing off unless `force` is set (and says so at INFO).

A source's state (validators, schedule, backoff) is keyed by what is polled, its kind and URL, not by its
name: once a broken URL is fixed in the config, the fixed source is a new source and is polled at once.
Each poll sets when the source is next due (its interval, give or take `SOURCE_JITTER_FRACTION`, so that
sources with equal intervals spread out); the streaming run asks `due_sources` which to poll.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime, timedelta

from govwatch.config import Settings, SourceConfig
from govwatch.connectors.articles import ArticleRef, fetch_article, is_known
from govwatch.connectors.checkpoint import MARK_VALIDATORS, Checkpoint, SourceState
from govwatch.connectors.feeds import FeedProblem, NotAFeedError
from govwatch.connectors.govuk import MalformedPayloadError
from govwatch.connectors.http import HttpClient, HttpResult
from govwatch.connectors.http_errors import FetchError
from govwatch.connectors.politeness import RetryBudget
from govwatch.connectors.records import FetchedDocument, SourceFailure
from govwatch.connectors.sources import source_kind
from govwatch.connectors.urls import url_host
from govwatch.metrics import record_poll

log = logging.getLogger(__name__)

SOURCE_BACKOFF_MAX_S = 6 * 3600.0
SOURCE_BACKOFF_STEPS = 12
SOURCE_JITTER_FRACTION = 0.1

Item = FetchedDocument | SourceFailure


def trusted_hosts(settings: Settings) -> tuple[str, ...]:
    """Hosts whose links may be fetched even from feed content: GOV.UK's base URL and the sources' own.

    >>> from govwatch.config import SourceConfig
    >>> s = Settings(sources=(SourceConfig(name="ca", kind="rss", url="https://www.canada.ca/news.xml"),))
    >>> trusted_hosts(s)
    ('www.gov.uk', 'www.canada.ca')
    """
    hosts = [url_host(settings.govuk.base_url)] + [url_host(s.url) for s in settings.sources if s.url]
    return tuple(dict.fromkeys(h for h in hosts if h))


def source_backoff_s(source: SourceConfig) -> tuple[float, ...]:
    """Delays after the 1st, 2nd, ... consecutive failure: the poll interval doubling, capped.

    >>> source_backoff_s(SourceConfig(name="x", kind="rss", url="u", interval_s=60))[:4]
    (60.0, 120.0, 240.0, 480.0)
    """
    base = max(float(source.interval_s), 0.0)
    return tuple(min(base * 2**step, SOURCE_BACKOFF_MAX_S) for step in range(SOURCE_BACKOFF_STEPS))


def poll_request(source: SourceConfig, settings: Settings) -> tuple[str, str]:
    """The URL a poll of `source` fetches, and its Accept header (as its kind makes them)."""
    return source_kind(source.kind).request(source, settings)


def source_key(source: SourceConfig, settings: Settings) -> str:
    """What a source's state is kept under: its kind and the URL polled (so a fixed URL starts afresh).

    >>> source_key(SourceConfig(name="x", kind="rss", url="https://a.example/feed"), Settings())
    'rss https://a.example/feed'
    """
    return f"{source.kind} {poll_request(source, settings)[0]}"


def next_poll_at(now: datetime, interval_s: float, spread: float) -> datetime:
    """When a source polled `now` is next due: its interval, stretched or shrunk by up to
    `SOURCE_JITTER_FRACTION` as `spread` goes from -1 to 1.

    >>> next_poll_at(datetime(2025, 1, 1, tzinfo=UTC), 600, 1.0).minute
    11
    """
    spread = max(-1.0, min(1.0, spread))
    return now + timedelta(seconds=interval_s * (1.0 + SOURCE_JITTER_FRACTION * spread))


def is_due(state: SourceState, now: datetime) -> bool:
    """A source is due once its interval has passed and it is not backing off after failures."""
    return all(moment is None or moment <= now for moment in (state.next_poll, state.next_due))


def due_sources(
    settings: Settings,
    states: Mapping[str, SourceState],
    now: datetime,
    queued: Mapping[str, datetime] | None = None,
) -> list[str]:
    """Names of the configured sources due at `now`, given every source key's state.

    `queued` maps names already handed to a poll to when: those are left out until their poll has
    started (or one interval has passed without it), so a slow poll is never queued twice.
    """
    due = []
    for source in settings.sources:
        state = states.get(source_key(source, settings), SourceState())
        if not is_due(state, now):
            continue
        since = (queued or {}).get(source.name)
        waiting = since is not None and (state.last_poll is None or state.last_poll < since)
        if waiting and since is not None and now < since + timedelta(seconds=source.interval_s):
            continue
        due.append(source.name)
    return due


def poll_source(
    source: SourceConfig,
    *,
    settings: Settings,
    http: HttpClient,
    checkpoint: Checkpoint,
    now: datetime | None = None,
    force: bool = False,
) -> Iterator[FetchedDocument | SourceFailure]:
    """Poll one source once and yield its new or changed documents, and failures to dead-letter.

    Args:
        source: a `[[sources]]` entry (kind govuk_atom, govuk_search or rss).
        settings: the full settings (GOV.UK base URL, HTTP settings).
        http: the shared client.
        checkpoint: durable state; call `checkpoint.mark_published` with the yielded documents once Kafka
            has acknowledged them (nothing is remembered before that).
        now: the current time, for backoff decisions (naive means UTC); defaults to the clock.
        force: poll even while the source is backing off after failures.

    Yields:
        `FetchedDocument`s (new, or a changed version) and `SourceFailure`s; nothing for an unchanged feed.
    """
    moment = now or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    url, accept = poll_request(source, settings)
    key = source_key(source, settings)
    state = checkpoint.source_state(key)
    if not force and state.next_due is not None and state.next_due > moment:
        log.info(
            "skip %s: backing off until %s after %d failures (last: %s)",
            source.name,
            state.next_due.isoformat(timespec="seconds"),
            state.failures,
            state.last_error,
        )
        record_poll(source.name, "skipped")
        return
    checkpoint.record_poll_started(
        key,
        name=source.name,
        at=moment,
        next_poll=next_poll_at(moment, source.interval_s, random.uniform(-1.0, 1.0)),
    )
    budget = RetryBudget(settings.http.poll_retry_budget_s)
    try:
        response = http.get(
            url, etag=state.etag, last_modified=state.last_modified, accept=accept, budget=budget
        )
    except FetchError as exc:
        yield _source_failed(
            source, checkpoint, moment, settings=settings, url=url, reason=str(exc), retryable=exc.retryable
        )
        return
    if response.not_modified:
        log.info("poll %s: not modified", source.name)
        checkpoint.record_source_success(key, at=moment)
        record_poll(source.name, "not_modified")
        return
    try:
        listing = source_kind(source.kind).read_listing(source, response, settings)
    except (MalformedPayloadError, NotAFeedError) as exc:
        yield _source_failed(
            source, checkpoint, moment, settings=settings, url=url, reason=str(exc), retryable=True
        )
        return
    counts = {"new": 0, "updated": 0, "unchanged": 0, "failed": 0}
    yield from _fetch_and_stage(
        source,
        listing,
        response,
        settings=settings,
        http=http,
        checkpoint=checkpoint,
        budget=budget,
        counts=counts,
    )
    checkpoint.record_source_success(key, at=moment, **counts)
    record_poll(source.name, "ok", counts)
    log.info(
        "poll %s: %d new, %d updated, %d unchanged, %d failed",
        source.name,
        counts["new"],
        counts["updated"],
        counts["unchanged"],
        counts["failed"],
    )


def _fetch_and_stage(
    source: SourceConfig,
    listing: Iterable[ArticleRef | FeedProblem],
    response: HttpResult,
    *,
    settings: Settings,
    http: HttpClient,
    checkpoint: Checkpoint,
    budget: RetryBudget,
    counts: dict[str, int],
) -> Iterator[Item]:
    yielded: list[tuple[str, int]] = []
    complete = True
    fetched = 0
    for ref in listing:
        if isinstance(ref, FeedProblem):
            log.warning("%s: %s", source.name, ref.reason)
            yield SourceFailure(
                source=source.name, url=response.url, stage="feed", reason=ref.reason, retryable=False
            )
            continue
        if is_known(ref, checkpoint):
            counts["unchanged"] += 1
            continue
        if fetched >= source.max_articles_per_poll:
            log.info(
                "%s: fetched %d articles, the most one poll takes; the rest follow next poll in feed order",
                source.name,
                fetched,
            )
            complete = False
            break
        fetched += 1
        item = fetch_article(
            ref,
            source=source.name,
            base_url=settings.govuk.base_url,
            prefer_content_api=source_kind(source.kind).prefers_content_api,
            http=http,
            checkpoint=checkpoint,
            budget=budget,
        )
        if item is None:
            counts["unchanged"] += 1
            continue
        if isinstance(item, FetchedDocument):
            yielded.append((item.id, item.version))
            counts["new" if item.version == 1 else "updated"] += 1
        else:
            counts["failed"] += 1
            complete = complete and not item.retryable
        yield item
    key = f"validators:{source_key(source, settings)}"
    if not complete:
        log.info("%s: feed validators not saved, so the next poll reads the feed again", source.name)
        checkpoint.discard_mark(key)
        return
    saved = checkpoint.stage_mark(
        key,
        kind=MARK_VALIDATORS,
        value={"etag": response.etag, "last_modified": response.last_modified},
        waits_for=yielded,
        merge=False,
    )
    log.debug("%s: validators %s", source.name, "saved" if saved else "staged until published")


def _source_failed(
    source: SourceConfig,
    checkpoint: Checkpoint,
    now: datetime,
    *,
    settings: Settings,
    url: str,
    reason: str,
    retryable: bool,
) -> SourceFailure:
    key = source_key(source, settings)
    failures = checkpoint.record_source_failure(
        key, reason=reason, backoff_s=source_backoff_s(source), now=now
    )
    state = checkpoint.source_state(key)
    record_poll(source.name, "failed")
    log.warning(
        "source %s failed (%d in a row, next try %s): %s", source.name, failures, state.next_due, reason
    )
    return SourceFailure(source=source.name, url=url, stage="source", reason=reason, retryable=retryable)
