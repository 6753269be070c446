"""What a kind of source is: how a poll requests its listing and reads it into article references."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from govwatch.config import Settings, SourceConfig
from govwatch.connectors.articles import ArticleRef
from govwatch.connectors.feeds import FeedProblem
from govwatch.connectors.http import HttpResult

#: The URL a poll fetches and its Accept header.
Request = Callable[[SourceConfig, Settings], tuple[str, str]]
#: A fetched listing → article references, with the problems met on the way; raises
#: `MalformedPayloadError` or `NotAFeedError` when the listing is unusable.
ReadListing = Callable[[SourceConfig, HttpResult, Settings], Iterator[ArticleRef | FeedProblem]]


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceKind:
    """One kind of `[[sources]]` entry (`kind = "..."`)."""

    name: str
    request: Request
    read_listing: ReadListing
    #: Articles on GOV.UK are read through the Content API (structured, cheaper) rather than as pages.
    prefers_content_api: bool
