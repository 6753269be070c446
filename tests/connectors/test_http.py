"""HttpClient against a loopback server: retries, Retry-After, caps, timeouts, redirects, URL safety."""

from __future__ import annotations

import dataclasses
import threading
from typing import Any

import pytest

from govwatch.connectors.http import HttpClient
from govwatch.connectors.http_errors import (
    BlockedUrlError,
    FetchTimeoutError,
    HttpStatusError,
    ResponseTooLargeError,
    TooManyRedirectsError,
)
from govwatch.connectors.politeness import RetryBudget
from tests.support.http_server import fast_http

FAST = fast_http(max_retries=2, max_bytes=4096, contact="ops@example.org")


def test_get_returns_body_and_validators(server: Any, reply: Any) -> None:
    server.route("/a", reply(body=b"hello", etag='"v1"', last_modified="Mon, 21 Jul 2025 22:30:00 GMT"))
    with HttpClient(FAST) as http:
        result = http.get(server.url("/a"))
    assert result.content == b"hello"
    assert result.etag == '"v1"'
    assert result.last_modified == "Mon, 21 Jul 2025 22:30:00 GMT"
    assert result.content_type == "text/html" and result.charset == "utf-8"


def test_user_agent_names_the_contact(server: Any, reply: Any) -> None:
    server.route("/a", reply(body=b"x"))
    with HttpClient(FAST) as http:
        http.get(server.url("/a"))
    agent = server.requests("/a")[0].headers["user-agent"]
    assert agent.startswith("govwatch") and "ops@example.org" in agent


def test_conditional_get_sends_validators_and_reads_304(server: Any, reply: Any) -> None:
    server.route("/a", reply(body=b"hello", etag='"v1"'))
    with HttpClient(FAST) as http:
        result = http.get(server.url("/a"), etag='"v1"')
    assert result.not_modified and result.content == b""
    assert server.conditional_count("/a") == 1


def test_500s_that_recover_are_retried(server: Any, reply: Any) -> None:
    server.route("/a", reply(status=500), reply(status=502), reply(body=b"ok"))
    with HttpClient(FAST) as http:
        assert http.get(server.url("/a")).content == b"ok"
    assert server.count("/a") == 3


def test_persistent_500_gives_up_after_max_retries(server: Any, reply: Any) -> None:
    server.route("/a", reply(status=500))
    with HttpClient(FAST) as http, pytest.raises(HttpStatusError) as info:
        http.get(server.url("/a"))
    assert info.value.retryable and info.value.status == 500
    assert server.count("/a") == FAST.max_retries + 1


def test_429_with_retry_after_is_honoured_then_succeeds(server: Any, reply: Any) -> None:
    server.route("/a", reply(status=429, headers={"Retry-After": "0"}), reply(body=b"ok"))
    with HttpClient(FAST) as http:
        assert http.get(server.url("/a")).content == b"ok"
    assert server.count("/a") == 2


def test_404_is_not_retried_and_reads_as_gone(server: Any, reply: Any) -> None:
    server.route("/a", reply(status=404))
    with HttpClient(FAST) as http, pytest.raises(HttpStatusError) as info:
        http.get(server.url("/a"))
    assert info.value.gone and not info.value.retryable
    assert server.count("/a") == 1


def test_body_over_the_size_cap_is_refused(server: Any, reply: Any) -> None:
    server.route("/big", reply(body=b"x" * 10_000))
    with HttpClient(FAST) as http, pytest.raises(ResponseTooLargeError):
        http.get(server.url("/big"))


def test_gzip_body_over_the_cap_once_decoded_is_refused(server: Any, reply: Any) -> None:
    server.route("/bomb", reply(body=b"0" * 100_000, gzip=True))
    with HttpClient(FAST) as http, pytest.raises(ResponseTooLargeError):
        http.get(server.url("/bomb"))


def test_gzip_body_is_decoded(server: Any, reply: Any) -> None:
    server.route("/z", reply(body=b"compressed text", gzip=True))
    with HttpClient(FAST) as http:
        assert http.get(server.url("/z")).content == b"compressed text"
    assert server.requests("/z")[0].headers.get("accept-encoding", "").find("gzip") >= 0


def test_stall_mid_body_fires_the_read_timeout(server: Any, reply: Any) -> None:
    server.route("/stall", reply(body=b"y" * 2000, stall_after_bytes=100))
    with HttpClient(FAST) as http, pytest.raises(FetchTimeoutError) as info:
        http.get(server.url("/stall"))
    assert info.value.retryable


def test_redirects_are_followed(server: Any, reply: Any) -> None:
    server.route("/old", reply(status=301, headers={"Location": "/new"}))
    server.route("/new", reply(body=b"moved"))
    with HttpClient(FAST) as http:
        result = http.get(server.url("/old"))
    assert result.content == b"moved" and result.url.endswith("/new")


def test_redirect_loop_stops_at_the_limit(server: Any, reply: Any) -> None:
    server.route("/loop", reply(status=302, headers={"Location": "/loop"}))
    with HttpClient(FAST) as http, pytest.raises(TooManyRedirectsError):
        http.get(server.url("/loop"))
    assert server.count("/loop") == FAST.max_redirects + 1


@pytest.mark.parametrize("url", ["http://[::1/x", "http:///x", "javascript:alert(1)"])
def test_malformed_url_is_refused_as_a_source_error(url: str) -> None:
    with HttpClient(FAST) as http, pytest.raises(BlockedUrlError):
        http.get(url)


def test_non_http_scheme_is_refused() -> None:
    with HttpClient(FAST) as http, pytest.raises(BlockedUrlError):
        http.get("file:///etc/passwd")


def test_link_from_content_to_loopback_is_refused_unless_trusted(server: Any, reply: Any) -> None:
    server.route("/a", reply(body=b"secret"))
    with HttpClient(FAST) as http, pytest.raises(BlockedUrlError):
        http.get(server.url("/a"), from_content=True)
    assert server.count("/a") == 0
    with HttpClient(FAST, trusted_hosts=["127.0.0.1"]) as http:
        assert http.get(server.url("/a"), from_content=True).content == b"secret"


def test_redirect_from_content_to_loopback_is_refused(server: Any, reply: Any) -> None:
    server.route("/hop", reply(status=302, headers={"Location": server.url("/inner", host="localhost")}))
    server.route("/inner", reply(body=b"secret"))
    with HttpClient(FAST, trusted_hosts=["127.0.0.1"]) as http, pytest.raises(BlockedUrlError):
        http.get(server.url("/hop"), from_content=True)
    assert server.count("/inner") == 0


def test_allow_private_hosts_setting_admits_a_network(server: Any, reply: Any) -> None:
    server.route("/a", reply(body=b"ok"))
    settings = dataclasses.replace(FAST, allow_private_hosts=("127.0.0.0/8",))
    with HttpClient(settings) as http:
        assert http.get(server.url("/a"), from_content=True).content == b"ok"


def test_concurrency_cap_holds_across_threads(server: Any, reply: Any) -> None:
    server.route("/slow", reply(body=b"ok", delay_s=0.05))
    settings = dataclasses.replace(FAST, max_concurrency=2)
    with HttpClient(settings) as http:
        threads = [threading.Thread(target=http.get, args=(server.url("/slow"),)) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert server.count("/slow") == 8
    assert 1 <= server.max_in_flight <= 2


def test_link_from_content_connects_to_the_vetted_address_with_its_own_host_header(
    server: Any, reply: Any
) -> None:
    server.route("/article", reply(body=b"pinned"))
    settings = dataclasses.replace(FAST, allow_private_hosts=("127.0.0.0/8",))
    asked: list[str] = []

    def resolve(host: str) -> list[str]:
        asked.append(host)
        return ["127.0.0.1"]

    url = f"http://news.example:{server.port}/article"
    with HttpClient(settings, resolve=resolve) as http:
        result = http.get(url, from_content=True)
    assert result.content == b"pinned" and result.url == url
    assert asked == ["news.example"]
    assert server.requests("/article")[0].headers["host"] == f"news.example:{server.port}"


def test_name_resolving_to_a_private_address_is_refused_before_connecting(server: Any, reply: Any) -> None:
    server.route("/article", reply(body=b"x"))
    with (
        HttpClient(FAST, resolve=lambda host: ["8.8.8.8", "10.0.0.7"]) as http,
        pytest.raises(BlockedUrlError),
    ):
        http.get(f"http://news.example:{server.port}/article", from_content=True)
    assert server.count() == 0


@pytest.mark.parametrize("address", ["2002:7f00:1::", "64:ff9b::7f00:1", "::ffff:127.0.0.1"])
def test_name_resolving_to_ipv6_that_embeds_a_private_ipv4_is_refused(
    server: Any, reply: Any, address: str
) -> None:
    server.route("/article", reply(body=b"x"))
    with HttpClient(FAST, resolve=lambda host: [address]) as http, pytest.raises(BlockedUrlError) as info:
        http.get(f"http://news.example:{server.port}/article", from_content=True)
    assert address in str(info.value)
    assert server.count() == 0


def test_slow_loris_headers_end_at_the_fetch_deadline(server: Any, reply: Any) -> None:
    """Headers sent one byte every 50 ms never trip the 0.3 s read timeout; the 1 s deadline ends them."""
    server.route("/loris", reply(headers={"X-Padding": "p" * 2000}, body=b"late", drip_s=0.05))
    settings = dataclasses.replace(FAST, total_timeout_s=1.0, max_retries=0)
    outcome: list[BaseException] = []

    def fetch() -> None:
        with HttpClient(settings) as http:
            try:
                http.get(server.url("/loris"))
            except BaseException as exc:
                outcome.append(exc)

    worker = threading.Thread(target=fetch, daemon=True)
    worker.start()
    worker.join(timeout=30)  # undripped, the response would take over 100 s
    assert not worker.is_alive(), "the fetch outlived its deadline"
    [error] = outcome
    assert isinstance(error, FetchTimeoutError) and error.retryable
    assert "1.0s total" in str(error)


def test_slow_loris_body_ends_at_the_fetch_deadline(server: Any, reply: Any) -> None:
    server.route("/drip", reply(body=b"b" * 5000, drip_s=0.01))
    settings = dataclasses.replace(FAST, total_timeout_s=1.0, max_retries=0, max_bytes=10_000)
    with HttpClient(settings) as http, pytest.raises(FetchTimeoutError, match="total"):
        http.get(server.url("/drip"))


def test_retries_share_one_budget_across_the_fetches_of_a_poll(server: Any, reply: Any) -> None:
    """With 10 retries allowed, a stalling server would be asked 11 times per URL; the poll's 1 s budget
    stops the retries of the first URL after a few, and the second URL gets no retry at all."""
    server.route("/stall-a", reply(body=b"y" * 2000, stall_after_bytes=100))
    server.route("/stall-b", reply(body=b"y" * 2000, stall_after_bytes=100))
    settings = dataclasses.replace(FAST, max_retries=10)
    budget = RetryBudget(1.0)
    with HttpClient(settings) as http:
        for path in ("/stall-a", "/stall-b"):
            with pytest.raises(FetchTimeoutError):
                http.get(server.url(path), budget=budget)
    assert 2 <= server.count("/stall-a") <= 6  # each retry costs at least the 0.3 s read timeout
    assert server.count("/stall-b") == 1
    assert budget.remaining_s < 0.3
