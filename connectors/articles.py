"""Fetch the article a feed entry or search result points at, as a versioned `FetchedDocument`.

GOV.UK articles are fetched from the Content API (structured JSON: content_id, dates, organisations,
body), falling back to the HTML page when the API answers something unusable; other articles are fetched
as HTML. A 404/410 means the article was removed or withdrawn: it is recorded in the checkpoint and
reported once as a non-retryable failure, so it is not fetched again until its entry changes.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from govwatch.connectors.checkpoint import Checkpoint
from govwatch.connectors.dates import format_utc
from govwatch.connectors.feeds import entry_marker
from govwatch.connectors.govuk import (
    MalformedPayloadError,
    SearchResult,
    content_api_url,
    page_url,
    parse_content_item,
    rebase_govuk_url,
)
from govwatch.connectors.http import HttpClient, HttpResult
from govwatch.connectors.http_errors import FetchError, HttpStatusError
from govwatch.connectors.politeness import RetryBudget
from govwatch.connectors.records import FetchedDocument, SourceFailure
from govwatch.connectors.urls import canonical_url

log = logging.getLogger(__name__)

HTML_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
JSON_ACCEPT = "application/json"
HTML_MEDIA_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")
_GOVUK_CONTENT_ID = re.compile(
    r"<meta\s+name=[\"']govuk:content-id[\"']\s+content=[\"']([0-9a-f-]{36})[\"']", re.IGNORECASE
)
_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9._-]+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleRef:
    """An article as a feed entry or search result names it. Dates are UTC `...Z` strings or None."""

    link: str
    title: str = ""
    summary: str = ""
    updated_at: str | None = None
    published_at: str | None = None
    content_id: str = ""

    @property
    def url(self) -> str:
        """The canonical URL: the document id when no content_id is known."""
        return canonical_url(self.link)

    @property
    def marker(self) -> str:
        """What says this entry changed (see `entry_marker`)."""
        return entry_marker(self.updated_at, self.title, self.summary)


def search_result_ref(result: SearchResult, base_url: str) -> ArticleRef:
    """The article a Search API result names (its public timestamp stands for both dates)."""
    return ArticleRef(
        link=page_url(result.link, base_url),
        title=result.title,
        summary=result.description,
        updated_at=result.public_timestamp,
        published_at=result.public_timestamp,
        content_id=result.content_id,
    )


def is_known(ref: ArticleRef, checkpoint: Checkpoint) -> bool:
    """True when the entry was already published unchanged, or found gone: no fetch needed."""
    url, marker = ref.url, ref.marker
    return checkpoint.is_unchanged(url, marker, content_id=ref.content_id) or checkpoint.is_gone(url, marker)


def fetch_article(
    ref: ArticleRef,
    *,
    source: str,
    base_url: str,
    prefer_content_api: bool,
    http: HttpClient,
    checkpoint: Checkpoint,
    budget: RetryBudget | None = None,
) -> FetchedDocument | SourceFailure | None:
    """Fetch one article and give it its version; `budget` is the poll's retry budget (see `HttpClient.get`).

    Returns:
        A `FetchedDocument` when new or changed; None when the fetched content is exactly what was
        published already; a `SourceFailure` when it cannot be fetched (`retryable` False for 404/410).
    """
    recent = checkpoint.recall(ref.url, ref.marker)
    if recent is not None:
        # the same entry in another feed of this poll cycle: same document and version, no second fetch
        return replace(recent, source=source, feed_title=ref.title, feed_summary=ref.summary)
    api_url = content_api_url(ref.link, base_url) if prefer_content_api else None
    if api_url is not None:
        try:
            result = http.get(api_url, accept=JSON_ACCEPT, from_content=True, budget=budget)
            item = parse_content_item(result.text(), url=api_url)
        except HttpStatusError as exc:
            if exc.gone or exc.retryable:
                return _failed(ref, source, exc, checkpoint)
            log.info("content api refused %s (%s); fetching the page instead", api_url, exc)
        except MalformedPayloadError as exc:
            log.info("content api item unusable (%s); fetching the page instead", exc)
        except FetchError as exc:
            return _failed(ref, source, exc, checkpoint)
        else:
            return _versioned(
                ref,
                source=source,
                doc_id=item.content_id,
                updated_at=item.public_updated_at or ref.updated_at,
                payload_kind="content_api",
                payload=result.text(),
                withdrawn=item.withdrawn,
                checkpoint=checkpoint,
            )
    page_link = rebase_govuk_url(ref.link, base_url) if prefer_content_api else ref.link
    try:
        page = http.get(page_link, accept=HTML_ACCEPT, from_content=True, budget=budget)
    except FetchError as exc:
        return _failed(ref, source, exc, checkpoint)
    if page.content_type not in HTML_MEDIA_TYPES:
        reason = f"{ref.link}: served as {page.content_type}, not an HTML page"
        log.warning("skip %s: %s", ref.link, reason)
        return SourceFailure(source=source, url=ref.link, stage="article", reason=reason, retryable=False)
    payload = decode_html(page)
    return _versioned(
        ref,
        source=source,
        doc_id=(_govuk_content_id(payload) if prefer_content_api else None) or ref.url,
        updated_at=ref.updated_at,
        payload_kind="html",
        payload=payload,
        withdrawn=False,
        checkpoint=checkpoint,
    )


def decode_html(page: HttpResult) -> str:
    """Decode an HTML page: declared charset, then valid UTF-8, then a `<meta charset>`, then Windows-1252.

    Bytes that do not decode are kept visible as U+FFFD rather than guessed; fixing mojibake is the
    repair stage's job, and it needs to see what the page really held.
    """
    candidates = [page.charset] if page.charset else []
    candidates.append("utf-8")
    meta = _META_CHARSET.search(page.content[:4096])
    if meta:
        candidates.append(meta.group(1).decode("ascii"))
    for encoding in candidates:
        try:
            return page.content.decode(encoding)
        except (LookupError, UnicodeError):  # UnicodeError: codecs such as "idna" or "undefined"
            continue
    return page.content.decode("cp1252", errors="replace")


def _govuk_content_id(page: str) -> str | None:
    """GOV.UK pages name their content_id in a meta tag; using it keeps one id whichever way we fetched.

    >>> _govuk_content_id('<meta name="govuk:content-id" content="5e1cd2b0-7d25-4d0c-a9c4-5b7c1f4a0e11">')
    '5e1cd2b0-7d25-4d0c-a9c4-5b7c1f4a0e11'
    """
    match = _GOVUK_CONTENT_ID.search(page[:20000])
    return match.group(1) if match else None


def payload_hash(payload: str) -> str:
    """SHA-256 of the payload text: a changed payload under the same date is still a new version.

    >>> payload_hash("a")[:12]
    'ca978112ca1b'
    """
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _versioned(
    ref: ArticleRef,
    *,
    source: str,
    doc_id: str,
    updated_at: str | None,
    payload_kind: str,
    payload: str,
    withdrawn: bool,
    checkpoint: Checkpoint,
) -> FetchedDocument | None:
    digest = payload_hash(payload)
    version = checkpoint.assign_version(doc_id, updated_at=updated_at, payload_hash=digest)
    if version is None:
        log.debug("unchanged %s (%s)", ref.url, doc_id)
        checkpoint.touch_url(ref.url, doc_id=doc_id, marker=ref.marker)
        return None
    doc = FetchedDocument(
        id=doc_id,
        version=version,
        url=ref.url,
        source=source,
        fetched_at=format_utc(datetime.now(UTC)),
        payload_kind=payload_kind,
        payload=payload,
        payload_hash=digest,
        feed_title=ref.title,
        feed_summary=ref.summary,
        feed_published_at=ref.published_at,
        feed_updated_at=ref.updated_at,
        withdrawn=withdrawn,
    )
    checkpoint.remember(ref.marker, doc)
    return doc


def _failed(ref: ArticleRef, source: str, exc: FetchError, checkpoint: Checkpoint) -> SourceFailure:
    if isinstance(exc, HttpStatusError) and exc.gone:
        checkpoint.record_gone(ref.url, marker=ref.marker, status=exc.status, reason=str(exc))
        log.warning("gone %s (%s): HTTP %d, recorded as withdrawn", ref.url, source, exc.status)
        return SourceFailure(
            source=source,
            url=ref.link,
            stage="article",
            reason=f"withdrawn or removed: {exc}",
            retryable=False,
        )
    log.warning("article %s (%s) failed: %s", ref.link, source, exc)
    return SourceFailure(
        source=source, url=ref.link, stage="article", reason=str(exc), retryable=exc.retryable
    )
