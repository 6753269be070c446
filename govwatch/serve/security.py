"""What keeps the web page safe: a strict Content-Security-Policy, read-only methods, and a token
whenever it listens beyond loopback."""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from govwatch.errors import GovwatchError

TOKEN_ENV = "GOVWATCH_SERVE_TOKEN"
TOKEN_COOKIE = "govwatch_token"
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def is_loopback(host: str) -> bool:
    """Whether binding to `host` keeps the page on this machine.

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("::1"), is_loopback("0.0.0.0")
    (True, True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str) -> None:
    """Refuse to serve beyond loopback without a token.

    Raises:
        GovwatchError: `host` is not a loopback address and no token was given.
    """
    if not is_loopback(host) and not token:
        raise GovwatchError(
            f"--host {host} would let other machines read the database; give a token with --token or "
            f"{TOKEN_ENV} (readers then open /?token=...), or keep the default --host 127.0.0.1"
        )


class Guard(BaseHTTPMiddleware):
    """Security headers on every response, and the token check when one is set."""

    def __init__(self, app: Any, token: str) -> None:
        super().__init__(app)
        self._token = token

    def _allowed(self, request: Request) -> bool:
        if not self._token:
            return True
        given = request.query_params.get("token") or request.cookies.get(TOKEN_COOKIE) or ""
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            given = header[7:].strip()
        return hmac.compare_digest(given.encode(), self._token.encode())

    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if request.method not in ("GET", "HEAD"):
            response: Response = PlainTextResponse("this page is read-only\n", status_code=405)
        elif not self._allowed(request):
            response = PlainTextResponse(
                "a token is needed: open this page as /?token=... (ask whoever runs govwatch serve)\n",
                status_code=401,
            )
        else:
            response = await call_next(request)
            if self._token and request.query_params.get("token"):
                response.set_cookie(TOKEN_COOKIE, self._token, httponly=True, samesite="strict")
        for name, value in SECURITY_HEADERS.items():
            response.headers[name] = value
        return response
