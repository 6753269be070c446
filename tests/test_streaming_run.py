"""`govwatch run` (streaming) in its own process: queries, and the pages of a `govwatch serve` beside it,
never fail across its whole life (start, batches, settled checkpoints, reopens of its database, SIGTERM),
hostile queries change nothing, and SIGTERM stops it cleanly."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from govwatch.config import load_settings
from govwatch.demo.server import SampleServer, expected_counts
from govwatch.errors import QueryError
from govwatch.query import read_rows
from tests.alerts.conftest import free_port
from tests.support.announcements import fill_database
from tests.support.database import HOSTILE_QUERIES
from tests.support.hammer import Hammer, PageHammer
from tests.support.processes import children, start_govwatch, stop_govwatch, wait_for, wait_gone
from tests.support.sample_config import write_sample_config

PREFILLED = 3  # the run starts on a database that already holds these, as a scheduled run would


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=10).status_code == 200
    except httpx.HTTPError:
        return False


def test_streaming_run_loads_serves_queries_picks_up_updates_and_stops_on_sigterm(tmp_path: Path) -> None:
    with SampleServer() as server:
        # The run reopens its database (to give memory back) after every batch loaded 0.3 s after the last
        # reopen: many times over the test, each while queries and pages keep coming.
        config = write_sample_config(server, tmp_path, interval="1s", reopen_every="0.3s")
        settings = load_settings(config, env={})
        fill_database(settings.db_path, PREFILLED)
        # The web page in a process of its own, reading through the same path as `govwatch query`.
        port = free_port()
        page_url = f"http://127.0.0.1:{port}"
        serve, serve_log = start_govwatch(
            ["serve", "--port", str(port), "--config", str(config)], tmp_path, tmp_path / "serve.log"
        )
        try:
            wait_for(lambda: _answers(page_url + "/sources"), "govwatch serve to answer")
        except AssertionError:
            stop_govwatch(serve, serve_log)
            raise
        hammer = Hammer(settings).__enter__()  # queries from before the start until after the stop
        pages = PageHammer(settings, page_url).__enter__()  # and pages, the same way
        log_path = tmp_path / "run.log"
        process, log_file = start_govwatch(["-v", "run", "--config", str(config)], tmp_path, log_path)
        try:

            def count(sql: str) -> int:
                if not settings.db_path.exists():
                    return -1
                try:
                    return int(read_rows(settings, sql)[1][0][0])
                except Exception:
                    return -1

            wait_for(
                lambda: (
                    count("select count(*) from announcements")
                    == expected_counts(1)["announcements"] + PREFILLED
                ),
                "phase 1 to be loaded",
            )
            assert Path(str(settings.db_path) + ".query.json").exists(), (
                "queries went through the run's endpoint"
            )
            for sql in HOSTILE_QUERIES:  # each refused, and none changes the run's own connection
                with pytest.raises(QueryError, match="refused"):
                    read_rows(settings, sql)
            assert not (tmp_path / "x.txt").exists()
            server.set_phase(2)
            wait_for(
                lambda: (
                    count("select count(*) from announcement_history")
                    == expected_counts(2)["versions"] + PREFILLED
                ),
                "phase 2 versions to be loaded (the run went on storing after the hostile queries)",
            )
            kids = children(process.pid)
            assert kids, "the embedded broker runs as a child"
        finally:
            try:
                stop_govwatch(process, log_file)
                time.sleep(0.5)  # a few queries after the stop too
                last = expected_counts(2)["announcements"] + PREFILLED
                wait_for(lambda: max(pages.tally.counts, default=0) == last, "a page to read the last rows")
            finally:
                hammer.__exit__(None, None, None)
                pages.__exit__(None, None, None)
                stop_govwatch(serve, serve_log)
        err = log_path.read_text()
        assert process.returncode in (0, 130), err[-3000:]
        assert err.count("database reopened") >= 2, err[-3000:]
        assert wait_gone(kids)
        assert not Path(str(settings.db_path) + ".query.json").exists()
        final = expected_counts(2)["announcements"] + PREFILLED
        assert read_rows(settings, "select count(*) from announcements")[1] == [(final,)]
        tally = hammer.tally
        assert tally.failures == [], f"{len(tally.failures)} of {tally.answered + len(tally.failures)} failed"
        assert tally.answered > 0 and min(tally.counts) >= PREFILLED and max(tally.counts) == final
        seen = pages.tally
        assert seen.failures == [], f"{len(seen.failures)} pages failed: {seen.failures[:5]}"
        assert seen.busy == [], f"the read path's bound ran out: {seen.busy[:5]}"
        assert seen.answered > 0 and min(seen.counts) >= PREFILLED and max(seen.counts) == final
