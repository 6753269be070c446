"""The one HTTP client of govwatch: polite (rate limit, User-Agent, conditional GET) and defensive.

Every byte govwatch reads from the network comes through `HttpClient.get`. It is shared by all sources and
threads, so politeness is enforced here once: a per-host request rate, a cap on concurrent requests,
retries with exponential backoff and jitter, and `Retry-After` honoured. It is defensive because feeds are
untrusted input: bodies are streamed and cut at a size cap, one deadline bounds each attempt from connect
to last byte (headers included, see `deadline.py`), retries draw on a budget shared by a whole poll,
redirects are followed by hand (each hop is checked), only http(s) is fetched, and links that come *from
feed content* may not reach private, loopback or link-local addresses unless their host is trusted.
Connections go straight to the server: proxy variables in the environment are not used.
"""

from __future__ import annotations

import logging
import random
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx

from govwatch.closing import Closing
from govwatch.config import HttpSettings
from govwatch.connectors.deadline import deadline_transport, fetch_deadline
from govwatch.connectors.decoding import (
    ACCEPT_ENCODING,
    BodyTooLargeError,
    UnsupportedEncodingError,
    decode_body,
)
from govwatch.connectors.http_errors import (
    BlockedUrlError,
    ConnectionFailedError,
    FetchError,
    FetchTimeoutError,
    HttpStatusError,
    ResponseTooLargeError,
    TooManyRedirectsError,
)
from govwatch.connectors.politeness import (
    HostRateLimiter,
    RetryBudget,
    backoff_delay_s,
    parse_retry_after_s,
)
from govwatch.connectors.urls import has_allowed_scheme, host_matches, is_public_address, url_host

log = logging.getLogger(__name__)

RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ERROR_BODY_MAX_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class HttpResult:
    """One successful response (2xx, or 304 Not Modified after a conditional GET).

    `url` is the final URL after redirects; `content` is the decoded (gunzipped) body, empty for 304;
    `content_type` is the bare media type in lower case and `charset` the declared one, if any.
    """

    url: str
    status: int
    content: bytes
    content_type: str = ""
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        """True for a 304 answer to a conditional GET: nothing changed, nothing to parse."""
        return self.status == 304

    def text(self) -> str:
        """Decode the body with the declared charset, else UTF-8; undecodable bytes become U+FFFD.

        A charset that is no text encoding, or one that fails whatever the bytes ("idna", "undefined"),
        counts as undeclared.
        """
        encoding = self.charset or "utf-8"
        try:
            return self.content.decode(encoding, errors="replace")
        except (LookupError, UnicodeError):
            return self.content.decode("utf-8", errors="replace")


class HttpClient(Closing):
    """Fetch URLs politely and safely; one instance is shared by every source and thread.

    Args:
        settings: timeouts, size cap, retries, rate limit, concurrency, user agent and contact.
        trusted_hosts: hosts whose links may resolve to private addresses even when they come from feed
            content: the GOV.UK base URL host and the hosts of the configured sources' own URLs.
        resolve: host name -> IP addresses (the system resolver by default; tests pass their own).
    """

    def __init__(
        self,
        settings: HttpSettings,
        *,
        trusted_hosts: Iterable[str] = (),
        resolve: Callable[[str], list[str]] | None = None,
    ) -> None:
        self._settings = settings
        self._resolve = resolve or resolve_host
        self._trusted = tuple(h.lower() for h in trusted_hosts if h) + settings.allow_private_hosts
        self._limiter = HostRateLimiter(settings.requests_per_second_per_host)
        self._slots = threading.BoundedSemaphore(max(1, settings.max_concurrency))
        self._rng = random.Random()
        user_agent = settings.user_agent
        if settings.contact:
            user_agent = f"{user_agent} contact: {settings.contact}"
        limits = httpx.Limits(max_connections=max(1, settings.max_concurrency))
        self._client = httpx.Client(
            transport=deadline_transport(limits),
            follow_redirects=False,
            timeout=httpx.Timeout(
                connect=settings.connect_timeout_s,
                read=settings.read_timeout_s,
                write=settings.read_timeout_s,
                pool=settings.total_timeout_s,
            ),
            headers={"User-Agent": user_agent, "Accept-Encoding": ACCEPT_ENCODING},
        )

    def close(self) -> None:
        """Close pooled connections."""
        self._client.close()

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        from_content: bool = False,
        accept: str | None = None,
        budget: RetryBudget | None = None,
    ) -> HttpResult:
        """GET a URL, conditionally when validators are given, retrying transient failures.

        Each attempt (with its redirects) ends within `http.total_timeout_s`, connect, headers and body
        alike. Retries wait and run only while `budget` has time left: a poll passes one budget to all
        its fetches, so a slow server costs the poll `http.poll_retry_budget_s` of retries at most.

        Args:
            url: an http(s) URL.
            etag, last_modified: validators from an earlier response (sent as If-None-Match and
                If-Modified-Since); a 304 comes back as an `HttpResult` with `not_modified` True.
            from_content: the URL was found inside a feed or page, so it may not reach a private,
                loopback or link-local address unless its host is trusted or allowed by settings.
            accept: an Accept header, e.g. "application/json".
            budget: the retry time left to the caller's poll (None: only `http.max_retries` limits).

        Returns:
            The final 2xx (or 304) response with its body read in full.

        Raises:
            FetchError: a `SourceError` subclass; `retryable` says whether trying later may help.
        """
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if accept:
            headers["Accept"] = accept
        attempt = 0
        limit_s = self._settings.total_timeout_s
        while True:
            started = time.monotonic()
            try:
                return self._get_following_redirects(url, headers, from_content=from_content, limit_s=limit_s)
            except FetchError as exc:
                failed = exc
            finally:
                if budget is not None and attempt > 0:
                    budget.spend(time.monotonic() - started)
            if not failed.retryable or attempt >= self._settings.max_retries:
                raise failed
            delay_s = self._retry_delay_s(failed, attempt)
            if budget is not None and not budget.allows(delay_s):
                log.info("no retry of %s: this poll's retry budget is spent (%s)", url, failed)
                raise failed
            log.info("retry %s in %.2fs (attempt %d): %s", url, delay_s, attempt + 1, failed)
            time.sleep(delay_s)
            attempt += 1
            if budget is not None:
                budget.spend(delay_s)
                limit_s = min(self._settings.total_timeout_s, budget.remaining_s)

    def _retry_delay_s(self, exc: FetchError, attempt: int) -> float:
        if isinstance(exc, HttpStatusError) and exc.retry_after_s is not None:
            return min(exc.retry_after_s, self._settings.backoff_max_s)
        return backoff_delay_s(
            attempt, base_s=self._settings.backoff_base_s, max_s=self._settings.backoff_max_s, rng=self._rng
        )

    def _get_following_redirects(
        self, url: str, headers: dict[str, str], *, from_content: bool, limit_s: float
    ) -> HttpResult:
        deadline = time.monotonic() + limit_s
        current = url
        for _hop in range(self._settings.max_redirects + 1):
            pinned = self._check_url(current, from_content=from_content)
            location = self._get_once(current, headers, deadline, pinned=pinned)
            if isinstance(location, HttpResult):
                return location
            log.debug("redirect %s -> %s", current, location)
            current = urljoin(current, location)
        raise TooManyRedirectsError(
            f"{url}: more than {self._settings.max_redirects} redirects; check the link", url=url
        )

    def _check_url(self, url: str, *, from_content: bool) -> str | None:
        """Refuse what may not be fetched; for an untrusted link from content, return the vetted address.

        The request then connects to that very address (see `_get_once`), so a DNS answer that changes
        between our check and the connection (DNS rebinding) cannot steer it to a private address.
        """
        if not has_allowed_scheme(url):
            raise BlockedUrlError(f"{url}: only valid http and https URLs are fetched", url=url)
        host = url_host(url)
        if not host:
            raise BlockedUrlError(f"{url}: no host in URL", url=url)
        if not from_content or host_matches(host, self._trusted):
            return None
        try:
            addresses = self._resolve(host)
        except (OSError, UnicodeError) as exc:
            raise ConnectionFailedError(f"{url}: cannot resolve {host} ({exc})", url=url) from exc
        if not addresses:
            raise ConnectionFailedError(f"{url}: {host} has no address", url=url)
        for address in addresses:
            if not is_public_address(address) and not host_matches(
                address, self._settings.allow_private_hosts
            ):
                raise BlockedUrlError(
                    f"{url}: {host} resolves to non-public address {address}; a link from feed content may "
                    "not reach it (add the host to http.allow_private_hosts if this is intended)",
                    url=url,
                )
        return addresses[0]

    def _get_once(
        self, url: str, headers: dict[str, str], deadline: float, *, pinned: str | None = None
    ) -> HttpResult | str:
        """One request; returns the result, or the Location of a redirect to follow.

        With `pinned`, the connection goes to that address while the Host header and the TLS server name
        (SNI and certificate check) stay those of the URL.
        """
        self._limiter.wait(url_host(url))
        target, extensions, send_headers = url, {}, headers
        if pinned is not None:
            parsed = httpx.URL(url)
            target = str(parsed.copy_with(host=pinned))
            authority = parsed.host if parsed.port is None else f"{parsed.host}:{parsed.port}"
            send_headers = {**headers, "Host": authority}
            extensions = {"sni_hostname": parsed.host}
        with self._slots, fetch_deadline(deadline):
            try:
                with self._client.stream(
                    "GET", target, headers=send_headers, extensions=extensions
                ) as response:
                    return self._read_response(url, response)
            except httpx.TimeoutException as exc:
                if time.monotonic() >= deadline:
                    raise FetchTimeoutError(
                        f"{url}: not finished within {self._settings.total_timeout_s}s total "
                        f"({type(exc).__name__}); the server is too slow, trying again later",
                        url=url,
                    ) from exc
                raise FetchTimeoutError(f"{url}: timed out ({type(exc).__name__})", url=url) from exc
            except (httpx.TransportError, httpx.DecodingError) as exc:
                raise ConnectionFailedError(f"{url}: {type(exc).__name__}: {exc}", url=url) from exc
            except (httpx.InvalidURL, ValueError) as exc:
                raise BlockedUrlError(f"{url}: not a valid URL ({exc})", url=url) from exc

    def _read_response(self, url: str, response: httpx.Response) -> HttpResult | str:
        status = response.status_code
        if status in REDIRECT_STATUSES and response.headers.get("location"):
            return response.headers["location"]
        if status == 304:
            return HttpResult(
                url=url,
                status=304,
                content=b"",
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
            )
        if status >= 300:
            body = self._read_body(url, response, limit=ERROR_BODY_MAX_BYTES, truncate=True)
            retry_after = parse_retry_after_s(response.headers.get("retry-after"), now_s=time.time())
            raise HttpStatusError(
                f"{url}: HTTP {status}",
                url=url,
                status=status,
                retryable=status in RETRYABLE_STATUSES,
                retry_after_s=retry_after,
                body=body,
            )
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._settings.max_bytes:
            raise ResponseTooLargeError(
                f"{url}: body of {declared} bytes is over the {self._settings.max_bytes}-byte cap", url=url
            )
        content = self._read_body(url, response, limit=self._settings.max_bytes, truncate=False)
        media_type, _, params = response.headers.get("content-type", "").partition(";")
        return HttpResult(
            url=url,
            status=status,
            content=content,
            content_type=media_type.strip().lower(),
            charset=_charset_of(params),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
        )

    def _read_body(self, url: str, response: httpx.Response, *, limit: int, truncate: bool) -> bytes:
        """Stream and decode the body, stopping at `limit` decoded bytes (the fetch deadline bounds each read).

        Raw bytes are read and inflated here (not by httpx) so a compressed body is never inflated far
        beyond the cap; `truncate` keeps the first `limit` bytes instead of failing (for error pages).
        """
        encoding = response.headers.get("content-encoding", "")
        try:
            return decode_body(response.iter_raw(), encoding=encoding, limit=limit)
        except BodyTooLargeError as exc:
            if truncate:
                return b""
            raise ResponseTooLargeError(
                f"{url}: body is over the {limit}-byte cap; not read further", url=url
            ) from exc
        except UnsupportedEncodingError as exc:
            raise ConnectionFailedError(f"{url}: {exc}", url=url) from exc
        except zlib.error as exc:
            raise ConnectionFailedError(f"{url}: corrupt {encoding} body ({exc})", url=url) from exc


def resolve_host(host: str) -> list[str]:
    """All IP addresses of a host name via the system resolver, in the resolver's order (deduplicated).

    >>> resolve_host("127.0.0.1")
    ['127.0.0.1']
    """
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _charset_of(params: str) -> str | None:
    """Pick `charset=` out of Content-Type parameters.

    >>> _charset_of(' charset="UTF-8"; boundary=x')
    'utf-8'
    """
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'").lower()
    return None
