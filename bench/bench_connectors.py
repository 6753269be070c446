"""Connector costs: safe feed parsing, checkpoint writes, and a poll cycle against a loopback GOV.UK.

Prints, each against a baseline measured in the same run:
- `parse_feed` (decode + DTD strip + feedparser + entry mapping) vs bare `feedparser.parse` on a 200-entry
  GOV.UK-style Atom feed;
- `Checkpoint.mark_published` one document per call vs batches of 100 (each call is one durable
  transaction);
- a first poll of a 100-entry feed (feed + 100 Content API fetches) vs a second, unchanged poll (one
  conditional GET answered 304), both with the rate limit off so the figures show our own cost.
"""

from __future__ import annotations

import importlib.util
import io
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import feedparser

from govwatch.config import GovukSettings, HttpSettings, Settings, SourceConfig
from govwatch.connectors.checkpoint import Checkpoint
from govwatch.connectors.feeds import parse_feed
from govwatch.connectors.http import HttpClient
from govwatch.connectors.poll import poll_source, trusted_hosts
from govwatch.connectors.records import FetchedDocument

ROOT = Path(__file__).parents[1]
ITEM = ROOT / "tests" / "fixtures" / "connectors" / "govuk" / "content" / "openai_v1.json"
ROUNDS = 20


def _server_module() -> Any:
    spec = importlib.util.spec_from_file_location(
        "bench_http_server", ROOT / "tests" / "support" / "http_server.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _atom(count: int, link_base: str = "https://www.gov.uk") -> bytes:
    entries = "".join(
        f"""  <entry>
    <id>{link_base}/government/news/story-{i}#2025-07-21T23:30:00+01:00</id>
    <updated>2025-07-21T23:30:00+01:00</updated>
    <link rel="alternate" type="text/html" href="{link_base}/government/news/story-{i}"/>
    <title>Press release: Story {i} about a £{i} million AI partnership</title>
    <category label="Press release" term="Press release"/>
    <summary>The UK and partner {i} sign a memorandum of understanding on AI compute.</summary>
  </entry>
"""
        for i in range(count)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xml:lang="en-GB" xmlns="http://www.w3.org/2005/Atom">\n'
        "  <id>tag:www.gov.uk,2005:/government/organisations/x</id>\n  <title>X - Activity on GOV.UK</title>\n"
        f"  <updated>2025-07-21T23:30:00+01:00</updated>\n{entries}</feed>\n"
    ).encode()


def _per_s(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}/s" if seconds > 0 else "inf"


def bench_parse() -> None:
    body = _atom(200)
    started = time.perf_counter()
    for _ in range(ROUNDS):
        feedparser.parse(io.BytesIO(body))
    bare = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(ROUNDS):
        parse_feed(body, url="https://www.gov.uk/x.atom", charset="utf-8")
    ours = time.perf_counter() - started
    entries = 200 * ROUNDS
    print(f"feed parsing, 200-entry Atom x{ROUNDS}: feedparser {_per_s(entries, bare)} entries, ", end="")
    print(f"parse_feed {_per_s(entries, ours)} entries (x{ours / bare:.2f} the time)")


def _doc(i: int) -> FetchedDocument:
    return FetchedDocument(
        id=f"doc-{i}",
        version=1,
        url=f"https://www.gov.uk/government/news/story-{i}",
        source="bench",
        fetched_at="2025-07-22T00:00:00Z",
        payload_kind="content_api",
        payload="{}",
        payload_hash=f"h{i}",
        feed_updated_at="2025-07-21T22:30:00Z",
    )


def bench_checkpoint(folder: Path) -> None:
    docs = [_doc(i) for i in range(1000)]
    single = Checkpoint(folder / "single.sqlite")
    started = time.perf_counter()
    for doc in docs[:300]:
        single.mark_published([doc])
    one_by_one = time.perf_counter() - started
    single.close()
    batched = Checkpoint(folder / "batched.sqlite")
    started = time.perf_counter()
    for i in range(0, len(docs), 100):
        batched.mark_published(docs[i : i + 100])
    in_batches = time.perf_counter() - started
    batched.close()
    rate_one, rate_batch = 300 / one_by_one, 1000 / in_batches
    print(
        f"mark_published: one per call {rate_one:,.0f} docs/s, batches of 100 {rate_batch:,.0f} docs/s ",
        end="",
    )
    print(f"(x{rate_batch / rate_one:.1f})")


def bench_poll(folder: Path) -> None:
    support = _server_module()
    item = ITEM.read_text(encoding="utf-8")
    http_settings = HttpSettings(requests_per_second_per_host=0.0, max_concurrency=4)
    with support.LoopbackServer() as server:
        feed = _atom(100)
        server.route("/feed.atom", support.Reply(body=feed, content_type="application/atom+xml", etag='"e1"'))
        for i in range(100):
            body = json.loads(item)
            body["content_id"] = f"00000000-0000-4000-8000-{i:012d}"
            body["base_path"] = f"/government/news/story-{i}"
            server.route(
                f"/api/content/government/news/story-{i}",
                support.Reply(body=json.dumps(body).encode(), content_type="application/json"),
            )
        source = SourceConfig(name="bench", kind="govuk_atom", url=server.url("/feed.atom"))
        settings = Settings(
            govuk=GovukSettings(base_url=server.base_url), http=http_settings, sources=(source,)
        )
        checkpoint = Checkpoint(folder / "poll.sqlite")
        with HttpClient(http_settings, trusted_hosts=trusted_hosts(settings)) as http:
            started = time.perf_counter()
            first = list(poll_source(source, settings=settings, http=http, checkpoint=checkpoint))
            first_s = time.perf_counter() - started
            checkpoint.mark_published([d for d in first if isinstance(d, FetchedDocument)])
            started = time.perf_counter()
            second = list(poll_source(source, settings=settings, http=http, checkpoint=checkpoint))
            second_s = time.perf_counter() - started
        checkpoint.close()
    print(f"first poll, 100 new entries: {len(first)} documents in {first_s * 1000:.0f} ms ", end="")
    print(f"({_per_s(len(first), first_s)} documents, sequential fetches)")
    print(f"unchanged poll (304): {len(second)} documents in {second_s * 1000:.1f} ms ", end="")
    print(f"(x{first_s / second_s:.0f} cheaper than the first poll)")
    print("at the default politeness of 5 requests/s per host, 100 new GOV.UK entries take >= 20 s to fetch")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bench_parse()
        bench_checkpoint(folder)
        bench_poll(folder)


if __name__ == "__main__":
    main()
