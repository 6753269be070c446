"""Run the web application with uvicorn: in the foreground (`govwatch serve`) or on a thread of the
writing process (`govwatch run --serve`), since DuckDB lets no other process open a file being written."""

from __future__ import annotations

import logging
import threading
import time

import uvicorn

from govwatch.config import Settings
from govwatch.errors import GovwatchError
from govwatch.query_reader import IDLE_RELEASE_S, SharedReader
from govwatch.serve.app import create_app
from govwatch.serve.security import check_bind

log = logging.getLogger(__name__)

START_TIMEOUT_S = 10.0


def _server(
    settings: Settings, host: str, port: int, token: str, keep_open_s: float
) -> tuple[uvicorn.Server, SharedReader]:
    """The uvicorn server of the app, and the app's reader (closed when the server stops: a page that
    no longer serves keeps nobody out of the file)."""
    check_bind(host, token)
    app = create_app(settings, token=token, keep_open_s=keep_open_s)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        server_header=False,
        lifespan="off",
    )
    return uvicorn.Server(config), app.state.reader


def serve_forever(settings: Settings, *, host: str, port: int, token: str = "") -> None:
    """Serve until Ctrl-C or SIGTERM (uvicorn handles both and stops cleanly).

    Raises:
        GovwatchError: a non-loopback host without a token, or the port cannot be bound.
    """
    server, reader = _server(settings, host, port, token, IDLE_RELEASE_S)
    try:
        server.run()
    except SystemExit as exc:  # uvicorn exits when it cannot bind; the CLI's contract is one error line
        if server.started:
            raise
        raise GovwatchError(
            f"cannot listen on {host}:{port}; is the port in use? try another --port"
        ) from exc
    finally:
        reader.close()
    if not server.started:
        raise GovwatchError(f"cannot listen on {host}:{port}; is the port in use? try another --port")


class BackgroundServer:
    """The web application on a daemon thread, for a process that does other work (the writer).

    `keep_open_s` is `create_app`'s: how long the page keeps the file open after its last read.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        host: str,
        port: int,
        token: str = "",
        keep_open_s: float = IDLE_RELEASE_S,
    ) -> None:
        self._server, self._reader = _server(settings, host, port, token, keep_open_s)
        # uvicorn leaves signals alone on a thread other than the main one: the writer keeps its own.
        self._thread = threading.Thread(target=self._server.run, name="govwatch-serve", daemon=True)

    def start(self) -> BackgroundServer:
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise GovwatchError("the web page could not start; is the port in use? try another --port")
            time.sleep(0.05)
        return self

    @property
    def port(self) -> int:
        for server in self._server.servers:
            for sock in server.sockets:
                return int(sock.getsockname()[1])
        raise GovwatchError("the web page is not listening")

    @property
    def reader(self) -> SharedReader:
        """The app's reader: what it keeps open, and how often it opened the file."""
        return self._reader

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=START_TIMEOUT_S)
        self._reader.close()

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
