"""Why a fetch failed, as `SourceError` subclasses; `retryable` says whether trying later may help.

The exception *type* decides the route: a retryable failure is retried by the client and, if it persists,
reported so the source backs off; a non-retryable one (404/410, blocked URL, over the size cap) is
reported once and not tried again for the same document version.
"""

from __future__ import annotations

from govwatch.errors import SourceError


class FetchError(SourceError):
    """A URL could not be fetched."""

    def __init__(self, message: str, *, url: str, retryable: bool = False) -> None:
        super().__init__(message)
        self.url = url
        self.retryable = retryable


class HttpStatusError(FetchError):
    """The server answered with an error status (4xx/5xx) after all retries."""

    def __init__(
        self,
        message: str,
        *,
        url: str,
        status: int,
        retryable: bool,
        retry_after_s: float | None = None,
        body: bytes = b"",
    ) -> None:
        super().__init__(message, url=url, retryable=retryable)
        self.status = status
        self.retry_after_s = retry_after_s
        self.body = body

    @property
    def gone(self) -> bool:
        """404 or 410: the document was removed or withdrawn; asking again will not bring it back."""
        return self.status in (404, 410)


class FetchTimeoutError(FetchError):
    """Connect, read or total timeout: the server is slow or stalled mid-body."""

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(message, url=url, retryable=True)


class ConnectionFailedError(FetchError):
    """DNS, TLS or TCP failure before an HTTP answer."""

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(message, url=url, retryable=True)


class ResponseTooLargeError(FetchError):
    """The body is over `http.max_bytes`; it was not read further."""


class BlockedUrlError(FetchError):
    """The URL is not http(s), or a link from feed content points at a non-public address."""


class TooManyRedirectsError(FetchError):
    """More than `http.max_redirects` redirects."""
