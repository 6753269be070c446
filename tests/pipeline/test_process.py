"""`process_document` is the one way a fetched payload becomes an announcement; the commands use it too."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from govwatch.cli import app
from govwatch.pipeline.process import local_document, payload_kind_of, process_document

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
    message = process_document(local_document(MANGLED_PAGE))
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
    message = process_document(local_document(MANGLED_PAGE))
    assert (record["body_text"], record["notes_offset"]) == (message["body_text"], message["notes_offset"])
    assert record["body_text"][record["notes_offset"] :].startswith("Notes to editors")


def test_govwatch_tag_reads_a_page_as_the_pipeline_does(tmp_path: Path) -> None:
    tagged = _command_on_page(tmp_path, "tag")
    message = process_document(local_document(MANGLED_PAGE))
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
    message = process_document(local_document("   "))
    assert message["extraction_status"] == "empty"
    assert message["partnerships"] == []
