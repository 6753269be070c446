"""Tests for govwatch.demo.render: the sample's shape, its two phases, and GOV.UK-shaped rendering."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from govwatch.demo.render import (
    mangle_gbk,
    render_article_page,
    render_body_html,
    render_content_item,
)
from govwatch.demo.sample_model import SAMPLE_DIR, bundled_sample, load_sample, version_of
from govwatch.errors import ConfigError

FIXTURES = Path(__file__).parents[1] / "fixtures" / "demo"
SCHEMAS = Path(__file__).parents[2] / ".." / "shared" / "govuk-content-schemas"
SCHEMA_FILES = {"news_article": "news_article", "speech": "speech", "publication": "publication"}
BASE_URL = "http://127.0.0.1:8999"
MOJIBAKE = re.compile("[鈥拢聽]")
BODY_CASES = json.loads((FIXTURES / "body_html.json").read_text(encoding="utf-8"))
GOVUK = [a for a in bundled_sample().announcements if a.site == "govuk"]


@pytest.mark.parametrize("case", BODY_CASES, ids=[c["comment"] for c in BODY_CASES])
def test_body_renders_as_govspeak_html(case: dict[str, Any]) -> None:
    rendered = render_body_html(case["input"]["body"], mangled=case["input"]["mangled"])
    if case["expect"] == "pass":
        assert rendered == case["expected"]
    else:
        assert rendered != case["expected"]


def test_sample_has_the_breadth_the_demo_needs() -> None:
    sample = bundled_sample()
    govuk = sample.on_site("govuk")
    lead_orgs = {a.organisations[0] for a in govuk}
    types = {a.document_type for a in govuk}
    first_months = {a.first_published_at[:7] for a in sample.announcements}
    assert len(sample.announcements) >= 32
    assert len(lead_orgs) >= 5
    assert {"press_release", "news_story", "speech", "policy_paper"} <= types
    assert len(first_months) >= 6
    assert 2 <= len(sample.on_site("newsroom")) <= 3
    assert sum(1 for a in sample.announcements if a.update is not None) >= 3
    assert sum(1 for a in sample.announcements if a.mangled) >= 4


FIGURE_FORMATS = {
    "up to a sum": r"up to £\d+ million",
    "short billions": r"£\d+(\.\d+)?bn",
    "a range": r"£\d+–\d+ million",
    "a yearly sum": r"£[\d.]+ million-a-year",
    "dollars": r"\$\d",
    "euros": r"€\d",
    "jobs": r"\d{1,3},\d{3} (new )?jobs",
    "start-ups": r"\d+ start-ups",
    "a percentage": r"\d+(\.\d+)?%",
    "a duration": r"\d+-year\b|\d+ (years|months)",
}


@pytest.mark.parametrize("pattern", FIGURE_FORMATS.values(), ids=FIGURE_FORMATS.keys())
def test_sample_carries_each_figure_format_taggers_must_read(pattern: str) -> None:
    bodies = [a.body for a in bundled_sample().announcements]
    assert any(re.search(pattern, body) for body in bodies)


def test_sample_mixes_memoranda_with_announcements_that_have_no_partnership() -> None:
    texts = [version_of(a, 2).body for a in bundled_sample().announcements]
    with_mou = [t for t in texts if re.search("memorandum of understanding", t, re.IGNORECASE)]
    without = [t for t in texts if not re.search("partner|memorandum|agreement|contract", t, re.IGNORECASE)]
    assert len(with_mou) >= 5
    assert len(without) >= 8
    assert sum("## Notes to editors" in t for t in texts) >= 5


def test_sample_tells_the_openai_mou_with_its_key_facts() -> None:
    [mou] = [a for a in bundled_sample().announcements if "OpenAI" in a.title]
    for fact in (
        "Peter Kyle",
        "Sam Altman",
        "Memorandum of Understanding",
        "£2 billion",
        "over 200 bids",
        "not legally binding",
        "voluntary",
    ):
        assert fact in mou.body, fact
    assert mou.first_published_at.startswith("2025-07")


def test_source_data_is_clean_but_mangled_bodies_carry_gbk_mojibake() -> None:
    for path in SAMPLE_DIR.rglob("*.toml"):
        assert not MOJIBAKE.search(path.read_text(encoding="utf-8")), path
    mangled = [a for a in GOVUK if a.mangled]
    assert mangled
    for a in mangled:
        page = render_article_page(version_of(a, 1), bundled_sample(), BASE_URL)
        assert "鈥" in page or "拢" in page, a.key
        assert "’" not in render_body_html(a.body, mangled=True)


def test_clean_bodies_render_without_mojibake() -> None:
    for a in GOVUK:
        if not a.mangled:
            assert not MOJIBAKE.search(render_body_html(a.body)), a.key


def test_mangle_matches_the_seed_article_damage() -> None:
    seed = Path(__file__).parents[2] / ".." / "shared" / "seeds" / "000_4ebad22dac5f82a2.txt"
    if not seed.exists():
        pytest.skip("shared seed folder is not beside this checkout")
    clean = (
        "Signed\u00a0today by Technology Secretary Peter Kyle and\u00a0OpenAI\u00a0CEO Sam Altman, "
        "the ‘Memorandum of Understanding’ sets out intent"
    )
    assert mangle_gbk(clean) in seed.read_text(encoding="utf-8")


@pytest.mark.parametrize("phase", [1, 2])
def test_every_content_item_matches_govuk_frontend_schema(phase: int) -> None:
    if not SCHEMAS.is_dir():
        pytest.skip("GOV.UK content schemas are not beside this checkout")
    jsonschema = pytest.importorskip("jsonschema")
    validators = {
        name: jsonschema.Draft4Validator(
            json.loads((SCHEMAS / f"{file}.frontend.schema.json").read_text(encoding="utf-8")),
            format_checker=jsonschema.FormatChecker(),
        )
        for name, file in SCHEMA_FILES.items()
    }
    seen = set()
    for a in GOVUK:
        item = render_content_item(version_of(a, phase), bundled_sample(), BASE_URL)
        errors = [e.message for e in validators[item["schema_name"]].iter_errors(item)]
        assert not errors, (a.key, errors[:3])
        seen.add(item["schema_name"])
    assert seen == set(SCHEMA_FILES)


def test_phase_two_changes_only_updated_announcements_and_records_the_change() -> None:
    for a in bundled_sample().announcements:
        first, second = version_of(a, 1), version_of(a, 2)
        if a.update is None:
            assert first == second
            continue
        assert second.number == 2
        assert second.body != first.body or second.organisations != first.organisations
        assert datetime.fromisoformat(second.public_updated_at) > datetime.fromisoformat(
            first.public_updated_at
        )
        assert second.change_history[0] == (a.update.public_updated_at, a.update.note)
        item = render_content_item(second, bundled_sample(), BASE_URL)
        assert item["content_id"] == a.content_id
        assert len(item["details"]["change_history"]) == 2


def test_article_page_carries_govuk_meta_tags_and_components() -> None:
    a = GOVUK[0]
    page = render_article_page(version_of(a, 1), bundled_sample(), BASE_URL)
    for needle in (
        f'<meta name="govuk:content-id" content="{a.content_id}">',
        '<meta name="govuk:format"',
        '<meta name="govuk:organisations" content="&lt;',
        '<meta name="govuk:first-published-at"',
        '<meta name="govuk:updated-at"',
        f'<link rel="canonical" href="{BASE_URL}{a.base_path}">',
        "gem-c-cookie-banner",
        "govuk-breadcrumbs",
        "gem-c-title__text",
        "gem-c-lead-paragraph",
        "gem-c-metadata",
        'class="govspeak"',
        "gem-c-share-links",
        "gem-c-related-navigation",
        "Is this page useful?",
        "govuk-footer",
    ):
        assert needle in page, needle


def _write_sample(tmp_path: Path, announcement: str) -> Path:
    for name in ("organisations.toml", "newsroom.toml"):
        (tmp_path / name).write_text((SAMPLE_DIR / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "govuk").mkdir()
    (tmp_path / "newsroom").mkdir()
    (tmp_path / "govuk" / "one.toml").write_text(announcement, encoding="utf-8")
    return tmp_path


GOOD = """
slug = "a-story"
document_type = "news_story"
title = "A story"
description = "About it."
organisations = ["cabinet-office"]
first_published_at = "2025-03-01T09:00:00+00:00"
body = "Text that says £5 million."
"""


def test_loader_refuses_an_update_dated_before_phase_one_ends(tmp_path: Path) -> None:
    sample_dir = _write_sample(
        tmp_path, GOOD + '[update]\npublic_updated_at = "2025-03-05T09:00:00+00:00"\nnote = "x"\n'
    )
    later = GOOD.replace("a-story", "later-story").replace("2025-03-01", "2025-04-01")
    (sample_dir / "govuk" / "two.toml").write_text(later, encoding="utf-8")
    with pytest.raises(ConfigError, match="date the update after"):
        load_sample(sample_dir)


def test_loader_reads_a_minimal_announcement(tmp_path: Path) -> None:
    sample = load_sample(_write_sample(tmp_path, GOOD))
    assert [a.base_path for a in sample.announcements] == ["/government/news/a-story"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (GOOD.replace('"cabinet-office"', '"no-such-office"'), "unknown organisations"),
        (GOOD.replace("+00:00", ""), "needs a UTC offset"),
        (GOOD.replace("news_story", "blog_post"), "unknown document_type"),
        (
            GOOD + '[update]\npublic_updated_at = "2025-03-02T09:00:00+00:00"\nnote = "x"\n'
            'replace = [["£6 million", "£7 million"]]\n',
            "does not contain",
        ),
        (GOOD.replace('title = "A story"', ""), "incomplete"),
        (GOOD + '[update]\npublic_updated_at = "2025-02-01T09:00:00+00:00"\nnote = "x"\n', "must come after"),
    ],
)
def test_loader_refuses_broken_sample_files(tmp_path: Path, change: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_sample(_write_sample(tmp_path, change))
