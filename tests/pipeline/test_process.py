"""`process_document` is the one way a fetched payload becomes an announcement; the commands use it too."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from govwatch.cli import app
from govwatch.messages import check_message
from govwatch.pipeline.process import local_document, payload_kind_of, process_document
from govwatch.pipeline.tag import load_lexicon

runner = CliRunner()

# UTF-8 read as Windows-1252: "’" became "â€™", "£" became "Â£", "—" became "â€”".
MANGLED_PAGE = (
    "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Deal signed</title></head><body>"
    "<main><article><h1>Deal signed</h1>"
    "<p>The departmentâ€™s new deal with Acme Robotics Ltd is worth Â£2 million â€” a first for the region.</p>"
    "<p>It was signed in London today by the minister and the companyâ€™s chief executive.</p>"
    "<h2>Notes to editors</h2><p>The deal is not legally binding.</p>"
    "</article></main></body></html>"
)


def test_a_mangled_page_is_repaired_before_its_notes_offset_is_taken() -> None:
    message = process_document(local_document(MANGLED_PAGE), lexicon=load_lexicon())
    assert "department’s new deal" in message["body_text"]
    assert message["body_text"][message["notes_offset"] :].startswith("Notes to editors")


def _command_on_page(tmp_path: Path, command: str) -> dict[str, Any]:
    """Run `govwatch <command>` on the mangled page; return its JSON output."""
    path = tmp_path / "page.html"
    path.write_text(MANGLED_PAGE, encoding="utf-8")
    result = runner.invoke(app, [command, str(path)])
    assert result.exit_code == 0, result.output
    output: dict[str, Any] = json.loads(result.stdout)
    return output


def test_govwatch_extract_and_the_pipeline_agree(tmp_path: Path) -> None:
    record = _command_on_page(tmp_path, "extract")
    message = process_document(local_document(MANGLED_PAGE), lexicon=load_lexicon())
    assert (record["body_text"], record["notes_offset"]) == (message["body_text"], message["notes_offset"])
    assert record["body_text"][record["notes_offset"] :].startswith("Notes to editors")


def test_govwatch_tag_reads_a_page_as_the_pipeline_does(tmp_path: Path) -> None:
    tagged = _command_on_page(tmp_path, "tag")
    message = process_document(local_document(MANGLED_PAGE), lexicon=load_lexicon())
    assert tagged["partnerships"] == message["partnerships"]
    assert tagged["figures"] == message["figures"]
    assert [f["value"] for f in tagged["figures"] if f["kind"] == "money"] == [2_000_000]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ('{"content_id": "5e9a3c2b", "details": {"body": "<p>x</p>"}}', "content_api"),
        ('{"name": "not a content item"}', "text"),
        ("<!DOCTYPE html><html><body><p>x</p></body></html>", "html"),
        ("Plain text about an MoU.", "text"),
        ("", "text"),
    ],
)
def test_payload_kinds_are_sniffed(text: str, kind: str) -> None:
    assert payload_kind_of(text) == kind


def test_an_empty_text_is_a_document_without_a_body() -> None:
    message = process_document(local_document("   "), lexicon=load_lexicon())
    assert message["extraction_status"] == "empty"
    assert message["partnerships"] == []


_WORDS = st.sampled_from(
    [
        "memorandum of understanding", "signed", "£2 billion", "$3m", "50%", "three years", "Acme Ltd",
        "the Department for Science, Innovation and Technology", "partnership", "with", "and", "OpenAI",
        "â€™", "Â£", "\u00a0", "\u200b", "<", "&amp;", "&#0;", "\ud800", "\x00", "Notes to editors", "\n",
    ]
)  # fmt: skip
_FRAGMENT = st.one_of(_WORDS, st.text(max_size=20))
_TAG = st.sampled_from(["p", "h1", "h2", "li", "div", "article", "main", "table", "td", "script", "title"])


@st.composite
def _pages(draw: st.DrawFn) -> str:
    """HTML of any shape: known words, any text, nested and unclosed tags."""
    parts = []
    for _ in range(draw(st.integers(0, 12))):
        tag, text = draw(_TAG), " ".join(draw(st.lists(_FRAGMENT, max_size=6)))
        parts.append(f"<{tag}>{text}" + (f"</{tag}>" if draw(st.booleans()) else ""))
    return "<html><body>" + "".join(parts)


@st.composite
def _content_items(draw: st.DrawFn) -> str:
    """Content API JSON with any values in the members extraction reads (or missing)."""
    value = st.one_of(
        st.none(), st.text(max_size=30), st.integers(), st.lists(st.text(max_size=10), max_size=2)
    )
    item: dict[str, Any] = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "title": value, "description": value, "document_type": value, "public_updated_at": value,
                "first_published_at": value, "base_path": value, "locale": value, "content_id": value,
            },
        )
    )  # fmt: skip
    if draw(st.booleans()):
        item["details"] = {"body": draw(_pages()), "change_history": draw(value)}
    if draw(st.booleans()):
        item["links"] = {"organisations": [{"title": draw(value)}]}
    return json.dumps(item)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_pages(), _content_items()))
def test_any_page_or_content_item_becomes_a_valid_message_without_raising(payload: str) -> None:
    message = process_document(
        local_document(payload, url="https://www.gov.uk/government/news/x"), lexicon=load_lexicon()
    )
    check_message("announcement", message)
