"""Bad input never raises: each yields a record whose `extraction_status` says what was wrong."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from govwatch.pipeline.extract.document import extract_content_item, extract_html
from govwatch.pipeline.extract.input import MAX_HTML_BYTES

CASES = json.loads((Path(__file__).parents[2] / "fixtures" / "extract" / "bad_input.json").read_text("utf-8"))
ARTICLE = "<html lang='en'><body><main><div class='govspeak'><p>{}</p></div></main></body></html>"


@pytest.mark.parametrize("case", CASES, ids=[case["comment"] for case in CASES])
def test_bad_input_table(case: dict[str, Any]) -> None:
    document = extract_html(case["input"])
    if case["expect"] == "pass":
        assert document.extraction_status == case["expected"]
    else:
        assert document.extraction_status != case["expected"]


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"PK\x03\x04\x14\x00"],
    ids=["pdf", "png", "zip"],
)
def test_binary_served_as_html_is_binary(data: bytes) -> None:
    assert extract_html(data + bytes(range(256)) * 20).extraction_status == "binary"


def test_ten_megabytes_of_nested_divs_is_too_large() -> None:
    page = "<html><body>" + "<div>" * 1_100_000 + "<p>deep</p>" + "</div>" * 1_100_000 + "</body></html>"
    assert len(page) > 10_000_000
    assert extract_html(page).extraction_status == "too_large"
    assert extract_html(page.encode()).extraction_status == "too_large"


def test_deep_nesting_under_the_size_limit_does_not_exhaust_recursion() -> None:
    depth = (MAX_HTML_BYTES // 12) - 100
    page = "<html><body>" + "<div>" * depth + "<p>deep text</p>" + "</div>" * depth + "</body></html>"
    assert extract_html(page).extraction_status in ("no_article", "ok")


def test_deep_nesting_inside_govspeak_keeps_the_text() -> None:
    inner = "<div>" * 200 + "<p>Nested paragraph.</p>" + "</div>" * 200
    document = extract_html(ARTICLE.format("Top.").replace("</div></main>", inner + "</div></main>"))
    assert document.body_text == "Top.\nNested paragraph."


def test_mixed_encodings_keep_every_character() -> None:
    page = ARTICLE.format("Caf\u00e9 in UTF-8 and ").encode().replace(b"</p>", b"caf\xe9 in Latin-1.</p>")
    document = extract_html(page)
    assert document.extraction_status == "ok"
    assert document.body_text == "Caf\u00e9 in UTF-8 and caf\u00e9 in Latin-1."


def test_declared_charset_is_used_when_bytes_are_not_utf8() -> None:
    page = (
        "<html lang='en'><head><meta charset='windows-1252'></head><body><main><div class='govspeak'>"
        "<p>\u201cQuoted\u201d \u00a32 billion</p></div></main></body></html>"
    ).encode("cp1252")
    assert extract_html(page).body_text == "\u201cQuoted\u201d \u00a32 billion"


def test_mojibake_is_left_for_the_repair_step() -> None:
    assert extract_html(ARTICLE.format("UK\u9225\u6a9a AI")).body_text == "UK\u9225\u6a9a AI"


def test_utf16_page_with_bom_is_decoded() -> None:
    page = ARTICLE.format("Sixteen-bit text.").encode("utf-16")
    assert extract_html(page).body_text == "Sixteen-bit text."


@pytest.mark.parametrize(
    ("item", "status"),
    [
        ({}, "empty"),
        ({"title": "T", "details": {"body": "   "}}, "empty"),
        ({"title": "T", "details": {"body": "<div><img src='x.png'></div>"}}, "empty"),
        ({"title": "T", "details": "not a mapping", "links": []}, "empty"),
        (
            {"title": "T", "locale": "cy", "details": {"body": "<p>Mae'r llywodraeth wedi llofnodi.</p>"}},
            "wrong_language",
        ),
    ],
)
def test_bad_content_items(item: dict[str, Any], status: str) -> None:
    assert extract_content_item(item).extraction_status == status


def test_content_item_that_is_not_an_object_is_invalid() -> None:
    assert extract_content_item(["not", "a", "mapping"]).extraction_status == "invalid_item"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("first_published_at", "public_updated_at"),
    [
        ("0000-00-00T00:00:00Z", "2025-07-21T09:00:00+01:00"),
        ("9999-12-31T23:59:59-14:00", "2025-07-21T09:00:00+01:00"),
        ("0001-01-01T00:00:00+14:00", "2025-07-21T09:00:00+01:00"),
        ("0001-01-01", "2025-07-21T09:00:00+01:00"),
        ("2025-02-31", "2025-07-21T09:00:00+01:00"),
    ],
)
def test_a_bad_content_api_date_costs_only_that_field(
    first_published_at: str, public_updated_at: str
) -> None:
    item = {
        "title": "T",
        "base_path": "/government/news/t",
        "locale": "en",
        "first_published_at": first_published_at,
        "public_updated_at": public_updated_at,
        "details": {"body": "<p>The department signed a memorandum of understanding.</p>"},
    }
    document = extract_content_item(item)
    assert document.published_at is None
    assert document.updated_at == "2025-07-21T08:00:00Z"
    assert document.extraction_status == "ok"


@pytest.mark.parametrize("charset", ["idna", "undefined", "punycode", "rot13", "no-such-charset"])
def test_a_page_declaring_a_charset_that_cannot_decode_it_is_still_read(charset: str) -> None:
    page = ARTICLE.format("Caf\u00e9 society signs an agreement.").replace(
        "<body>", f'<meta charset="{charset}"><body>'
    )
    document = extract_html(page.encode("cp1252"))
    assert document.extraction_status == "ok"
    assert document.body_text == "Caf\u00e9 society signs an agreement."


def test_the_accepted_languages_are_the_callers_to_choose() -> None:
    page = "<html lang='fr'><body><article><h1>Accord</h1><p>Le gouvernement a signé un accord.</p></article></body></html>"
    item = {"title": "T", "locale": "cy", "details": {"body": "<p>Mae'r llywodraeth wedi llofnodi.</p>"}}
    assert extract_html(page).extraction_status == "wrong_language"
    assert extract_html(page, languages=frozenset({"en", "fr"})).extraction_status == "ok"
    assert extract_content_item(item, languages=frozenset({"cy"})).extraction_status == "ok"
