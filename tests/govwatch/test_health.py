"""Readiness: a source counts as failing only once it has failed for N of its intervals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from govwatch.config import Settings, SourceConfig
from govwatch.connectors.checkpoint import SourceState
from govwatch.connectors.poll import source_key
from govwatch.health import broker_reachable, failing_sources

NOW = datetime(2025, 7, 22, 12, 0, tzinfo=UTC)
SOURCE = SourceConfig(name="dsit", kind="rss", url="https://news.example.org/feed", interval_s=60)
SETTINGS = Settings(sources=(SOURCE,))


def _failing(state: SourceState) -> list[str]:
    return failing_sources(SETTINGS, {source_key(SOURCE, SETTINGS): state}, NOW, 3)


def test_a_healthy_or_briefly_failing_source_keeps_the_run_ready() -> None:
    assert _failing(SourceState(last_success=NOW - timedelta(hours=5))) == []
    assert _failing(SourceState(failures=2, last_success=NOW - timedelta(seconds=170))) == []
    assert _failing(SourceState(failures=2)) == []


def test_a_source_failing_for_longer_than_n_intervals_makes_it_unready() -> None:
    [line] = _failing(
        SourceState(failures=2, last_success=NOW - timedelta(seconds=181), last_error="HTTP 503")
    )
    assert line == "source dsit: failing (2 in a row): HTTP 503"
    assert _failing(SourceState(failures=3, last_error="HTTP 404"))


def test_an_unreachable_broker_is_a_problem_line() -> None:
    from govwatch.broker import free_port

    [line] = broker_reachable(f"127.0.0.1:{free_port()}")
    assert line.startswith("broker 127.0.0.1:")
