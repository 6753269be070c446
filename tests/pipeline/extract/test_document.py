"""Extraction against the gold set (GOV.UK pages, other newsrooms, Content API items) and bad input."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from govwatch.pipeline.extract.document import extract_content_item, extract_html

FIXTURES = Path(__file__).parents[2] / "fixtures" / "extract"
SCHEMAS = Path(__file__).parents[3] / ".." / "shared" / "govuk-content-schemas"
CHROME_PHRASES = (
    "Is this page useful?",
    "Cookies on GOV.UK",
    "Share this page",
    "Skip to main content",
    "Report a problem",
    "Related content",
    "Print this page",
    "Open Government Licence",
    "Crown copyright",
    "Get emails about this page",
    "Contents",
    "Home",
    "Accept additional cookies",
    "An official website of the United States government",
    "Tell us whether you accept cookies",
    "Share this:",
)
MIN_PAGE_F1 = 0.9


def _gold(folder: str) -> list[Path]:
    return sorted((FIXTURES / folder).glob("*.gold.json"))


def _token_f1(found: str, gold: str) -> float:
    found_tokens, gold_tokens = (
        Counter(re.findall(r"\w+", found.lower())),
        Counter(re.findall(r"\w+", gold.lower())),
    )
    common = sum((found_tokens & gold_tokens).values())
    if not common:
        return 0.0
    precision, recall = common / sum(found_tokens.values()), common / sum(gold_tokens.values())
    return 2 * precision * recall / (precision + recall)


def _check_fields(document: Any, gold: dict[str, Any]) -> None:
    for name in ("title", "published_at", "updated_at", "language", "canonical_url", "extraction_status"):
        assert getattr(document, name) == gold[name], name
    for name in ("summary", "document_type", "notes_offset"):
        if name in gold:
            assert getattr(document, name) == gold[name], name
    if "organisations" in gold:
        assert list(document.organisations) == gold["organisations"]


def test_gold_set_has_the_promised_size() -> None:
    assert len(_gold("govuk")) >= 30
    assert len(_gold("other")) >= 5
    assert len(_gold("content_api")) >= 5


@pytest.mark.parametrize("gold_path", _gold("govuk") + _gold("other"), ids=lambda path: path.name)
def test_page_matches_gold_and_keeps_chrome_out(gold_path: Path) -> None:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    page = gold_path.with_name(gold_path.name.replace(".gold.json", ".html")).read_bytes()
    document = extract_html(page)
    _check_fields(document, gold)
    assert _token_f1(document.body_text, gold["body_text"]) >= MIN_PAGE_F1
    lines = document.body_text.splitlines()
    for phrase in CHROME_PHRASES:
        assert phrase not in lines
        assert len(phrase) < 12 or phrase not in document.body_text
    assert gold["title"] not in lines


@pytest.mark.parametrize("gold_path", _gold("govuk"), ids=lambda path: path.name)
def test_govuk_body_is_exactly_the_govspeak_text(gold_path: Path) -> None:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    page = gold_path.with_name(gold_path.name.replace(".gold.json", ".html")).read_text(encoding="utf-8")
    assert extract_html(page).body_text == gold["body_text"]


@pytest.mark.parametrize("gold_path", _gold("content_api"), ids=lambda path: path.name)
def test_content_item_matches_gold(gold_path: Path) -> None:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    item = json.loads(gold_path.with_name(gold_path.name.replace(".gold.json", ".json")).read_text("utf-8"))
    document = extract_content_item(item)
    _check_fields(document, gold)
    assert document.body_text == gold["body_text"]


@pytest.mark.parametrize("gold_path", _gold("content_api"), ids=lambda path: path.name)
def test_content_item_fixture_has_govuk_shape(gold_path: Path) -> None:
    if not SCHEMAS.is_dir():
        pytest.skip("GOV.UK content schemas are not beside the checkout")
    jsonschema = pytest.importorskip("jsonschema")
    item = json.loads(gold_path.with_name(gold_path.name.replace(".gold.json", ".json")).read_text("utf-8"))
    schema = json.loads((SCHEMAS / f"{item['schema_name']}.frontend.schema.json").read_text("utf-8"))
    jsonschema.validate(item, schema)


def test_page_and_its_content_item_give_the_same_body() -> None:
    for gold_path in _gold("content_api"):
        item = json.loads(
            gold_path.with_name(gold_path.name.replace(".gold.json", ".json")).read_text("utf-8")
        )
        page = (FIXTURES / "govuk" / gold_path.name.replace(".gold.json", ".html")).read_bytes()
        from_page, from_item = extract_html(page), extract_content_item(item)
        assert from_page.body_text == from_item.body_text
        assert from_page.organisations == from_item.organisations
        assert from_page.published_at == from_item.published_at


def test_notes_offset_points_at_the_notes_heading() -> None:
    page = (FIXTURES / "govuk" / "openai-and-uk-government-sign-strategic-partnership.html").read_bytes()
    document = extract_html(page)
    assert document.notes_offset is not None
    assert document.body_text[document.notes_offset :].startswith("Notes to editors\n")


NEWSROOM_PAGE = (
    "<html lang='en'><head><title>Budget figures published | Example Agency</title></head><body>"
    "<header><nav><a href='/'>Home</a></nav></header><main><article><h1>Budget figures published</h1>"
    "<div class='meta'>First published: 1 March 2025</div>"
    "<p>Updated guidance was issued on 3 March 2025, alongside the figures the agency published for "
    "the coming year, with more money for research and for skills than in any year before.</p>"
    "<p>The agency said most of the new money would go to universities and colleges in the regions, "
    "where demand for courses in data and software engineering has grown fastest since last spring.</p>"
    "<p>A second round of funding will be announced in the autumn, once the first projects have reported "
    "on how many people they trained and how many of them found work in the following six months.</p>"
    "<table><tr><th>Area</th><th>Money</th></tr><tr><td>Research</td><td>£3m</td></tr></table>"
    "<ol><li>first step</li><li>second step</li></ol></article></main></body></html>"
)


def test_other_newsroom_tables_and_ordered_lists_use_the_body_format() -> None:
    lines = extract_html(NEWSROOM_PAGE).body_text.splitlines()
    assert lines[-4:] == ["Area | Money", "Research | £3m", "1. first step", "2. second step"]


def test_a_sentence_starting_with_updated_is_not_a_date_label() -> None:
    document = extract_html(NEWSROOM_PAGE)
    assert (document.published_at, document.updated_at) == ("2025-03-01", "2025-03-01")
