"""Memory of `govwatch run`: its peak RSS after 10,000 articles, and its growth over a soak after that.

A GOV.UK-format site on 127.0.0.1 (`bench/govuk_site.py`) feeds the real `govwatch run` (embedded broker,
one `govuk_atom` source polled every second, a webhook subscription to a local receiver) 10,000
announcements, released in steps of `STEP` whenever fewer than `BACKLOG` wait, so the run always has
work. Then, for the soak, it publishes `SOAK_RATE` announcements a second. The bench reads the run's
RSS (and the embedded broker's, apart) from /proc every second through the run's query endpoint.

Printed: the run's peak RSS (VmHWM) after 10,000 articles, against a target of < 400 MB; its RSS at the
start and end of the soak and the growth in MB/min over it (flat after warm-up is the target); and the
baseline measured in the same run: a fresh interpreter that has imported everything `govwatch run`
imports and done no work. `make bench` soaks for `SOAK_S`; `GOVWATCH_SOAK=1` (or
`python -m bench.bench_memory --soak 600`) soaks for 10 minutes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.govuk_site import GovukSite
from bench.local_run import ROOT, govwatch_run, hook_url, run_config, webhook_receiver
from govwatch.config import load_settings
from govwatch.errors import GovwatchError
from govwatch.query import read_rows

ARTICLES = 10_000
STEP = 100
BACKLOG = 300
SOAK_S = 600.0 if os.environ.get("GOVWATCH_SOAK") else 60.0
SOAK_RATE = 5
TARGET_MB = 400
STALL_TIMEOUT_S = 120.0
_BASELINE = (
    "import apache_beam, duckdb, kafka, trafilatura, govwatch.runner, govwatch.cli, govwatch.pipeline.transforms, "
    "govwatch.alerts.dispatcher; print(open('/proc/self/status').read())"
)


def _status_mb(text: str, field: str) -> float:
    for line in text.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024.0
    return float("nan")


def _proc_mb(pid: int, field: str) -> float:
    try:
        return _status_mb(Path(f"/proc/{pid}/status").read_text(), field)
    except FileNotFoundError:
        return float("nan")


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in out]


def _stored(settings: Any) -> int | None:
    try:
        _columns, rows = read_rows(settings, "select count(*) from announcement_versions")
    except GovwatchError:
        return None
    return int(rows[0][0])


def _baseline_mb() -> float:
    out = subprocess.run(
        [sys.executable, "-c", _BASELINE], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return _status_mb(out.stdout, "VmRSS")


def run(articles: int = ARTICLES, soak_s: float = SOAK_S) -> None:
    sink = webhook_receiver()
    samples: list[tuple[float, int, float, float]] = []  # (time, stored, run RSS MB, broker RSS MB)
    with tempfile.TemporaryDirectory() as tmp, GovukSite(feed_entries=BACKLOG + STEP) as site:
        folder = Path(tmp)
        config = run_config(
            site, folder, hook_url(sink), interval_s=1.0, source_extra=f"max_articles_per_poll = {BACKLOG}\n"
        )
        settings = load_settings(config, env={})
        peak_after_load = float("nan")
        with govwatch_run(site, config, folder) as process:
            started = time.perf_counter()
            stored, last_progress, soak_from = 0, started, None
            while process.poll() is None:
                now = time.perf_counter()
                count = _stored(settings)
                if count is not None and count > stored:
                    stored, last_progress = count, now
                if now - last_progress > STALL_TIMEOUT_S:
                    log_tail = (folder / "run.log").read_text(errors="replace").splitlines()[-15:]
                    print(
                        f"stopped: nothing stored for {STALL_TIMEOUT_S:.0f} s at {stored} articles; the run's log ends:"
                    )
                    print("\n".join(log_tail))
                    break
                broker = sum(_proc_mb(pid, "VmRSS") for pid in _children(process.pid))
                samples.append((now - started, stored, _proc_mb(process.pid, "VmRSS"), broker))
                if soak_from is None:
                    if stored >= articles:
                        peak_after_load = _proc_mb(process.pid, "VmHWM")
                        soak_from = now
                    elif len(site.published_at) < articles and len(site.published_at) - stored < BACKLOG:
                        site.publish(min(STEP, articles - len(site.published_at)))
                elif now - soak_from >= soak_s:
                    break
                else:
                    site.publish(SOAK_RATE)
                time.sleep(1.0)
            load_s = (soak_from or time.perf_counter()) - started
        sink.shutdown()
    baseline = _baseline_mb()
    load = [s for s in samples if s[1] < articles]
    soak = [s for s in samples if s[1] >= articles]
    print(f"govwatch run, a local GOV.UK-format feed polled every second, {articles:,} articles then a soak")
    print(f"baseline: a fresh interpreter with everything imported, no work: {baseline:6.0f} MB")
    if load:
        print(
            f"loading {articles:,} articles ({load_s:.0f} s, {articles / max(load_s, 1e-9):.0f}/s): "
            f"peak RSS {peak_after_load:.0f} MB (target < {TARGET_MB} MB), "
            f"broker at most {max(s[3] for s in load):.0f} MB"
        )
    if len(soak) >= 2:
        minutes = (soak[-1][0] - soak[0][0]) / 60.0
        growth = soak[-1][2] - soak[0][2]
        print(
            f"soak {minutes:.1f} min at {SOAK_RATE}/s (+{soak[-1][1] - soak[0][1]:,} articles): RSS "
            f"{soak[0][2]:.0f} → {soak[-1][2]:.0f} MB ({growth / max(minutes, 1e-9):+.1f} MB/min; "
            f"min {min(s[2] for s in soak):.0f}, max {max(s[2] for s in soak):.0f}); "
            f"broker {soak[0][3]:.0f} → {soak[-1][3]:.0f} MB"
        )
    else:
        print("no soak: the run did not reach the article count")


def main() -> None:
    run()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=ARTICLES)
    parser.add_argument("--soak", type=float, default=SOAK_S, help="seconds of soak after loading")
    args = parser.parse_args()
    run(args.articles, args.soak)
