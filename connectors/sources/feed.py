"""Polling an Atom or RSS feed: the shared part of the `govuk_atom` and `rss` kinds."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator

from govwatch.config import Settings, SourceConfig
from govwatch.connectors.articles import ArticleRef
from govwatch.connectors.feeds import FeedEntry, FeedProblem, iter_feed
from govwatch.connectors.http import HttpResult

log = logging.getLogger(__name__)

FEED_ACCEPT = "application/atom+xml, application/rss+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1"


def feed_request(source: SourceConfig, settings: Settings) -> tuple[str, str]:
    """A feed is fetched from its own URL."""
    return source.url, FEED_ACCEPT


def read_feed(
    source: SourceConfig, response: HttpResult, settings: Settings
) -> Iterator[ArticleRef | FeedProblem]:
    """A feed's entries as article references, read lazily as the poll asks for more.

    Its first entry is read here, so a body that is no feed at all fails the source before anything is
    fetched.

    Raises:
        NotAFeedError: the body is no feed.
    """
    if response.content_type == "text/html":
        log.info("%s: feed served as text/html; parsing it as a feed anyway", source.name)
    entries = iter_feed(response.content, url=response.url, charset=response.charset)
    first = next(entries, None)
    return _as_refs(itertools.chain([first] if first else [], entries))


def _as_refs(entries: Iterator[FeedEntry | FeedProblem]) -> Iterator[ArticleRef | FeedProblem]:
    """Feed entries as article references; a parser failure ends the listing as a problem, not the run."""
    try:
        for item in entries:
            if isinstance(item, FeedProblem):
                yield item
                continue
            yield ArticleRef(
                link=item.link,
                title=item.title,
                summary=item.summary,
                updated_at=item.updated_at,
                published_at=item.published_at,
            )
    except Exception as exc:  # untrusted bytes met a parser bug: what came before stands, the rest waits
        log.exception("feed reading stopped")
        yield FeedProblem(reason=f"the feed could not be read past this point ({type(exc).__name__}: {exc})")
