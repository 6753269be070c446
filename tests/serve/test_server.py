"""The page on a real uvicorn on 127.0.0.1, and the `govwatch serve` command's refusals."""

from __future__ import annotations

import socket

import httpx
import pytest
from typer.testing import CliRunner

from govwatch.cli import app
from govwatch.config import Settings
from govwatch.db import connect_writer
from govwatch.errors import GovwatchError
from govwatch.query_endpoint import QueryServer
from govwatch.serve.server import BackgroundServer
from tests.support.writer_process import start_writer, stop_writer, tell


def test_background_server_answers_on_loopback(filled: Settings) -> None:
    with BackgroundServer(filled, host="127.0.0.1", port=0) as server:
        response = httpx.get(f"http://127.0.0.1:{server.port}/?kind=grant", timeout=30)
        assert response.status_code == 200
        assert "Grants for quantum skills in Wales" in response.text
        assert "default-src 'none'" in response.headers["content-security-policy"]
        style = httpx.get(f"http://127.0.0.1:{server.port}/static/style.css", timeout=30)
        assert style.status_code == 200 and style.headers["content-type"].startswith("text/css")


def test_background_server_refuses_an_open_host_without_token(filled: Settings) -> None:
    with pytest.raises(GovwatchError, match="token"):
        BackgroundServer(filled, host="0.0.0.0", port=0)


def test_serve_command_refuses_an_open_host_without_token(filled: Settings) -> None:
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--db", str(filled.db_path)], env={})
    assert result.exit_code == 1
    assert "error: --host 0.0.0.0 would let other machines read the database" in result.output
    assert "Traceback" not in result.output


def test_serve_command_without_a_database_says_what_to_do(settings: Settings) -> None:
    result = CliRunner().invoke(app, ["serve", "--db", str(settings.db_path)], env={})
    assert result.exit_code == 1
    assert "govwatch demo" in result.output


def test_pages_are_served_from_the_writing_process(filled: Settings) -> None:
    """`govwatch run --serve`: the process holding the database for writing serves the page too."""
    endpoint = QueryServer(filled.db_path).start()
    conn = connect_writer(filled.db_path)
    endpoint.attach(conn)
    try:
        with BackgroundServer(filled, host="127.0.0.1", port=0) as server:
            response = httpx.get(f"http://127.0.0.1:{server.port}/?kind=grant", timeout=30)
            assert response.status_code == 200, response.text
            assert "Grants for quantum skills in Wales" in response.text
            one = httpx.get(f"http://127.0.0.1:{server.port}/announcement?id=doc-mou", timeout=30)
            assert one.status_code == 200 and "<mark>£2 billion</mark>" in one.text
    finally:
        endpoint.detach()
        conn.close()
        endpoint.stop()


def test_serve_command_on_a_busy_port_is_a_runtime_error(filled: Settings) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(app, ["serve", "--port", str(port), "--db", str(filled.db_path)], env={})
    assert result.exit_code == 1
    assert f"error: cannot listen on 127.0.0.1:{port}" in result.output


def test_page_lets_a_writer_in_and_shows_what_it_stored(filled: Settings) -> None:
    """The page keeps the file open between requests, yet a `govwatch run` starting meanwhile takes it,
    and the next request shows the rows it stored (then, once it stops, reads the file again)."""
    with BackgroundServer(filled, host="127.0.0.1", port=0) as server:
        url = f"http://127.0.0.1:{server.port}/"
        assert "Example announcement doc-4 v1" not in httpx.get(url, timeout=30).text
        assert server.reader.holding  # kept open after the request
        writer = start_writer(filled.db_path)
        try:
            assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
            page = httpx.get(url, timeout=30).text  # through the writer's endpoint
            assert "Example announcement doc-6 v1" in page and "doc-7" not in page
            tell(writer, "store 1", "stored")
            assert "Example announcement doc-7 v1" in httpx.get(url, timeout=30).text
        finally:
            stop_writer(writer)
        assert writer.returncode == 0
        assert "Example announcement doc-7 v1" in httpx.get(url, timeout=30).text  # the file again
        assert server.reader.opened == 2
    assert not server.reader.holding  # a stopped page keeps nobody out
