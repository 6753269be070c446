"""poll_source against a loopback server standing in for www.gov.uk (Atom + Content API) and newsrooms."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import feedparser
import pytest

from govwatch.config import GovukSettings, HttpSettings, Settings, SourceConfig, SourceKind
from govwatch.connectors.checkpoint import Checkpoint, SourceState
from govwatch.connectors.feeds import ENTRIES_PER_PARSE
from govwatch.connectors.http import HttpClient
from govwatch.connectors.poll import due_sources, poll_source, source_key, trusted_hosts
from govwatch.connectors.records import FetchedDocument, SourceFailure
from tests.support import newsroom
from tests.support.http_server import fast_http

FIXTURES = Path(__file__).parents[1] / "fixtures" / "connectors"
GOVUK = FIXTURES / "govuk"
FEED_PATH = "/government/organisations/department-for-science-innovation-and-technology.atom"
NEWS = "/government/news/"
OPENAI = "openai-to-expand-uk-office-and-work-with-government-departments-to-transform-public-services"
CANADA = "uk-and-canada-sign-memorandum-of-understanding-on-ai-compute"
ZONE = "new-ai-growth-zone-announced-in-the-north-east"
ATOM = "application/atom+xml; charset=utf-8"
JSON = "application/json; charset=utf-8"
HTTP = fast_http(max_retries=1, max_bytes=64 * 1024)


class World:
    """The loopback server dressed as GOV.UK, plus settings, client and checkpoint for one test."""

    def __init__(
        self,
        server: Any,
        reply: Any,
        tmp_path: Path,
        kind: SourceKind = "govuk_atom",
        http: HttpSettings = HTTP,
    ) -> None:
        self.server, self.reply = server, reply
        self.source = SourceConfig(name="dsit", kind=kind, url=server.url(FEED_PATH), interval_s=60)
        self.settings = Settings(
            govuk=GovukSettings(base_url=server.base_url), http=http, sources=(self.source,)
        )
        self.http = HttpClient(http, trusted_hosts=trusted_hosts(self.settings))
        self.checkpoint = Checkpoint(tmp_path / "state.sqlite")

    def feed(self, name: str, etag: str, *, content_type: str = ATOM) -> None:
        body = (GOVUK / name).read_bytes()
        self.server.route(FEED_PATH, self.reply(body=body, content_type=content_type, etag=etag))

    def content(self, slug: str, fixture: str) -> None:
        body = (GOVUK / "content" / fixture).read_bytes()
        self.server.route("/api/content" + NEWS + slug, self.reply(body=body, content_type=JSON))

    def standard(self) -> None:
        self.feed("dsit_organisation.atom", '"feed-1"')
        self.content(OPENAI, "openai_v1.json")
        self.content(CANADA, "uk_canada_mou.json")
        self.content(ZONE, "growth_zone.json")

    def state(self, source: SourceConfig | None = None) -> SourceState:
        return self.checkpoint.source_state(source_key(source or self.source, self.settings))

    def poll(
        self, source: SourceConfig | None = None, **kwargs: Any
    ) -> list[FetchedDocument | SourceFailure]:
        return list(
            poll_source(
                source or self.source,
                settings=self.settings,
                http=self.http,
                checkpoint=self.checkpoint,
                **kwargs,
            )
        )

    def api_count(self, slug: str) -> int:
        return int(self.server.count("/api/content" + NEWS + slug))

    def close(self) -> None:
        self.http.close()
        self.checkpoint.close()


@pytest.fixture
def world(server: Any, reply: Any, tmp_path: Path) -> Any:
    w = World(server, reply, tmp_path)
    yield w
    w.close()


def docs(items: list[FetchedDocument | SourceFailure]) -> list[FetchedDocument]:
    return [i for i in items if isinstance(i, FetchedDocument)]


def failures(items: list[FetchedDocument | SourceFailure]) -> list[SourceFailure]:
    return [i for i in items if isinstance(i, SourceFailure)]


def test_first_poll_yields_each_entry_from_the_content_api(world: Any) -> None:
    world.standard()
    items = world.poll()
    found = docs(items)
    assert not failures(items)
    assert [d.id for d in found] == [
        "5e1cd2b0-7d25-4d0c-a9c4-5b7c1f4a0e11",
        "8f0b2a57-1c35-4a93-9d0e-2b6f3c7d9e42",
    ]
    first = found[0]
    assert first.version == 1 and first.payload_kind == "content_api" and first.source == "dsit"
    assert first.url == "https://www.gov.uk" + NEWS + OPENAI
    assert '"content_id": "5e1cd2b0' in first.payload
    assert first.feed_title.startswith("Press release: OpenAI")
    assert first.feed_updated_at == "2025-07-21T22:30:00Z"


def test_second_poll_of_unchanged_feed_is_conditional_and_yields_nothing(world: Any) -> None:
    world.standard()
    world.checkpoint.mark_published(docs(world.poll()))
    assert world.poll() == []
    feed_requests = world.server.requests(FEED_PATH)
    assert len(feed_requests) == 2 and not feed_requests[0].conditional and feed_requests[1].conditional
    assert feed_requests[1].headers["if-none-match"] == '"feed-1"'
    assert world.api_count(OPENAI) == 1


def test_validators_survive_a_restart(world: Any, tmp_path: Path) -> None:
    world.standard()
    world.checkpoint.mark_published(docs(world.poll()))
    world.checkpoint.close()
    world.checkpoint = Checkpoint(tmp_path / "state.sqlite")
    assert world.poll() == []
    assert world.server.conditional_count(FEED_PATH) == 1


def test_unpublished_documents_come_back_with_the_same_versions(world: Any) -> None:
    world.standard()
    first = docs(world.poll())
    again = docs(world.poll())
    assert [(d.id, d.version) for d in again] == [(d.id, d.version) for d in first]
    assert world.server.conditional_count(FEED_PATH) == 0


def test_after_a_crash_unpublished_documents_are_fetched_again_with_the_same_versions(
    world: Any, tmp_path: Path
) -> None:
    world.standard()
    first = docs(world.poll())
    world.checkpoint.close()  # the process dies before Kafka acknowledged anything
    world.checkpoint = Checkpoint(tmp_path / "state.sqlite")
    again = docs(world.poll())
    assert [(d.id, d.version, d.payload_hash) for d in again] == [
        (d.id, d.version, d.payload_hash) for d in first
    ]
    assert world.api_count(OPENAI) == 2


def test_validators_wait_for_the_last_document_of_the_response(world: Any) -> None:
    world.standard()
    first = docs(world.poll())
    world.checkpoint.mark_published(first[:1])
    second = docs(world.poll())
    assert [d.id for d in second] == [first[1].id]
    assert world.server.conditional_count(FEED_PATH) == 0
    world.checkpoint.mark_published(second)
    assert world.poll() == []
    assert world.server.conditional_count(FEED_PATH) == 1


def test_new_entry_is_yielded_exactly_once(world: Any) -> None:
    world.standard()
    world.checkpoint.mark_published(docs(world.poll()))
    world.feed("dsit_organisation_new_entry.atom", '"feed-2"')
    new = docs(world.poll())
    assert [(d.id, d.version) for d in new] == [("c3d9f5e1-6a2b-4f7c-8e1d-0a9b8c7d6e53", 1)]
    world.checkpoint.mark_published(new)
    assert world.poll() == []
    assert world.api_count(ZONE) == 1 and world.api_count(OPENAI) == 1


def test_updated_entry_becomes_version_2(world: Any) -> None:
    world.standard()
    world.checkpoint.mark_published(docs(world.poll()))
    world.feed("dsit_organisation_updated_entry.atom", '"feed-3"')
    world.content(OPENAI, "openai_v2.json")
    updated = docs(world.poll())
    assert [(d.id, d.version) for d in updated] == [("5e1cd2b0-7d25-4d0c-a9c4-5b7c1f4a0e11", 2)]
    assert updated[0].feed_updated_at == "2025-07-22T09:15:00Z"


def test_entry_with_a_new_date_but_identical_content_is_not_a_new_version(world: Any) -> None:
    world.standard()
    world.checkpoint.mark_published(docs(world.poll()))
    world.feed("dsit_organisation_updated_entry.atom", '"feed-3"')  # the feed moved, the API item did not
    assert world.poll() == []
    assert world.api_count(OPENAI) == 2
    assert world.poll() == []
    assert world.api_count(OPENAI) == 2 and world.server.conditional_count(FEED_PATH) == 2


def test_withdrawn_article_is_reported_once_and_not_retried(world: Any) -> None:
    world.standard()
    world.server.route("/api/content" + NEWS + CANADA, world.reply(status=410, body=b'{"error": "gone"}'))
    items = world.poll()
    [failure] = failures(items)
    assert failure.stage == "article" and not failure.retryable and "withdrawn" in failure.reason
    world.checkpoint.mark_published(docs(items))
    world.feed("dsit_organisation_new_entry.atom", '"feed-2"')
    again = world.poll()
    assert not failures(again)
    assert world.api_count(CANADA) == 1


def test_withdrawn_notice_in_the_content_item_is_flagged(world: Any) -> None:
    world.standard()
    world.content(OPENAI, "withdrawn_notice.json")
    found = docs(world.poll())
    assert [d.withdrawn for d in found] == [True, False]


def test_unusable_content_api_answer_falls_back_to_the_html_page(world: Any) -> None:
    world.standard()
    world.server.route("/api/content" + NEWS + OPENAI, world.reply(body=b"<html>oops</html>"))
    page = (
        b"<html><head><title>OpenAI</title></head><body><main>Partnership \xc2\xa3 text</main></body></html>"
    )
    world.server.route(NEWS + OPENAI, world.reply(body=page))
    found = docs(world.poll())
    assert found[0].payload_kind == "html" and "Partnership £ text" in found[0].payload
    assert found[0].id == "https://www.gov.uk" + NEWS + OPENAI


def test_html_fallback_keeps_the_content_id_named_by_the_page(world: Any) -> None:
    world.standard()
    world.server.route("/api/content" + NEWS + OPENAI, world.reply(status=403))
    page = (
        b'<html><head><meta name="govuk:content-id" content="5e1cd2b0-7d25-4d0c-a9c4-5b7c1f4a0e11">'
        b"</head><body><main>text</main></body></html>"
    )
    world.server.route(NEWS + OPENAI, world.reply(body=page))
    found = docs(world.poll())
    assert (found[0].id, found[0].payload_kind) == ("5e1cd2b0-7d25-4d0c-a9c4-5b7c1f4a0e11", "html")


def test_failing_source_backs_off_until_due_unless_forced(world: Any) -> None:
    world.server.route(FEED_PATH, world.reply(status=503))
    now = datetime(2025, 7, 22, 12, 0, tzinfo=UTC)
    [failure] = world.poll(now=now)
    assert failure.stage == "source" and failure.retryable and "503" in failure.reason
    requests = world.server.count(FEED_PATH)
    assert world.poll(now=now + timedelta(seconds=30)) == []
    assert world.server.count(FEED_PATH) == requests
    assert failures(world.poll(now=now + timedelta(seconds=30), force=True))
    assert world.state().failures == 2
    world.standard()
    assert docs(world.poll(now=now + timedelta(hours=1)))
    assert world.state().failures == 0


def test_a_fixed_url_is_polled_at_once_though_the_broken_one_backs_off(world: Any) -> None:
    broken = replace(world.source, url=world.server.url("/no-such-feed.atom"))
    world.server.route("/no-such-feed.atom", world.reply(status=404))
    now = datetime(2025, 7, 22, 12, 0, tzinfo=UTC)
    assert failures(world.poll(broken, now=now))
    assert world.poll(broken, now=now + timedelta(seconds=30)) == []  # the broken URL backs off
    world.standard()
    assert docs(world.poll(now=now + timedelta(seconds=30)))  # the fixed URL is another source


def test_a_skipped_source_is_said_at_info_with_when_it_is_due(world: Any, caplog: Any) -> None:
    world.server.route(FEED_PATH, world.reply(status=503))
    now = datetime(2025, 7, 22, 12, 0, tzinfo=UTC)
    world.poll(now=now)
    with caplog.at_level(logging.INFO, logger="govwatch.connectors.poll"):
        assert world.poll(now=now + timedelta(seconds=30)) == []
    [line] = [r for r in caplog.records if r.levelno == logging.INFO and "skip" in r.getMessage()]
    assert "skip dsit: backing off until 2025-07-22T12:01:00+00:00 after 1 failures" in line.getMessage()


def test_each_source_is_due_by_its_own_interval_with_jitter(world: Any) -> None:
    world.standard()
    hourly = replace(world.source, name="hourly", interval_s=3600)
    minutely = replace(world.source, name="minutely", url=world.server.url(FEED_PATH) + "?m=1", interval_s=60)
    world.server.route(FEED_PATH + "?m=1", world.reply(body=b"<feed xmlns='http://www.w3.org/2005/Atom'/>"))
    settings = replace(world.settings, sources=(hourly, minutely))
    now = datetime(2025, 7, 22, 12, 0, tzinfo=UTC)
    assert due_sources(settings, world.checkpoint.source_states(), now) == ["hourly", "minutely"]
    for source in (hourly, minutely):
        world.poll(source, now=now)
    next_poll = world.checkpoint.source_state(source_key(minutely, settings)).next_poll
    assert next_poll is not None and timedelta(seconds=54) <= next_poll - now <= timedelta(seconds=66)

    def due(after: timedelta) -> list[str]:
        return due_sources(settings, world.checkpoint.source_states(), now + after)

    assert due(timedelta(seconds=30)) == []
    assert due(timedelta(minutes=2)) == ["minutely"]
    assert due(timedelta(minutes=30)) == ["minutely"]
    assert due(timedelta(minutes=67)) == ["hourly", "minutely"]


def test_a_source_handed_to_a_poll_is_not_queued_again_before_the_poll_starts(world: Any) -> None:
    now = datetime(2025, 7, 22, 12, 0, tzinfo=UTC)
    states = world.checkpoint.source_states()
    queued = {"dsit": now}
    assert due_sources(world.settings, states, now + timedelta(seconds=5), queued) == []
    assert due_sources(world.settings, states, now + timedelta(seconds=61), queued) == ["dsit"]
    world.standard()
    world.poll(now=now + timedelta(seconds=1))  # the poll started after it was queued
    states = world.checkpoint.source_states()
    assert due_sources(world.settings, states, now + timedelta(seconds=70), queued) == ["dsit"]


def test_a_poll_records_what_it_found(world: Any) -> None:
    world.standard()
    found = docs(world.poll())
    world.checkpoint.mark_published(found)
    state = world.state()
    assert len(found) >= 2
    assert (state.name, state.last_new, state.last_updated, state.items_seen) == (
        "dsit",
        len(found),
        0,
        len(found),
    )
    assert state.last_success is not None and state.last_error == ""
    world.feed("dsit_organisation.atom", '"feed-2"')  # a new ETag: read in full, nothing changed
    assert docs(world.poll()) == []
    state = world.state()
    assert (state.last_new, state.last_unchanged, state.items_seen) == (0, state.last_unchanged, len(found))
    assert state.last_unchanged >= len(found)


def test_naive_now_is_taken_as_utc(world: Any) -> None:
    world.server.route(FEED_PATH, world.reply(status=503))
    world.poll(now=datetime(2025, 7, 22, 12, 0, tzinfo=UTC))
    assert world.poll(now=datetime(2025, 7, 22, 12, 0, 30)) == []


def test_one_failing_source_does_not_stop_the_others(world: Any) -> None:
    world.standard()
    broken = SourceConfig(name="broken", kind="govuk_atom", url=world.server.url("/missing.atom"))
    items = world.poll(broken) + world.poll()
    assert [f.source for f in failures(items)] == ["broken"]
    assert len(docs(items)) == 2


def test_html_error_page_instead_of_a_feed_is_a_source_failure(world: Any, fixtures_dir: Path) -> None:
    body = (fixtures_dir / "feeds" / "not_a_feed.html").read_bytes()
    world.server.route(FEED_PATH, world.reply(body=body, content_type="text/html; charset=utf-8"))
    [failure] = world.poll()
    assert failure.stage == "source" and "not an RSS or Atom feed" in failure.reason


def test_feed_served_as_text_html_is_still_read(world: Any) -> None:
    world.standard()
    world.feed("dsit_organisation.atom", '"feed-1"', content_type="text/html")
    assert len(docs(world.poll())) == 2


def test_429_with_retry_after_on_the_feed_is_waited_out(world: Any) -> None:
    world.standard()
    feed = (GOVUK / "dsit_organisation.atom").read_bytes()
    world.server.route(
        FEED_PATH,
        world.reply(status=429, headers={"Retry-After": "1"}),
        world.reply(body=feed, content_type=ATOM),
    )
    assert len(docs(world.poll())) == 2
    assert world.server.count(FEED_PATH) == 2


def test_500s_on_an_article_that_recover_are_retried(world: Any) -> None:
    world.standard()
    item = (GOVUK / "content" / "openai_v1.json").read_bytes()
    world.server.route(
        "/api/content" + NEWS + OPENAI, world.reply(status=500), world.reply(body=item, content_type=JSON)
    )
    assert len(docs(world.poll())) == 2


def test_stalled_article_fails_retryably_and_keeps_the_feed_unsaved(world: Any) -> None:
    world.standard()
    item = (GOVUK / "content" / "openai_v1.json").read_bytes()
    world.server.route(
        "/api/content" + NEWS + OPENAI, world.reply(body=item, content_type=JSON, stall_after_bytes=50)
    )
    items = world.poll()
    [failure] = failures(items)
    assert failure.retryable and "timed out" in failure.reason
    world.checkpoint.mark_published(docs(items))
    world.content(OPENAI, "openai_v1.json")
    retried = docs(world.poll())
    assert [d.id for d in retried] == ["5e1cd2b0-7d25-4d0c-a9c4-5b7c1f4a0e11"]
    assert world.server.conditional_count(FEED_PATH) == 0


def test_article_over_the_size_cap_is_refused(world: Any) -> None:
    world.standard()
    world.server.route("/api/content" + NEWS + OPENAI, world.reply(body=b"{" + b" " * 100_000 + b"}"))
    [failure] = failures(world.poll())
    assert not failure.retryable and "cap" in failure.reason


def _newsroom(world: Any, fixture: str, host: str = "127.0.0.1") -> SourceConfig:
    base = world.server.url("", host=host).encode()
    body = (FIXTURES / "feeds" / fixture).read_bytes().replace(b"{base}", base).replace(b"{host}", b"news")
    world.server.route("/en/news.rss", world.reply(body=body, content_type="application/rss+xml"))
    return SourceConfig(name="newsroom", kind="rss", url=world.server.url("/en/news.rss"))


def test_rss_source_fetches_article_pages_as_html(world: Any) -> None:
    source = _newsroom(world, "newsroom.rss")
    page = "<html><body><article>Canada–UK MoU £</article></body></html>".encode()
    world.server.route("/en/news/2025/06/canada-uk-ai-compute.html", world.reply(body=page))
    world.server.route("/en/news/2025/07/ai-infrastructure.html", world.reply(body=page))
    found = docs(world.poll(source))
    assert [d.payload_kind for d in found] == ["html", "html"]
    assert found[0].id == world.server.url("/en/news/2025/06/canada-uk-ai-compute.html")  # utm_* dropped
    assert "Canada–UK MoU £" in found[0].payload


def test_links_from_content_to_another_loopback_host_are_refused(world: Any) -> None:
    source = _newsroom(world, "newsroom.rss", host="localhost")
    items = world.poll(source)
    assert len(failures(items)) == 2 and all("non-public" in f.reason for f in failures(items))
    assert world.server.count("/en/news/2025/07/ai-infrastructure.html") == 0


def test_external_entities_are_never_fetched(world: Any) -> None:
    source = _newsroom(world, "external_entity.atom")
    world.server.route("/news/xxe", world.reply(body=b"<html><body>x</body></html>"))
    found = docs(world.poll(source))
    assert len(found) == 1 and "secret" not in found[0].feed_title
    assert world.server.count("/secret.txt") == 0
    assert world.server.count("/dtd/feed.dtd") == 0 and world.server.count("/dtd/remote.dtd") == 0


def test_billion_laughs_is_not_expanded(world: Any) -> None:
    source = _newsroom(world, "billion_laughs.atom")
    world.server.route("/news/laughs", world.reply(body=b"<html><body>x</body></html>"))
    [doc] = docs(world.poll(source))
    assert len(doc.feed_title) < 40 and "lollol" not in doc.feed_summary


def test_malformed_feed_keeps_readable_entries_and_reports_the_damage(world: Any) -> None:
    source = _newsroom(world, "malformed.atom")
    world.server.route("/news/first", world.reply(body=b"<html><body>first</body></html>"))
    world.server.route("/news/second", world.reply(body=b"<html><body>second</body></html>"))
    items = world.poll(source)
    assert world.server.url("/news/first") in [d.url for d in docs(items)]
    assert any(f.stage == "feed" and "not well-formed" in f.reason for f in failures(items))


def test_wrong_charset_feed_still_yields_its_entries(world: Any) -> None:
    source = _newsroom(world, "cp1252_declared_utf8.rss")
    world.server.route("/en/news/2025/06/canada-uk-ai-compute.html", world.reply(body=b"<html>a</html>"))
    world.server.route("/en/news/2025/07/ai-infrastructure.html", world.reply(body=b"<html>b</html>"))
    found = docs(world.poll(source))
    assert [d.feed_title[:16] for d in found] == ["Canada and the U", "Minister announc"]
    assert "£2.4 billion" in found[1].feed_title


def test_empty_feed_yields_nothing_and_is_not_a_failure(world: Any) -> None:
    source = _newsroom(world, "empty.atom")
    assert world.poll(source) == []
    assert world.state(source).failures == 0


def test_duplicate_entries_in_one_feed_are_fetched_once(world: Any) -> None:
    source = _newsroom(world, "duplicates.rss")
    for path in ("/news/cloud-framework", "/news/cloud-framework/"):
        world.server.route(path, world.reply(body=b"<html>c</html>"))
    world.server.route("/news/digital-identity", world.reply(body=b"<html>d</html>"))
    found = docs(world.poll(source))
    assert len(found) == 2
    assert world.server.count("/news/cloud-framework/") + world.server.count("/news/cloud-framework") == 1


def test_entries_without_link_are_reported_and_undated_ones_fetched_once(world: Any) -> None:
    source = _newsroom(world, "no_link_no_date.rss")
    world.server.route("/news/research-partnership", world.reply(body=b"<html>r</html>"))
    items = world.poll(source)
    assert [f.stage for f in failures(items)] == ["feed"]
    [doc] = docs(items)
    assert doc.feed_updated_at is None
    world.checkpoint.mark_published([doc])
    assert docs(world.poll(source)) == []  # no validators: the feed is read again in full
    assert world.server.count("/news/research-partnership") == 1


def test_search_source_skips_documents_another_source_published(world: Any) -> None:
    world.standard()
    world.checkpoint.mark_published(docs(world.poll()))
    page = (GOVUK / "search_page_1.json").read_bytes().replace(b'"total": 3', b'"total": 2')
    world.server.route("/api/search.json", world.reply(body=page, content_type=JSON))
    search = SourceConfig(name="dsit-search", kind="govuk_search", organisations=("dsit",))
    found = docs(world.poll(search))
    assert [(d.id, d.version, d.source) for d in found] == [
        ("c3d9f5e1-6a2b-4f7c-8e1d-0a9b8c7d6e53", 1, "dsit-search")
    ]
    assert world.api_count(OPENAI) == 1
    query = world.server.requests("/api/search.json")[0].path
    assert "filter_organisations=dsit" in query and "order=-public_timestamp" in query


def test_same_document_from_two_feeds_shares_one_version_sequence(world: Any) -> None:
    world.standard()
    finder = SourceConfig(name="finder", kind="govuk_atom", url=world.server.url("/search/news.atom"))
    body = (GOVUK / "news_and_communications_finder.atom").read_bytes()
    world.server.route("/search/news.atom", world.reply(body=body, content_type=ATOM))
    from_org = docs(world.poll())
    from_finder = docs(world.poll(finder))
    openai = [d for d in from_finder if d.id == from_org[0].id]
    assert [d.version for d in openai] == [1]  # same content, not yet published: same version
    assert world.api_count(OPENAI) == 1  # fetched once for both feeds
    world.checkpoint.mark_published(from_org + from_finder)
    assert docs(world.poll(finder)) == []


@pytest.mark.parametrize(
    "bad_date",
    [
        "0000-00-00T00:00:00Z",
        "Mon, 01 Jan 0001 00:00:00 GMT",
        "Sat, 01 Jan 0100 00:00:00 GMT",
        "9999-12-31T23:59:59-14:00",
        "Tue, 99 Foo 2025 99:99:99 GMT",
    ],
)
def test_one_bad_date_costs_only_its_field_and_every_entry_is_fetched(world: Any, bad_date: str) -> None:
    base = world.server.base_url
    world.server.route(
        newsroom.FEED_PATH,
        world.reply(
            body=newsroom.newsroom_rss(base, 40, dates={17: bad_date}), content_type="application/rss+xml"
        ),
    )
    for index in range(40):
        world.server.route(newsroom.article_path(index), world.reply(body=newsroom.article_page(index)))
    source = SourceConfig(name="newsroom", kind="rss", url=world.server.url(newsroom.FEED_PATH))
    items = world.poll(source)
    assert not failures(items)
    found = docs(items)
    assert len(found) == 40
    dated = [d for d in found if d.feed_published_at is not None]
    assert len(dated) == 39
    assert all(d.feed_published_at.startswith("2025-07-21T") for d in dated)  # type: ignore[union-attr]
    [undated] = [d for d in found if d.feed_published_at is None]
    assert undated.url.endswith(newsroom.article_path(17))


def test_stalling_articles_share_the_polls_retry_budget(server: Any, reply: Any, tmp_path: Path) -> None:
    """Ten retries each would ask the stalling Content API 33 times in this poll; a 0.5 s budget stops that."""
    w = World(server, reply, tmp_path, http=replace(HTTP, max_retries=10, poll_retry_budget_s=0.5))
    try:
        w.feed("dsit_organisation.atom", '"feed-1"')
        item = (GOVUK / "content" / "openai_v1.json").read_bytes()
        for slug in (OPENAI, CANADA):
            w.server.route(
                "/api/content" + NEWS + slug, w.reply(body=item, content_type=JSON, stall_after_bytes=50)
            )
        items = w.poll()
        assert [f.retryable for f in failures(items)] == [True, True]
        asked = w.api_count(OPENAI) + w.api_count(CANADA)
        assert 2 <= asked <= 6  # every retry costs at least the 0.3 s read timeout
    finally:
        w.close()


def test_entry_ids_that_are_not_urls_are_never_fetched(world: Any) -> None:
    feed = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>N</title>'
        "<entry><id>story-123</id><title>A</title></entry>"
        "<entry><id>/en/news/secret</id><title>B</title></entry></feed>"
    )
    world.server.route("/en/news.atom", world.reply(body=feed.encode(), content_type=ATOM))
    source = SourceConfig(name="newsroom", kind="rss", url=world.server.url("/en/news.atom"))
    items = world.poll(source)
    assert docs(items) == [] and len(failures(items)) == 2
    assert [r.path for r in world.server.requests()] == ["/en/news.atom"]


def test_a_long_backlog_is_taken_a_capped_poll_at_a_time_in_feed_order(world: Any) -> None:
    base = world.server.base_url
    body = newsroom.newsroom_rss(base, 25)
    world.server.route(
        newsroom.FEED_PATH, world.reply(body=body, content_type="application/rss+xml", etag='"v1"')
    )
    for index in range(25):
        world.server.route(newsroom.article_path(index), world.reply(body=newsroom.article_page(index)))
    source = SourceConfig(
        name="newsroom", kind="rss", url=world.server.url(newsroom.FEED_PATH), max_articles_per_poll=10
    )
    taken: list[list[str]] = []
    for _poll in range(4):
        found = docs(world.poll(source))
        taken.append([d.url.rsplit("/", 1)[1] for d in found])
        world.checkpoint.mark_published(found)
    assert taken == [
        [f"story-{i}.html" for i in range(0, 10)],
        [f"story-{i}.html" for i in range(10, 20)],
        [f"story-{i}.html" for i in range(20, 25)],
        [],
    ]
    assert all(world.server.count(newsroom.article_path(i)) == 1 for i in range(25))
    assert (
        world.server.conditional_count(newsroom.FEED_PATH) == 1
    )  # validators saved once the backlog was done


@pytest.mark.parametrize("charset", ["undefined", "idna", "rot13", "no-such-charset"])
def test_a_charset_that_cannot_decode_the_body_costs_nothing(world: Any, charset: str) -> None:
    """The feed (with cp1252 bytes, so not UTF-8), its Content API items and its pages all declare a
    charset that is no text encoding or fails whatever the bytes; every entry is still read."""
    feed = (GOVUK / "dsit_organisation.atom").read_bytes().replace(b"</title>", b" \xa3</title>", 1)
    world.server.route(
        FEED_PATH, world.reply(body=feed, content_type=f"application/atom+xml; charset={charset}")
    )
    for slug, fixture in ((OPENAI, "openai_v1.json"), (CANADA, "uk_canada_mou.json")):
        body = (GOVUK / "content" / fixture).read_bytes()
        world.server.route(
            "/api/content" + NEWS + slug,
            world.reply(body=body, content_type=f"application/json; charset={charset}"),
        )
    items = world.poll()
    assert not failures(items)
    assert len(docs(items)) == 2


def test_a_capped_poll_reads_the_feed_only_as_far_as_it_needs(world: Any) -> None:
    """Entries 15 and later are cut off mid-element; a poll that takes 10 never reaches the damage."""
    base = world.server.base_url
    body = newsroom.newsroom_rss(base, 15).removesuffix(b"</channel></rss>\n") + b"<item><title>cut"
    world.server.route(newsroom.FEED_PATH, world.reply(body=body, content_type="application/rss+xml"))
    for index in range(15):
        world.server.route(newsroom.article_path(index), world.reply(body=newsroom.article_page(index)))
    source = SourceConfig(
        name="newsroom", kind="rss", url=world.server.url(newsroom.FEED_PATH), max_articles_per_poll=10
    )
    items = world.poll(source)
    assert len(docs(items)) == 10 and failures(items) == []
    world.checkpoint.mark_published(docs(items))
    rest = world.poll(source)
    assert len(docs(rest)) == 5
    assert {f.stage for f in failures(rest)} == {"feed"}
    assert any("not well-formed" in f.reason for f in failures(rest))


def test_a_parser_failure_mid_feed_costs_the_rest_of_the_feed_not_the_run(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """feedparser itself raising on the second batch of entries (as a bug in it would) ends the listing
    there, reported; the first batch is fetched."""
    base = world.server.base_url
    count = ENTRIES_PER_PARSE + 5
    world.server.route(
        newsroom.FEED_PATH,
        world.reply(body=newsroom.newsroom_rss(base, count), content_type="application/rss+xml"),
    )
    for index in range(count):
        world.server.route(newsroom.article_path(index), world.reply(body=newsroom.article_page(index)))
    real_parse = feedparser.parse
    failing = newsroom.article_path(ENTRIES_PER_PARSE + 2).encode()

    def parse_failing_on_one_story(document: bytes, **kwargs: Any) -> Any:
        if failing in document:
            raise RuntimeError("parser bug")
        return real_parse(document, **kwargs)

    monkeypatch.setattr(feedparser, "parse", parse_failing_on_one_story)
    source = SourceConfig(name="newsroom", kind="rss", url=world.server.url(newsroom.FEED_PATH))
    items = world.poll(source)
    expected = [f"story-{i}.html" for i in range(ENTRIES_PER_PARSE)]
    assert [d.url.rsplit("/", 1)[1] for d in docs(items)] == expected
    [problem] = failures(items)
    assert problem.stage == "feed" and "RuntimeError: parser bug" in problem.reason
