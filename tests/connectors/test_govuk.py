"""GOV.UK Content API and Search API readers, and fixtures checked against GOV.UK's own JSON Schemas."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from govwatch.connectors.govuk import (
    MalformedPayloadError,
    content_api_url,
    parse_content_item,
    parse_search_page,
    rebase_govuk_url,
    search_api_url,
)

FIXTURES = Path(__file__).parents[1] / "fixtures" / "connectors" / "govuk"
SCHEMAS = Path(__file__).parents[2] / ".." / "shared" / "govuk-content-schemas"
CONTENT_FIXTURES = sorted((FIXTURES / "content").glob("*.json"))


@pytest.mark.parametrize("path", CONTENT_FIXTURES, ids=[p.name for p in CONTENT_FIXTURES])
def test_content_fixture_matches_the_govuk_schema(path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    data = json.loads(path.read_text(encoding="utf-8"))
    schema_path = SCHEMAS / f"{data['schema_name']}.frontend.schema.json"
    if not schema_path.exists():
        pytest.skip(f"GOV.UK schemas not beside the checkout ({schema_path})")
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []


def test_content_item_fields_are_read_and_dates_normalised() -> None:
    text = (FIXTURES / "content" / "openai_v2.json").read_text(encoding="utf-8")
    item = parse_content_item(text, url="u")
    assert item.content_id == "5e1cd2b0-7d25-4d0c-a9c4-5b7c1f4a0e11"
    assert item.document_type == "press_release"
    assert item.public_updated_at == "2025-07-22T09:15:00Z"
    assert item.first_published_at == "2025-07-21T22:30:00Z"
    assert not item.withdrawn


def test_withdrawn_notice_marks_the_item_withdrawn() -> None:
    text = (FIXTURES / "content" / "withdrawn_notice.json").read_text(encoding="utf-8")
    assert parse_content_item(text, url="u").withdrawn


@pytest.mark.parametrize(
    "text", ["<html>", "[]", '{"title": "no id"}', '{"details": ' + "[" * 100_000 + "]" * 100_000 + "}"]
)
def test_unusable_content_item_is_malformed(text: str) -> None:
    with pytest.raises(MalformedPayloadError):
        parse_content_item(text, url="u")


def test_search_page_is_read() -> None:
    page = parse_search_page((FIXTURES / "search_page_1.json").read_text(encoding="utf-8"), url="u")
    assert page.total == 3 and page.start == 0
    assert [r.public_timestamp for r in page.results] == ["2025-07-23T06:00:00Z", "2025-07-21T22:30:00Z"]
    assert page.results[0].link == "/government/news/new-ai-growth-zone-announced-in-the-north-east"


@pytest.mark.parametrize("text", ['{"results": []}', "[" * 100_000])
def test_search_answer_without_total_is_malformed(text: str) -> None:
    with pytest.raises(MalformedPayloadError):
        parse_search_page(text, url="u")


def test_search_url_carries_filters_order_and_paging() -> None:
    url = search_api_url(
        "https://www.gov.uk/",
        organisations=("a", "b"),
        document_types=("press_release",),
        since=date(2025, 1, 1),
        until=date(2025, 2, 1),
        start=200,
        count=100,
    )
    assert url.startswith("https://www.gov.uk/api/search.json?order=-public_timestamp&count=100&start=200")
    assert "filter_organisations=a&filter_organisations=b" in url
    assert "filter_public_timestamp=from%3A2025-01-01%2Cto%3A2025-02-01" in url


def test_govuk_links_map_onto_the_configured_base_url() -> None:
    base = "http://127.0.0.1:9000"
    assert (
        content_api_url("https://www.gov.uk/government/news/x", base)
        == base + "/api/content/government/news/x"
    )
    assert content_api_url("https://example.org/x", base) is None
    assert rebase_govuk_url("https://www.gov.uk/government/news/x", base) == base + "/government/news/x"
