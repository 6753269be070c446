"""`govuk_search`: GOV.UK's Search API filtered by organisations and document types, newest first."""

from __future__ import annotations

from collections.abc import Iterator

from govwatch.config import Settings, SourceConfig
from govwatch.connectors.articles import ArticleRef, search_result_ref
from govwatch.connectors.feeds import FeedProblem
from govwatch.connectors.govuk import parse_search_page, search_api_url
from govwatch.connectors.http import HttpResult
from govwatch.connectors.sources.kind import SourceKind

#: Results one poll asks for: the newest, enough for any interval GOV.UK publishes within.
SEARCH_POLL_COUNT = 50


def search_request(source: SourceConfig, settings: Settings) -> tuple[str, str]:
    """The Search API query of the source's organisations and document types."""
    url = search_api_url(
        settings.govuk.base_url,
        organisations=source.organisations,
        document_types=source.document_types,
        count=SEARCH_POLL_COUNT,
    )
    return url, "application/json"


def read_search_page(
    source: SourceConfig, response: HttpResult, settings: Settings
) -> Iterator[ArticleRef | FeedProblem]:
    """A search page's results as article references.

    Raises:
        MalformedPayloadError: the page is not the Search API's JSON.
    """
    page = parse_search_page(response.text(), url=response.url)
    return iter([search_result_ref(r, settings.govuk.base_url) for r in page.results])


KIND = SourceKind(
    name="govuk_search", request=search_request, read_listing=read_search_page, prefers_content_api=True
)
