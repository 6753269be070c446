"""The whole stack on real parts: sample GOV.UK on 127.0.0.1 → Beam → embedded Kafka → DuckDB → alerts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import pytest
from prometheus_client import REGISTRY
from typer.testing import CliRunner

from govwatch.cli import app
from govwatch.config import Settings
from govwatch.demo.run import demo_settings, subscribe_demo
from govwatch.demo.server import SampleServer, expected_counts, sample_sources
from govwatch.kafka import ANNOUNCEMENTS, flush_producer, kafka_stack, topic_name
from govwatch.pipeline.transforms import run_bounded
from govwatch.publication import spool_dir_for
from govwatch.runner import Stack, publication_callback, run_once


@pytest.fixture
def sample() -> Iterator[SampleServer]:
    with SampleServer() as server:
        yield server


def _settings(server: SampleServer, tmp_path: Path) -> Settings:
    settings = demo_settings(server.base_url, tmp_path / "govwatch.duckdb", sample_sources(server.base_url))
    subscribe_demo(settings)
    return settings


def _latencies(stage: str) -> float:
    """How many document latencies this process has observed for `stage` (Prometheus registry)."""
    value = REGISTRY.get_sample_value("govwatch_document_latency_seconds_count", {"stage": stage})
    return value or 0.0


def _publish_every_source(ready: Settings, broker: Any) -> None:
    """Poll every source once through the pipeline onto the broker, storing nothing."""
    run_bounded(
        ready,
        [s.name for s in ready.sources],
        on_published=publication_callback(broker, ready.checkpoint_path),
    )


def _one(db: Path, sql: str) -> Any:
    conn = duckdb.connect(str(db), read_only=True)
    try:
        row = conn.execute(sql).fetchone()
        return row[0] if row else None
    finally:
        conn.close()


def test_one_shot_run_stores_every_announcement_once_and_alerts(sample: SampleServer, tmp_path: Path) -> None:
    settings = _settings(sample, tmp_path)
    before = {stage: _latencies(stage) for stage in ("kafka", "duckdb", "alert")}
    summary = run_once(settings)
    expected = expected_counts(1)
    assert summary.stored == expected["announcements"]
    db = settings.db_path
    assert _one(db, "select count(*) from announcements") == expected["announcements"]
    assert _one(db, "select count(distinct id) from announcement_versions") == expected["announcements"]
    # The seed's facts come through: an MoU between OpenAI and the UK Government, with £2 billion.
    assert (
        _one(
            db,
            "select count(*) from partnerships where kind = 'memorandum_of_understanding' "
            "and list_contains(parties, 'OpenAI')",
        )
        == 1
    )
    assert (
        _one(db, "select count(*) from figures where kind = 'money' and value = 2e9 and currency = 'GBP'")
        >= 1
    )
    # Mangled pages are repaired and say so.
    assert _one(db, "select count(*) from announcements where body_text like '%鈥%'") == 0
    assert (
        _one(db, "select count(*) from announcements where json_array_length(repairs) > 0")
        >= expected["mangled"]
    )
    # Alerts for new MoUs went to the file channel, one per matching document.
    listed = CliRunner().invoke(
        app, ["subscriptions", "list", "--db", str(settings.db_path), "--format", "json"]
    )
    assert [row["name"] for row in json.loads(listed.stdout)] == ["new-mous"]
    alerts_path = Path(str(settings.db_path) + ".alerts.jsonl")
    lines = [json.loads(line) for line in alerts_path.read_text().splitlines()]
    assert len(lines) == _one(
        db,
        "select count(distinct announcement_id) from partnerships where kind = 'memorandum_of_understanding'",
    )
    assert _one(db, "select count(*) from alerts where status = 'delivered'") == len(lines)
    # Latency from updated_at was measured on the way: to Kafka, into DuckDB, and to each delivery.
    assert (
        _latencies("kafka") - before["kafka"] >= expected["announcements"]
    )  # a document in two feeds: twice
    assert _latencies("duckdb") - before["duckdb"] >= expected["announcements"]
    assert _latencies("alert") - before["alert"] == len(lines)
    # Everything the run wrote (database, WAL, checkpoint, spool, alerts file) is its owner's only.
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert db in written and settings.checkpoint_path in written
    assert {str(p.relative_to(tmp_path)): oct(p.stat().st_mode & 0o777) for p in written} == {
        str(p.relative_to(tmp_path)): oct(0o600) for p in written
    }


def test_second_poll_sends_conditional_requests_and_stores_nothing(
    sample: SampleServer, tmp_path: Path
) -> None:
    settings = _settings(sample, tmp_path)
    run_once(settings)
    sample.reset_counts()
    again = run_once(settings)
    assert again.stored == 0 and again.duplicates == 0
    assert sample.status_counts().get(304, 0) >= len(settings.sources)
    assert sample.status_counts().get(200, 0) == 0


def test_updated_articles_become_version_two_and_alert_only_when_newly_matching(
    sample: SampleServer, tmp_path: Path
) -> None:
    settings = _settings(sample, tmp_path)
    run_once(settings)
    alerts_before = _one(settings.db_path, "select count(*) from alerts")
    sample.set_phase(2)
    summary = run_once(settings)
    expected = expected_counts(2)
    assert summary.stored == expected["updated"] + (
        expected["announcements"] - expected_counts(1)["announcements"]
    )
    db = settings.db_path
    assert _one(db, "select count(*) from announcements where version = 2") == expected["updated"]
    assert _one(db, "select count(*) from announcement_history") == expected["versions"]
    assert (
        _one(
            db,
            "select count(*) from (select id, version from announcement_versions group by all having count(*) > 1)",
        )
        == 0
    )
    new_alerts = _one(db, "select count(*) from alerts") - alerts_before
    newly_matching = _one(
        db,
        """
        select count(*) from partnerships p where p.kind = 'memorandum_of_understanding' and p.version = 2
        and not exists (select 1 from partnership_rows o where o.announcement_id = p.announcement_id
                        and o.version = 1 and o.kind = 'memorandum_of_understanding')""",
    )
    assert new_alerts == newly_matching


def test_published_but_unstored_documents_are_fetched_again_after_a_crash(
    sample: SampleServer, tmp_path: Path
) -> None:
    """Embedded broker: acknowledged is not durable. Kafka loses the messages with the broker; the
    checkpoint must not have advanced, so the next run publishes and stores them."""
    settings = _settings(sample, tmp_path)
    with kafka_stack(settings) as (ready, broker):
        _publish_every_source(ready, broker)
    # the broker is gone with its messages, and nothing was loaded
    assert any(spool_dir_for(settings.checkpoint_path).glob("*.jsonl"))
    summary = run_once(settings)
    assert summary.stored == expected_counts(1)["announcements"]
    assert not any(spool_dir_for(settings.checkpoint_path).glob("*.jsonl"))


def test_a_version_stored_by_a_killed_run_settles_only_once_its_alerts_are_matched(
    sample: SampleServer, tmp_path: Path
) -> None:
    """A run killed after its loader stored documents, before its alert consumer read them, leaves them
    stored and unsettled. The next run's embedded broker has new topics: its alert consumer catching up
    with its loader there says nothing about those versions, which stay unsettled until they are fetched
    and matched again, so their alerts are not lost."""
    settings = _settings(sample, tmp_path)
    with kafka_stack(settings) as (ready, broker):
        _publish_every_source(ready, broker)
        stack = Stack.open(ready, with_alerts=False, broker=broker)
        try:
            stack.drain()  # stored by the loader alone, and never settled: the run was killed here
        finally:
            stack.close()
    db = settings.db_path
    assert _one(db, "select count(*) from announcement_versions") == expected_counts(1)["announcements"]
    with kafka_stack(settings) as (ready, broker):
        stack = Stack.open(ready, broker=broker)
        try:
            # Both consumers read a message in every partition of the new topics: their offsets are level.
            topic = topic_name(ready.kafka, ANNOUNCEMENTS)
            for partition in stack.producer.partitions_for(topic):
                stack.producer.send(topic, value=b"not an announcement", partition=partition)
            flush_producer(stack.producer, ready.kafka)
            stack.drain()
            assert stack.settle() == 0
        finally:
            stack.close()
    run_once(settings)
    assert not any(spool_dir_for(settings.checkpoint_path).glob("*.jsonl"))
    with_mou = _one(
        db,
        "select count(distinct announcement_id) from partnership_rows where kind = 'memorandum_of_understanding'",
    )
    assert with_mou > 0
    assert _one(db, "select count(distinct announcement_id) from alerts") == with_mou


def test_a_failing_source_is_dead_lettered_and_the_others_go_on(sample: SampleServer, tmp_path: Path) -> None:
    settings = _settings(sample, tmp_path)
    broken = replace(settings.sources[0], name="broken", url=sample.base_url + "/no/such/feed.atom")
    settings = replace(settings, sources=(broken, *settings.sources))
    summary = run_once(settings)
    assert summary.stored == expected_counts(1)["announcements"]
    assert _one(settings.db_path, "select count(*) from deadletters where source = 'broken'") == 1


def test_every_example_query_runs_on_a_loaded_database(sample: SampleServer, tmp_path: Path) -> None:
    from importlib import resources

    from govwatch.query import read_rows

    settings = _settings(sample, tmp_path)
    run_once(settings)
    folder = resources.files("govwatch.sql").joinpath("queries")
    names = sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".sql"))
    assert len(names) >= 5
    for name in names:
        sql = "\n".join(
            line for line in folder.joinpath(name).read_text().splitlines() if not line.startswith("--")
        )
        columns, rows = read_rows(settings, sql)
        assert columns and rows, name


def test_a_document_that_fails_validation_is_dead_lettered_and_not_fetched_again(tmp_path: Path) -> None:
    """A poison document goes to the dead-letter topic and table; the checkpoint still moves past it, so
    the feed is polled conditionally afterwards and the document is not fetched again and again."""
    from govwatch.config import SourceConfig
    from tests.support.http_server import LoopbackServer, Reply

    long_path = "/news/" + "a" * 2100  # its URL becomes an id longer than the schema allows
    page = (
        b"<html lang='en'><head><title>T</title></head><body><article><h1>Agreement</h1>"
        + (
            b"<p>The council signed a contract with Example Ltd worth \xc2\xa35 million for new IT systems.</p>"
            * 5
        )
        + b"</article></body></html>"
    )
    with LoopbackServer() as server:
        items = "".join(
            f"<item><title>Item {n}</title><link>{server.url(path)}</link>"
            f"<pubDate>Mon, 21 Jul 2025 10:0{n}:00 GMT</pubDate></item>"
            for n, path in enumerate(["/news/ok", long_path])
        )
        feed = f"<?xml version='1.0'?><rss version='2.0'><channel><title>N</title>{items}</channel></rss>".encode()
        server.route("/feed.xml", Reply(body=feed, content_type="application/rss+xml", etag='"f1"'))
        server.route("/news/ok", Reply(body=page))
        server.route(long_path, Reply(body=page))
        base = _settings_for_sources(
            tmp_path, [SourceConfig(name="newsroom", kind="rss", url=server.url("/feed.xml"))]
        )
        first = run_once(base)
        assert first.stored == 1
        assert _one(base.db_path, "select count(*) from deadletters where stage = 'validate'") == 1
        fetches = server.count(long_path)
        second = run_once(base)
        assert second.stored == 0
        assert server.count(long_path) == fetches
        assert server.conditional_count("/feed.xml") >= 1


def test_the_lexicon_variable_reaches_tagging_in_a_run(tmp_path: Path) -> None:
    """`GOVWATCH_LEXICON_DIR`, read once by the config loader, tags what the pipeline stores."""
    from govwatch.config import LEXICON_DIR_ENV, HttpSettings, load_settings
    from tests.support.http_server import LoopbackServer, Reply
    from tests.support.lexicon import ZQS_PARTIES, ZQS_TEXT, zqs_lexicon_folder

    page = f"<html lang='en'><head><title>MoU</title></head><body><article><h1>MoU</h1><p>{ZQS_TEXT}</p>"
    with LoopbackServer() as server:
        item = f"<item><title>MoU</title><link>{server.url('/news/zqs')}</link></item>"
        feed = f"<?xml version='1.0'?><rss version='2.0'><channel><title>N</title>{item}</channel></rss>"
        server.route("/feed.xml", Reply(body=feed.encode(), content_type="application/rss+xml"))
        server.route("/news/zqs", Reply(body=(page + "</article></body></html>").encode()))
        config = tmp_path / "govwatch.toml"
        config.write_text(
            f"[[sources]]\nname = 'newsroom'\nkind = 'rss'\nurl = '{server.url('/feed.xml')}'\n"
        )
        env = {LEXICON_DIR_ENV: str(zqs_lexicon_folder(tmp_path))}
        settings = load_settings(config, env=env, db_path=tmp_path / "govwatch.duckdb")
        assert run_once(replace(settings, http=HttpSettings(requests_per_second_per_host=100.0))).stored == 1
    assert _one(settings.db_path, "select parties from partnerships") == list(ZQS_PARTIES)


def _settings_for_sources(tmp_path: Path, sources: list[Any]) -> Settings:
    from govwatch.config import HttpSettings, load_settings

    settings = load_settings(None, env={}, db_path=tmp_path / "govwatch.duckdb")
    return replace(settings, sources=tuple(sources), http=HttpSettings(requests_per_second_per_host=100.0))
