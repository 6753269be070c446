"""The demo's closing summary points at what to do next: queries, and the web page."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from govwatch.demo.run import DemoResult, print_summary


def _summary(db_path: Path) -> str:
    out = io.StringIO()
    print_summary(DemoResult(db_path=db_path, seconds=1.0), Console(file=out, width=200))
    return out.getvalue()


def test_summary_offers_the_web_page_on_the_demo_database() -> None:
    text = _summary(Path("/tmp/demo/govwatch.duckdb"))
    # The program is named as it was run (`.venv/bin/govwatch`, or `python -m govwatch` here).
    assert " serve --db /tmp/demo/govwatch.duckdb" in text
    assert "http://127.0.0.1:8080/" in text


def test_summary_for_the_default_database_needs_no_db_option() -> None:
    assert " serve    # then open" in _summary(Path("govwatch.duckdb"))
