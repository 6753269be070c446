"""Extraction quality and speed on the gold set (tests/fixtures/extract).

Prints token-level precision/recall/F1 of the body against gold (GOV.UK and other newsrooms apart),
title and date exact-match rates, and docs/s for: bare `trafilatura.extract` (the floor), our
`extract_html`, and `extract_html` + `repair_text` when the repair step is present. For GOV.UK pages it
also scores the alternatives the design chose between: trafilatura on the whole page and trafilatura on
the pre-selected govspeak node.
"""

from __future__ import annotations

import importlib
import json
import re
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import trafilatura
from lxml import html

from govwatch.pipeline.extract.document import extract_html
from govwatch.pipeline.extract.xpaths import GOVSPEAK_BODY

FIXTURES = Path(__file__).parents[1] / "tests" / "fixtures" / "extract"
ROUNDS = 5


def _pages(folder: str) -> list[tuple[bytes, dict[str, Any]]]:
    pages = []
    for gold_path in sorted((FIXTURES / folder).glob("*.gold.json")):
        page = gold_path.with_name(gold_path.name.replace(".gold.json", ".html")).read_bytes()
        pages.append((page, json.loads(gold_path.read_text("utf-8"))))
    return pages


def _prf(found: str, gold: str) -> tuple[float, float, float]:
    found_tokens = Counter(re.findall(r"\w+", found.lower()))
    gold_tokens = Counter(re.findall(r"\w+", gold.lower()))
    common = sum((found_tokens & gold_tokens).values())
    if not common:
        return 0.0, 0.0, 0.0
    precision, recall = common / sum(found_tokens.values()), common / sum(gold_tokens.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def _score(name: str, texts: list[str], golds: list[dict[str, Any]]) -> None:
    scores = [_prf(text, gold["body_text"]) for text, gold in zip(texts, golds, strict=True)]
    mean = [sum(score[i] for score in scores) / len(scores) for i in range(3)]
    worst = min(score[2] for score in scores)
    print(f"  {name:<44} P={mean[0]:.3f} R={mean[1]:.3f} F1={mean[2]:.3f} (worst page F1={worst:.3f})")


def _govspeak_by_trafilatura(page: bytes) -> str:
    tree = html.document_fromstring(page)
    nodes = tree.xpath(GOVSPEAK_BODY)  # the node extract_html starts from, so only the converter differs
    return (
        str(trafilatura.extract(nodes[0], include_tables=True, include_comments=False) or "") if nodes else ""
    )


def _rate(function: Callable[[bytes], object], pages: list[bytes]) -> float:
    function(pages[0])  # warm caches (lxml, trafilatura's settings) outside the timing
    start = time.perf_counter()
    for _ in range(ROUNDS):
        for page in pages:
            function(page)
    return ROUNDS * len(pages) / (time.perf_counter() - start)


def main() -> None:
    """Print quality and speed figures; compares against bare trafilatura measured in the same run."""
    for folder, label in (("govuk", "GOV.UK pages"), ("other", "other newsrooms")):
        pages = _pages(folder)
        golds = [gold for _, gold in pages]
        documents = [extract_html(page) for page, _ in pages]
        print(f"{label}: {len(pages)} pages")
        _score("extract_html", [document.body_text for document in documents], golds)
        bare = [
            str(trafilatura.extract(page, include_tables=True, include_comments=False) or "")
            for page, _ in pages
        ]
        _score("bare trafilatura.extract (whole page)", bare, golds)
        if folder == "govuk":
            _score(
                "trafilatura on the govspeak node",
                [_govspeak_by_trafilatura(page) for page, _ in pages],
                golds,
            )
        for field in ("title", "published_at", "updated_at"):
            exact = sum(
                getattr(document, field) == gold[field]
                for document, gold in zip(documents, golds, strict=True)
            )
            print(f"  {field:<13} exact {100 * exact / len(pages):5.1f}%")
    every_page = [page for folder in ("govuk", "other") for page, _ in _pages(folder)]
    floor = _rate(
        lambda page: trafilatura.extract(page, include_tables=True, include_comments=False), every_page
    )
    ours = _rate(lambda page: extract_html(page), every_page)
    print(f"speed on {len(every_page)} pages x {ROUNDS} rounds:")
    print(f"  bare trafilatura.extract   {floor:8.1f} docs/s")
    print(f"  extract_html               {ours:8.1f} docs/s  overhead {100 * (floor / ours - 1):+.1f}%")
    repair = getattr(importlib.import_module("govwatch.pipeline.repair.text"), "repair_text", None)
    if callable(repair):
        both = _rate(lambda page: repair(extract_html(page).body_text), every_page)
        print(f"  extract_html + repair_text {both:8.1f} docs/s  overhead {100 * (floor / both - 1):+.1f}%")
    for folder in ("govuk", "other"):
        pages_only = [page for page, _ in _pages(folder)]
        floor = _rate(
            lambda page: trafilatura.extract(page, include_tables=True, include_comments=False), pages_only
        )
        ours = _rate(lambda page: extract_html(page), pages_only)
        print(
            f"  {folder:<6} trafilatura {floor:7.1f} docs/s, extract_html {ours:7.1f} docs/s "
            f"(overhead {100 * (floor / ours - 1):+.1f}%)"
        )


if __name__ == "__main__":
    main()
