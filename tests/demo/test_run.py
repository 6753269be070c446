"""`govwatch demo` re-run on its database while queries keep coming: none of them fails."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from govwatch.config import LEXICON_DIR_ENV, load_settings
from govwatch.db import connect_writer
from govwatch.demo.run import demo_settings
from govwatch.demo.server import expected_counts
from govwatch.store.loader import AnnouncementLoader
from tests.support.announcements import as_consumed, make_announcement
from tests.support.hammer import Hammer

ROOT = Path(__file__).resolve().parents[2]
DEMO_TIMEOUT_S = 180


def _demo(db_path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "govwatch", "demo", "--db", str(db_path)],
        cwd=db_path.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def _earlier_demo_database(db_path: Path, n: int) -> None:
    """A database as an earlier demo left it (demo sources only, so the demo may replace it)."""
    conn = connect_writer(db_path)
    conn.execute("BEGIN TRANSACTION")
    announcements = [make_announcement(f"earlier-{i}", source="govuk-earlier") for i in range(n)]
    AnnouncementLoader().handle(conn, as_consumed(announcements))
    conn.execute("COMMIT")
    conn.close()


def test_queries_never_fail_while_the_demo_resets_and_runs_both_phases(tmp_path: Path) -> None:
    db_path = tmp_path / "demo.duckdb"
    _earlier_demo_database(db_path, 2)
    settings = load_settings(None, env={}, db_path=db_path)
    final = expected_counts(2)["announcements"]
    with Hammer(settings, pause_s=0.25) as hammer:
        second = _demo(db_path)  # deletes the old database, then runs phase 1 and phase 2
        try:
            _out, err = second.communicate(timeout=DEMO_TIMEOUT_S)
        finally:
            if second.poll() is None:
                second.kill()
                second.wait(timeout=10)
        time.sleep(0.5)  # and a few queries after it ended
    assert second.returncode == 0, err[-3000:]
    tally = hammer.tally
    assert tally.failures == [], f"{len(tally.failures)} of {tally.answered + len(tally.failures)} failed"
    assert tally.answered > 0 and tally.counts[0] == 2 and tally.counts[-1] == final


def test_the_demo_tags_with_the_users_lexicon_folders_and_ignores_other_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no ./govwatch.toml
    monkeypatch.setenv(LEXICON_DIR_ENV, str(tmp_path / "lexicon"))
    monkeypatch.setenv("GOVWATCH_KAFKA_BOOTSTRAP_SERVERS", "elsewhere:9092")
    settings = demo_settings("http://127.0.0.1:9", tmp_path / "demo.duckdb", [])
    assert settings.tagging.lexicon_dirs == (str(tmp_path / "lexicon"),)
    assert settings.embedded_broker
