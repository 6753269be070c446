"""GOV.UK specifics, kept pure: Content API and Search API URLs, and reading their JSON.

GOV.UK serves every page's structured form at `<base_url>/api/content<base_path>` (with `content_id`,
`document_type`, `public_updated_at`, `details.body`, `links`, `withdrawn_notice`), and a search index at
`<base_url>/api/search.json` that can list everything an organisation published between two dates. The
base URL is configurable, so a mirror or a local test server can stand in for www.gov.uk; links that name
www.gov.uk itself are mapped onto it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode, urlsplit

from govwatch.connectors.dates import normalise_timestamp
from govwatch.connectors.http_errors import FetchError
from govwatch.connectors.urls import url_host

GOVUK_HOSTS = ("www.gov.uk", "gov.uk")
CONTENT_API_PREFIX = "/api/content"
SEARCH_API_PATH = "/api/search.json"
SEARCH_FIELDS = (
    "content_id",
    "link",
    "title",
    "description",
    "public_timestamp",
    "content_store_document_type",
)


class MalformedPayloadError(FetchError):
    """A GOV.UK API answered 200 with something that is not the JSON it documents."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ContentItem:
    """What the connectors need from a Content API item (the pipeline reads the full JSON itself)."""

    content_id: str
    base_path: str
    title: str = ""
    description: str = ""
    document_type: str = ""
    public_updated_at: str | None = None
    first_published_at: str | None = None
    withdrawn: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchResult:
    """One Search API result: enough to decide whether to fetch, and where from."""

    link: str
    content_id: str = ""
    title: str = ""
    description: str = ""
    public_timestamp: str | None = None
    document_type: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchPage:
    """One page of Search API results; `total` counts every match of the query, not just this page."""

    results: tuple[SearchResult, ...]
    total: int
    start: int


def is_govuk_url(url: str, base_url: str) -> bool:
    """Say whether a link is a GOV.UK page: on www.gov.uk or on the configured base URL's host.

    >>> is_govuk_url("https://www.gov.uk/government/news/x", "http://127.0.0.1:8000")
    True
    >>> is_govuk_url("https://www.canada.ca/en/news.html", "https://www.gov.uk")
    False
    """
    host = url_host(url)
    return bool(host) and (host in GOVUK_HOSTS or host == url_host(base_url))


def content_api_url(page_url: str, base_url: str) -> str | None:
    """Map a GOV.UK page URL to its Content API URL on the configured base URL (None if not GOV.UK).

    >>> content_api_url("https://www.gov.uk/government/news/uk-openai-mou?x=1", "https://www.gov.uk/")
    'https://www.gov.uk/api/content/government/news/uk-openai-mou'
    """
    if not is_govuk_url(page_url, base_url):
        return None
    path = urlsplit(page_url).path or "/"
    if path.startswith(CONTENT_API_PREFIX + "/"):
        path = path[len(CONTENT_API_PREFIX) :]
    return base_url.rstrip("/") + CONTENT_API_PREFIX + path


def rebase_govuk_url(url: str, base_url: str) -> str:
    """Point a GOV.UK page link at the configured base URL (a mirror or test server); others unchanged.

    >>> rebase_govuk_url("https://www.gov.uk/government/news/x?y=1", "http://127.0.0.1:8000")
    'http://127.0.0.1:8000/government/news/x?y=1'
    >>> rebase_govuk_url("https://www.canada.ca/en.html", "http://127.0.0.1:8000")
    'https://www.canada.ca/en.html'
    """
    if not is_govuk_url(url, base_url):
        return url
    parts = urlsplit(url)
    rest = parts.path + (f"?{parts.query}" if parts.query else "")
    return base_url.rstrip("/") + rest


def page_url(base_path: str, base_url: str) -> str:
    """The public page URL of a GOV.UK base path (a Search API `link`) on the configured base URL.

    >>> page_url("/government/news/x", "https://www.gov.uk")
    'https://www.gov.uk/government/news/x'
    """
    if base_path.startswith(("http://", "https://")):
        return base_path
    return base_url.rstrip("/") + "/" + base_path.lstrip("/")


def parse_content_item(text: str, *, url: str) -> ContentItem:
    """Read the fields we need from a Content API item.

    Raises:
        MalformedPayloadError: not JSON, not an object, or no `content_id`/`base_path`.
    """
    data = _load_object(text, url=url)
    content_id = data.get("content_id")
    base_path = data.get("base_path")
    if not isinstance(content_id, str) or not content_id or not isinstance(base_path, str):
        raise MalformedPayloadError(f"{url}: Content API item without content_id/base_path", url=url)
    withdrawn = bool(data.get("withdrawn_notice"))
    return ContentItem(
        content_id=content_id,
        base_path=base_path,
        title=_text(data.get("title")),
        description=_text(data.get("description")),
        document_type=_text(data.get("document_type")),
        public_updated_at=normalise_timestamp(_text(data.get("public_updated_at")) or None),
        first_published_at=normalise_timestamp(_text(data.get("first_published_at")) or None),
        withdrawn=withdrawn,
    )


def search_api_url(
    base_url: str,
    *,
    organisations: tuple[str, ...] = (),
    document_types: tuple[str, ...] = (),
    since: date | None = None,
    until: date | None = None,
    start: int = 0,
    count: int = 100,
) -> str:
    """Build a Search API query: newest first, only the fields we read, filtered and paginated.

    >>> url = search_api_url("https://www.gov.uk", organisations=("dsit",), since=date(2025, 7, 1), count=2)
    >>> url.split("?")[1].split("&fields")[0]
    'order=-public_timestamp&count=2&start=0'
    >>> url.split("&filter_")[1:]
    ['organisations=dsit', 'public_timestamp=from%3A2025-07-01']
    """
    params: list[tuple[str, str]] = [
        ("order", "-public_timestamp"),
        ("count", str(count)),
        ("start", str(start)),
    ]
    params += [("fields", name) for name in SEARCH_FIELDS]
    params += [("filter_organisations", slug) for slug in organisations]
    params += [("filter_content_store_document_type", kind) for kind in document_types]
    if since or until:
        bounds = []
        if since:
            bounds.append(f"from:{since.isoformat()}")
        if until:
            bounds.append(f"to:{until.isoformat()}")
        params.append(("filter_public_timestamp", ",".join(bounds)))
    return base_url.rstrip("/") + SEARCH_API_PATH + "?" + urlencode(params)


def parse_search_page(text: str, *, url: str) -> SearchPage:
    """Read a Search API answer (results, total, start).

    Raises:
        MalformedPayloadError: not JSON, or no `results` list / `total` number.
    """
    data = _load_object(text, url=url)
    results = data.get("results")
    total = data.get("total")
    if not isinstance(results, list) or not isinstance(total, int):
        raise MalformedPayloadError(f"{url}: Search API answer without results/total", url=url)
    parsed: list[SearchResult] = []
    for raw in results:
        if not isinstance(raw, dict) or not isinstance(raw.get("link"), str) or not raw["link"]:
            continue
        parsed.append(
            SearchResult(
                link=raw["link"],
                content_id=_text(raw.get("content_id")),
                title=_text(raw.get("title")),
                description=_text(raw.get("description")),
                public_timestamp=normalise_timestamp(_text(raw.get("public_timestamp")) or None),
                document_type=_text(raw.get("content_store_document_type")),
            )
        )
    start = data.get("start")
    return SearchPage(results=tuple(parsed), total=total, start=start if isinstance(start, int) else 0)


def _load_object(text: str, *, url: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:  # RecursionError: arrays nested thousands deep
        raise MalformedPayloadError(f"{url}: not JSON ({type(exc).__name__}: {exc})", url=url) from exc
    if not isinstance(data, dict):
        raise MalformedPayloadError(f"{url}: JSON is not an object", url=url)
    return data


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
